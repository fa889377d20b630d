"""A running worker erases the export files past their time every YAKUBA_HOUSEKEEPING_S seconds
(not only when it starts); a failing round is logged and the next one still runs."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.utils import timezone

from tests import factories
from tests.exports.conftest import logged_in
from yakuba.accounts.roles import Role
from yakuba.exports.models import Export
from yakuba.jobs import housekeeping


@pytest.mark.django_db
def test_it_works(settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    vendor = factories.org("vendor-entry")
    for n in range(1, 13):
        factories.application(vendor, n)
    logged_in(factories.user(Role.VENDOR_RESPONSIBLE)).post(
        "/exports/request/", {"kind": "intake.applications", "reason": "市への報告"})
    export = Export.objects.select_related("stored").get()
    assert housekeeping.run_once() == 0
    assert Export.objects.get().status == Export.Status.PENDING  # not yet past its time
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert housekeeping.run_once() == 0
    export.refresh_from_db()
    export.stored.refresh_from_db()
    assert export.status == Export.Status.EXPIRED and export.stored.erased and not export.stored.path.exists()


def test_a_failing_round_does_not_stop_the_next(caplog) -> None:  # type: ignore[no-untyped-def]
    rounds: list[int] = []
    three = threading.Event()

    def flaky() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise RuntimeError("the database went away for a moment")
        if len(rounds) >= 3:
            three.set()

    stop = housekeeping.start(0.01, (flaky,))
    try:
        assert three.wait(5)
    finally:
        stop.set()
    assert len(rounds) >= 3
    assert any("housekeeping task failed" in r.getMessage() for r in caplog.records)
