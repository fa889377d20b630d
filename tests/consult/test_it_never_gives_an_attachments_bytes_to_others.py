"""Role × endpoint: an unassigned centre worker, 福祉課 (staff and chief), another city department,
the council, an agency's staff, an administrator and a worker of another centre never receive an
attachment's bytes, its title, nor a grant — on the viewer, the content (with the assigned worker's
own grant), the upload and the download request; each is 403. The センター長 sees a file without
health details but not one marked 要配慮. A missing attachment id answers as a forbidden one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.consult.helpers import BYTES_MARK, TITLE_MARK, attach, sample_pdf, viewer, world
from yakuba.accounts.models import Organisation
from yakuba.accounts.roles import Role
from yakuba.consult.models import Attachment
from yakuba.exports.models import Export


def _outsiders(w):  # type: ignore[no-untyped-def]
    return {
        "unassigned center_worker": w.other_worker,
        "city_staff of 福祉課": factories.user(Role.CITY_STAFF, "fk-staff", org_code="fukushi"),
        "city_supervisor of 福祉課": factories.user(Role.CITY_SUPERVISOR, "fk-chief", org_code="fukushi"),
        "city_staff of 子ども家庭課": factories.user(Role.CITY_STAFF, "kodomo-staff"),
        "council_member": factories.user(Role.COUNCIL_MEMBER),
        "agency_staff": factories.user(Role.AGENCY_STAFF),
        "admin": factories.user(Role.ADMIN),
        "center_worker of another centre": factories.user(Role.CENTER_WORKER, "w-elsewhere", org_code=Organisation.objects.create(
            code="center2", name="試験第二センター", kind=Organisation.Kind.CENTER).code),
    }


def _body(r) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(r.streaming_content) if getattr(r, "streaming", False) else r.content


@pytest.mark.django_db
def test_no_role_but_its_viewers_gets_an_attachments_bytes() -> None:
    w = world()
    files = [attach(w, kind) for kind in ("pdf", "image", "audio")]
    owner = Client()
    owner.force_login(w.worker)
    contents = [viewer(owner, a)[1] for a in files]
    assert all(contents)
    for label, user in _outsiders(w).items():
        client = Client()
        client.force_login(user)
        for a, content in zip(files, contents):
            calls = [
                ("GET viewer", client.get(reverse("consult:attachment", args=[a.pk]))),
                ("GET content", client.get(content)),
                ("GET content range", client.get(content, HTTP_RANGE="bytes=0-")),
                ("POST download", client.post(reverse("consult:attachment_download", args=[a.pk]), {"reason": "x"})),
                ("POST upload", client.post(reverse("consult:attachment_upload", args=[w.case.pk]),
                                            {"title": "x", "file": SimpleUploadedFile("a.pdf", sample_pdf(1))})),
                ("GET case page", client.get(reverse("consult:case", args=[w.case.pk]))),
            ]
            for where, r in calls:
                body = _body(r)
                assert BYTES_MARK not in body and TITLE_MARK.encode() not in body, (label, where)
                if where != "GET case page":
                    assert r.status_code == 403, (label, where, r.status_code)
    assert Attachment.objects.count() == 3 and not Export.objects.exists()


@pytest.mark.django_db
def test_the_chief_sees_a_file_but_not_one_marked_health() -> None:
    w = world()
    plain, health = attach(w, "pdf"), attach(w, "pdf", health=True)
    chief = Client()
    chief.force_login(w.chief)
    page, content = viewer(chief, plain)
    assert page.status_code == 200 and BYTES_MARK in _body(chief.get(content))
    page, content = viewer(chief, health)
    assert page.status_code == 403 and content == ""
    owner = Client()
    owner.force_login(w.worker)
    _p, health_content = viewer(owner, health)
    assert chief.get(health_content).status_code == 403
    case_page = chief.get(reverse("consult:case", args=[w.case.pk])).content.decode()
    assert f'data-attachment="{plain.pk}"' in case_page and f'data-attachment="{health.pk}"' not in case_page


@pytest.mark.django_db
def test_a_missing_attachment_answers_as_a_forbidden_one() -> None:
    w = world()
    a = attach(w, "pdf")
    owner = Client()
    owner.force_login(w.worker)
    for name in ("consult:attachment", "consult:attachment_content"):
        assert owner.get(reverse(name, args=[a.pk + 1000])).status_code == 403
    assert owner.post(reverse("consult:attachment_download", args=[a.pk + 1000]), {"reason": "x"}).status_code == 403
