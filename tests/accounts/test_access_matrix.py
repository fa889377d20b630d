"""Every URL pattern × every role: the answer matches this table, and no view lacks a rule.

The table is written here, independently of the views' own declarations: a view added without
an entry, a rule widened by mistake, or a view that forgets its rule, each fails this test.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.access import DENIED_HEADER, routes
from yakuba.accounts.roles import ALL_ROLES, Role

ALL = set(ALL_ROLES)
PUBLIC = "public"
VENDOR = {Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE}
STAFF = VENDOR | {Role.CITY_STAFF, Role.CITY_SUPERVISOR}
CENTRE = {Role.CENTER_WORKER, Role.CENTER_SUPERVISOR}
INSPECTORS = {Role.COUNCIL_MEMBER, Role.CITY_SUPERVISOR, Role.ADMIN}
# 上下水道総務課 (organisation "suido") only: its city_staff and city_supervisor. Every user here
# belongs to another organisation, so every role is refused; tests/debit/test_it_admits_only_the_water_department.py
# checks that the water department's staff get in.
WATER: set[str] = set()
# 子ども家庭課 (organisation "kodomo"): the city roles of the test users belong to it.
KODOMO = {Role.CITY_STAFF, Role.CITY_SUPERVISOR}
# 基幹福祉相談センター: its workers and its センター長; which case and which field, yakuba.consult.access
# decides (tests/consult). agency_staff never opens a case: only consult:shared* (what was shared with it).
# 福祉課 (organisation "fukushi") sees the centre's statistics only; the test users' city roles
# belong to 子ども家庭課, so every role is refused here (tests/consult checks 福祉課 gets in).
FUKUSHI: set[str] = set()

EXPECTED: dict[str, object] = {
    "accounts:home": ALL,
    "accounts:login": PUBLIC,
    "accounts:logout": ALL,
    "accounts:factor": ALL,
    "accounts:grants": {Role.ADMIN, Role.CITY_SUPERVISOR, Role.VENDOR_RESPONSIBLE, Role.CENTER_SUPERVISOR},
    "accounts:grant_decide": {Role.ADMIN, Role.CITY_SUPERVISOR, Role.VENDOR_RESPONSIBLE, Role.CENTER_SUPERVISOR},
    "accounts:devices": {Role.ADMIN},
    "accounts:healthz": PUBLIC,
    "set_language": PUBLIC,
    "audit:entries": INSPECTORS,
    "audit:verify": INSPECTORS,
    "audit:fields": INSPECTORS,
    "audit:read_notices": {Role.CITY_SUPERVISOR, Role.VENDOR_RESPONSIBLE},
    "audit:readers": {Role.COUNCIL_MEMBER},
    "vault:certificates": INSPECTORS | {Role.VENDOR_RESPONSIBLE},
    "vault:certificate": INSPECTORS | {Role.VENDOR_RESPONSIBLE},
    # the centre's files (a disclosure to an agency) leave through the same step, approved by the センター長
    "exports:list": STAFF | CENTRE,
    "exports:request": STAFF | CENTRE,
    "exports:decide": {Role.VENDOR_RESPONSIBLE, Role.CITY_SUPERVISOR, Role.CENTER_SUPERVISOR},
    "exports:download": STAFF | CENTRE,
    "exports:routine": {Role.VENDOR_RESPONSIBLE, Role.CITY_SUPERVISOR, Role.CENTER_SUPERVISOR},
    "exports:routine_revoke": {Role.VENDOR_RESPONSIBLE, Role.CITY_SUPERVISOR, Role.CENTER_SUPERVISOR},
    "handover:list": INSPECTORS | {Role.VENDOR_RESPONSIBLE, Role.CITY_STAFF},
    "jobs:list": ALL,
    "jobs:detail": ALL,
    "intake:list": VENDOR,
    "intake:detail": VENDOR,
    "intake:edit": VENDOR,
    "intake:batches": VENDOR,
    "intake:batch_upload": {Role.VENDOR_RESPONSIBLE},
    "intake:batch": VENDOR,
    "intake:batch_progress": VENDOR,
    "intake:batch_read": {Role.VENDOR_RESPONSIBLE},
    "intake:batch_export": {Role.VENDOR_RESPONSIBLE},
    "intake:batch_package": {Role.VENDOR_RESPONSIBLE},
    "intake:batch_receipt": {Role.VENDOR_RESPONSIBLE},
    "intake:page": VENDOR,
    "intake:page_image": VENDOR,
    "intake:page_exclude": {Role.VENDOR_RESPONSIBLE},
    "intake:page_confirm": {Role.VENDOR_RESPONSIBLE},
    "intake:queue": VENDOR,
    "intake:verify": VENDOR,
    "intake:field_page": VENDOR,
    "intake:field_crop": VENDOR,
    "debit:runs": WATER,
    "debit:run_create": WATER,
    "debit:run": WATER,
    "debit:run_send": WATER,
    "debit:run_receive": WATER,
    "debit:run_retry": WATER,
    "debit:run_pain008": WATER,
    "debit:customers": WATER,
    "debit:customer": WATER,
    "debit:bill_paid": WATER,
    "debit:notices": WATER,
    "debit:notice_pdf": WATER,
    "debit:notices_print": WATER,
    "debit:new_forms": WATER,
    "debit:new_form_done": WATER,
    "admission:rounds": KODOMO,
    "admission:import": KODOMO,
    "admission:receipt": KODOMO,
    "admission:income": KODOMO,
    "admission:round_create": KODOMO,
    "admission:round": KODOMO,
    "admission:round_compute": KODOMO,
    "admission:round_approve": {Role.CITY_SUPERVISOR},
    "admission:round_what_if": KODOMO,
    "admission:round_second": KODOMO,
    "admission:round_notices": KODOMO,
    "admission:round_csv": KODOMO,
    "admission:applications": KODOMO,
    "admission:application": KODOMO,
    "admission:application_create": KODOMO,
    "admission:application_match": KODOMO,
    "admission:application_edit": KODOMO,
    "admission:child": KODOMO,
    "admission:child_notice": KODOMO,
    "admission:child_response": KODOMO,
    **{f"consult:{name}": CENTRE for name in (
        "queue", "cases", "intake", "case", "case_assess", "case_plan", "case_record", "case_member", "case_worker",
        "case_close", "goal_add", "task_add", "task_done", "person",
        # sharing with agencies (issue #13 §2)
        "consent_add", "consent_revoke", "share", "received_add", "disclosure_revoke", "meeting_add", "meeting",
        "meeting_member", "meeting_minutes", "request_add", "request_answer")},
    # an agency's staff: only what was shared with its organisation (tests/consult)
    "consult:shared": {Role.AGENCY_STAFF},
    "consult:shared_view": {Role.AGENCY_STAFF},
    "consult:statistics": FUKUSHI,
    # registered terminals and break-glass (tests/consult/test_it_*terminal*, *break_glass*)
    **{f"consult:{name}": {Role.CENTER_SUPERVISOR} for name in (
        "terminals", "terminal_revoke", "break_glass_review", "break_glass_confirm", "break_glass_incident")},
    "consult:terminal_register": CENTRE,
    **{f"consult:{name}": {Role.CENTER_WORKER} for name in ("break_glass", "break_glass_view")},
    **{f"consult:{name}": CENTRE for name in (
        "case_correct", "case_correction_new", "corrections", "correction", "correction_start", "correction_answer")},
    **{f"consult:{name}": {Role.COUNCIL_MEMBER, Role.CENTER_SUPERVISOR} for name in (
        "corrections_overdue", "erasures", "erasure_certificate")},
    **{f"consult:{name}": {Role.COUNCIL_MEMBER, Role.CENTER_SUPERVISOR, Role.CITY_SUPERVISOR, Role.ADMIN}
       for name in ("disposals", "disposal_certificate")},
    # attachments (tests/consult/test_it_never_gives_an_attachments_bytes_to_others.py for the bytes)
    **{f"consult:{name}": CENTRE for name in (
        "attachment_upload", "attachment", "attachment_content", "attachment_download")},
    # 健康増進センター (yakuba.health): its staff only; no other role sees a checkup
    **{f"health:{name}": {Role.HEALTH_STAFF} for name in (
        "children", "child_new", "child", "checkup_new", "checkup_confirm", "import", "child_ask",
        "family_letter")},
    # the family's page, opened by the one-time code on their letter; the city's public copy of the log
    # the council members' dashboard (counts from the audit log)
    "council:dashboard": {Role.COUNCIL_MEMBER, Role.ADMIN},
    "family:start": PUBLIC,
    "family:records": PUBLIC,
    "linkage_log:file": PUBLIC,
}
ADMIN_SITE = {Role.ADMIN}


def _url(pattern: str) -> str:
    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "00000000-0000-0000-0000-000000000000" if m.group(1) in ("id", "uuid") else "999999", pattern)
    return re.sub(r"[\^\$]|\(\?P<\w+>[^)]*\)", "1", url).replace("\\", "")


def _site_routes():  # type: ignore[no-untyped-def]
    return [r for r in routes()]


def test_every_route_has_a_rule_and_an_expectation() -> None:
    missing_rule = [r.pattern for r in _site_routes() if r.rule is None]
    assert missing_rule == [], f"views without an access rule: {missing_rule}"
    ours = {r.name for r in _site_routes() if not r.pattern.startswith("admin/")}
    assert ours == set(EXPECTED), f"table and URLs differ: {ours ^ set(EXPECTED)}"


@pytest.mark.django_db
@pytest.mark.smoke
@pytest.mark.parametrize("role", sorted(ALL_ROLES) + ["anonymous"])
def test_each_role_gets_the_right_answer_everywhere(role: str) -> None:
    client = Client()
    user = None if role == "anonymous" else factories.user(role)
    wrong = []
    for route in _site_routes():
        expected = ADMIN_SITE if route.pattern.startswith("admin/") else EXPECTED[route.name]
        url = _url(route.pattern)
        for method in ("get", "post"):
            if user is not None:
                client.force_login(user)  # again: a POST to logout/ ends the session
            response = getattr(client, method)(url)
            refused = response.status_code == 403 and response.get(DENIED_HEADER) == "denied"
            if expected == PUBLIC:
                ok = not refused
            elif role == "anonymous":
                ok = response.status_code == 302 and "/login/" in response["Location"]
            elif role in expected:  # type: ignore[operator]
                ok = not refused
            else:
                ok = refused
            if not ok:
                wrong.append(f"{method.upper()} {url} ({route.name}) → {response.status_code}")
    assert wrong == []


@pytest.mark.django_db
def test_a_view_without_a_rule_is_refused(settings) -> None:  # type: ignore[no-untyped-def]
    from django.http import HttpResponse
    from django.urls import include, path

    import tests.accounts.undeclared_urls as undeclared

    def naked(request):  # type: ignore[no-untyped-def]
        return HttpResponse("secret")

    undeclared.urlpatterns = [path("naked/", naked), path("", include("yakuba.site.urls"))]
    settings.ROOT_URLCONF = "tests.accounts.undeclared_urls"
    client = Client()
    client.force_login(factories.user(Role.ADMIN))
    response = client.get("/naked/")
    assert response.status_code == 403 and response[DENIED_HEADER] == "denied"
    assert b"secret" not in response.content
    assert client.get("/").status_code == 200  # the declared views beside it still work
