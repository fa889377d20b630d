"""A YakubaError raised by a view becomes one message on the page the person came from, in one
place (yakuba.web.user_errors); a form that does not validate says which field, never the value."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import RequestFactory

from yakuba.errors import YakubaError
from yakuba.web import FormInvalid, cleaned, file_response, user_errors


class _Refused(YakubaError):
    code = "test.refused"


class _AgeForm(forms.Form):
    age = forms.IntegerField(label="年齢クラス", min_value=0, max_value=5)


def _request(data=None):
    request = RequestFactory().post("/anything/", data or {})
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_it_works():
    @user_errors("audit:entries")
    def view(request, pk):
        raise _Refused("この回は承認済みです。\n変更できません。", where=f"round {pk}")

    request = _request()
    response = view(request, pk=3)
    assert response.status_code == 302
    assert response["Location"] == "/audit/"
    assert [str(m) for m in get_messages(request)] == ["この回は承認済みです。 変更できません。"]


def test_it_goes_back_with_the_views_arguments():
    @user_errors(lambda request, pk: f"/rounds/{pk}/")
    def view(request, pk):
        raise _Refused("だめです")

    assert view(_request(), pk=12)["Location"] == "/rounds/12/"


def test_it_leaves_a_bug_alone():
    @user_errors("audit:entries")
    def view(request):
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        view(_request())


def test_it_passes_a_good_answer_through():
    @user_errors("audit:entries")
    def view(request):
        return HttpResponse("ok")

    assert view(_request()).content == b"ok"


def test_a_form_names_the_field_but_not_the_value():
    with pytest.raises(FormInvalid) as caught:
        cleaned(_AgeForm, _request({"age": "987654"}))
    assert caught.value.message.startswith("年齢クラス: ")
    assert "987654" not in caught.value.message
    assert caught.value.where == "age"
    assert cleaned(_AgeForm, _request({"age": "4"})) == {"age": 4}


def test_a_file_is_an_attachment_unless_inline():
    assert file_response(b"x", "text/csv", "a.csv")["Content-Disposition"] == 'attachment; filename="a.csv"'
    assert file_response(b"x", "application/pdf", "n.pdf", inline=True)["Content-Disposition"] == 'inline; filename="n.pdf"'
