"""承諾/保留通知 marked printed when their file was built are printed again when that file is rejected
or expires undelivered — and only those: a letter printed earlier by another file stays printed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.exports.conftest import approved_round, logged_in
from yakuba.exports.actions.keeping import expire
from yakuba.exports.models import Export


@pytest.mark.django_db
def test_it_works(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    staff, supervisor, rnd = approved_round(tmp_path)
    client = logged_in(staff)
    earlier = rnd.results.order_by("pk").first()
    client.get(reverse("admission:child_notice", args=[earlier.pk]))  # one letter at the counter
    earlier.refresh_from_db()
    assert earlier.printed_at is not None

    client.post(reverse("admission:round_notices", args=[rnd.pk]), {"kind": "", "reason": "一斉送付"})
    batch = Export.objects.get(kind="admission.notices")
    assert not rnd.results.filter(printed_at__isnull=True).exists()
    logged_in(supervisor).post(reverse("exports:decide", args=[batch.pk]), {"decision": "reject"})
    batch.refresh_from_db()
    assert batch.status == Export.Status.REJECTED
    unprinted = set(rnd.results.filter(printed_at__isnull=True).values_list("pk", flat=True))
    assert unprinted == set(rnd.results.exclude(pk=earlier.pk).values_list("pk", flat=True))


@pytest.mark.django_db
def test_an_expired_single_letter_is_to_print_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    staff, _, rnd = approved_round(tmp_path, children=12)
    result = rnd.results.first()
    logged_in(staff).get(reverse("admission:child_notice", args=[result.pk]))
    result.refresh_from_db()
    assert result.printed_at is not None
    assert expire(timezone.now() + dt.timedelta(days=30)) == 1
    result.refresh_from_db()
    assert result.printed_at is None
