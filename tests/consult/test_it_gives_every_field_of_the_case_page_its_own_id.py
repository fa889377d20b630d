"""The case page holds many forms (some once per plan, goal, consent or request): every element id
is unique and every label points at a field of its own form, so keyboard and screen-reader users
land where they think."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest

from tests.consult.helpers import logged_in, sharing_world
from yakuba.consult.actions import records, sharing


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.labels: list[str] = []
        self.form_of: dict[str, int] = {}
        self.label_form: list[tuple[str, int]] = []
        self.forms = 0
        self.in_form = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "form":
            self.forms += 1
            self.in_form = self.forms
        if a.get("id"):
            self.ids.append(a["id"])
            self.form_of[a["id"]] = self.in_form
        if tag == "label" and a.get("for"):
            self.label_form.append((a["for"], self.in_form))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "form":
            self.in_form = 0


@pytest.mark.django_db
def test_it_works() -> None:
    s = sharing_world()
    w = s.w
    records.do_plan(w.case, w.worker, summary="二つ目の方針", goal="二つ目の目標")
    for _ in range(2):
        sharing.do_record_consent(w.case, w.worker, person_id=w.person.pk, agency_ids=[s.agency_a.pk],
                                  groups=["basic"], purpose="つなぎ", method="written")
        sharing.do_request_information(w.case, w.worker, organisation_id=s.agency_a.pk, direction="to_agency",
                                       subject="照会", due_on=dt.date(2027, 1, 1))
    page = logged_in(w.worker).get(f"/consult/cases/{w.case.pk}/").content.decode()
    parsed = _Ids()
    parsed.feed(page)
    duplicated = sorted({i for i in parsed.ids if parsed.ids.count(i) > 1})
    assert duplicated == []
    assert len(parsed.label_form) > 30
    for target, form in parsed.label_form:
        assert target in parsed.form_of, target
        assert parsed.form_of[target] == form, target
