"""A bulk file waits for the approver of the requester's organisation — never the requester, never
another organisation's — who sees the row count, the categories, the purposes and the reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.debit.conftest import water_user
from tests.exports.conftest import failed_debits, logged_in
from yakuba.accounts.roles import Role
from yakuba.exports.models import Export


@pytest.mark.django_db
def test_it_waits_for_the_departments_supervisor(settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    staff, run, _ = failed_debits(12)
    boss, other_boss = water_user(Role.CITY_SUPERVISOR, "suido-sup"), water_user(Role.CITY_SUPERVISOR, "suido-sup2")
    kodomo_boss = factories.user(Role.CITY_SUPERVISOR, username="kodomo-chief")

    asker = logged_in(boss)
    asker.post(reverse("debit:run_pain008", args=[run.pk]), {"reason": "ISO 20022 の金融機関へ"})
    export = Export.objects.get()
    assert export.status == Export.Status.PENDING
    # not yet: nothing leaves before the approval
    assert asker.post(reverse("exports:download", args=[export.pk])).status_code == 302
    # the requester cannot approve, even as a supervisor; nor a supervisor of another department
    for who in (boss, kodomo_boss):
        logged_in(who).post(reverse("exports:decide", args=[export.pk]), {"decision": "approve"})
        export.refresh_from_db()
        assert export.status == Export.Status.PENDING and export.decided_by is None

    approver = logged_in(other_boss)
    page = approver.get(reverse("exports:list")).content.decode()
    pending = page.split('data-testid="pending-exports"', 1)[1].split("</table>", 1)[0]
    assert "12" in pending and "bank_account" in pending and "ISO 20022 の金融機関へ" in pending
    assert "口座振替" in pending  # the declarations' purpose
    approver.post(reverse("exports:decide", args=[export.pk]), {"decision": "approve"})
    export.refresh_from_db()
    assert export.status == Export.Status.APPROVED and export.decided_by == other_boss
    r = asker.post(reverse("exports:download", args=[export.pk]))
    assert r.status_code == 200 and r.content.startswith(b"<?xml")
    assert staff.pk != boss.pk


@pytest.mark.django_db
def test_a_rejected_file_is_erased_and_its_letters_are_to_print_again(settings) -> None:  # type: ignore[no-untyped-def]
    from yakuba.debit.models import FailureNotice

    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    staff, _, _ = failed_debits(12)
    logged_in(staff).post(reverse("debit:notices_print"), {"reason": "11月分"})
    export = Export.objects.select_related("stored").get()
    assert not FailureNotice.objects.filter(printed_at__isnull=True).exists()
    logged_in(water_user(Role.CITY_SUPERVISOR, "suido-sup")).post(
        reverse("exports:decide", args=[export.pk]), {"decision": "reject"})
    export.refresh_from_db()
    export.stored.refresh_from_db()
    assert export.status == Export.Status.REJECTED and export.stored.erased
    assert FailureNotice.objects.filter(printed_at__isnull=True).count() == 12
