"""What a running worker does on the side, every few minutes (``YAKUBA_HOUSEKEEPING_S``):
erase the built export files past their time (`yakuba exports expire`) and escalate the overdue
訂正依頼 of the 基幹福祉相談センター (`yakuba consult escalate`). So a file that waits
too long is gone within minutes of its time even where nobody set up a cron job, and a worker that
runs for weeks does not leave it to its next start.

One daemon thread per worker process; a failed round is logged and the next one runs; the thread
closes its database connection after each round (a connection is per thread in Django)."""

from __future__ import annotations

import logging
import threading
from typing import Callable

from django.db import close_old_connections, connection

log = logging.getLogger("yakuba.jobs.housekeeping")


def expire_exports() -> None:
    from yakuba.exports.actions.keeping import expire

    erased = expire()
    if erased:
        log.info("保管期限を過ぎた出力 %d 件を消去しました (expired exports erased)", erased)


def escalate_corrections() -> None:
    from yakuba.consult.actions.corrections import escalate_overdue

    escalated = escalate_overdue()
    if escalated:
        log.info("期限を過ぎた訂正依頼 %d 件をセンター長に報告しました (overdue corrections escalated)", len(escalated))


TASKS: tuple[Callable[[], None], ...] = (expire_exports, escalate_corrections)


def run_once(tasks: tuple[Callable[[], None], ...] = TASKS) -> int:
    """Run every task once; the number that failed (each failure logged, the others still run)."""
    failed = 0
    for task in tasks:
        if not connection.in_atomic_block:  # a caller's transaction (a test's) is not ours to close
            close_old_connections()
        try:
            task()
        except Exception:  # noqa: BLE001 - the worker must outlive a bad round; the log has it
            failed += 1
            log.exception("定期処理 %s に失敗しました (housekeeping task failed)", task.__name__)
    return failed


def start(interval_s: float, tasks: tuple[Callable[[], None], ...] = TASKS) -> threading.Event:
    """Run the tasks every `interval_s` seconds in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        try:
            while not stop.wait(interval_s):
                run_once(tasks)
        finally:
            connection.close()

    threading.Thread(target=loop, name="yakuba-housekeeping", daemon=True).start()
    return stop
