"""The kinds of background job. Each is a function `run(job) -> dict` (the result)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

#: A job's work is called with its ``yakuba.jobs.models.Job`` row. The models read this registry
#: (a job's label); the registry never imports the models, not even for typing: no cycle.
Job = Any


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    run: Callable[["Job"], dict]
    roles: frozenset[str]


KINDS: dict[str, Kind] = {}


def register(id: str, label: str, roles: set[str]) -> Callable[[Callable[["Job"], dict]], Callable[["Job"], dict]]:
    def decorate(fn: Callable[["Job"], dict]) -> Callable[["Job"], dict]:
        KINDS[id] = Kind(id, label, fn, frozenset(roles))
        return fn

    return decorate


Recovery = Callable[[], int]

#: What the worker does when it starts, after failing the stalled jobs (``Job.fail_stalled``):
#: each app puts back what a killed process left half-done (a round left 計算中, a batch left
#: 読み取り中) and returns how many it put back. Registered with :func:`recovery`.
RECOVERIES: list[Recovery] = []


def recovery(fn: Recovery) -> Recovery:
    RECOVERIES.append(fn)
    return fn
