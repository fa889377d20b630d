"""The exact method (CP-SAT), used only where the fast engine cannot certify its result.

The model follows the contract's definitions directly (§7): a Boolean x[h, i] per household
option; capacities per class; and for every option (h, i) and every class (d, g) it uses, the
stability condition "h has option i or better, or some class of i is full with children ranking
above h's lowest child there". The count of children of other households ranking above a key is
read off a running sum over each class's applicants sorted by priority, so the model grows with
the number of (child, class) pairs, not with their square.

`solve` can work on a region: only the households in `free` may change, every other household
keeps its outcome in `base`. The model then holds only the classes that free households can use,
and the households that apply to them; a class outside the region has a fixed occupancy, so its
part of a stability condition is a constant. Whatever the region finds is stable as a whole,
because no household outside it sees any class change.

Solved with one worker, a fixed seed and a deterministic time limit: the same input gives the
same result on any machine.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Collection

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from yakuba.allocation.engine import State
from yakuba.allocation.model import Instance

ClassId = tuple[str, int]


@dataclass(frozen=True)
class ExactResult:
    allocation: list[str | None] | None
    status: str
    """"optimal" (proved), "feasible" (limit reached), "infeasible" (none exists), "unknown"."""
    admitted: int
    blocking: int


def solve(instance: Instance, *, stable_only: bool = True, hint: list[str | None] | None = None,
          effort: float = 60.0, free: Collection[int] | None = None,
          base: list[str | None] | None = None) -> ExactResult:
    """Most children admitted among stable allocations (stable_only), or else the fewest blocking
    coalitions and then the most children admitted — over the whole instance, or, with `free`
    and `base`, over the allocations that differ from `base` only for the free households.

    With a region, every household that blocks in `base` must be in `free` (the engine's
    restless households are): households outside the region's classes are not modelled, which
    is right only because nothing they could use changes and they did not block before.
    """
    state = State(instance)
    households = instance.households
    if free is None:
        free_set = set(range(len(households)))
        region: set[ClassId] | None = None
        involved = sorted(free_set)
    else:
        assert base is not None
        state.load(base)
        free_set = set(free)
        region = {g.cls for h in free_set for groups in state.groups[h] for g in groups}
        involved = sorted(h for h in range(len(households))
                          if h in free_set or any(g.cls in region for groups in state.groups[h] for g in groups))

    model = cp_model.CpModel()
    x: dict[int, list] = {h: [model.new_bool_var(f"x{h}_{i}") for i in range(len(households[h].options))] for h in involved}
    for h in involved:
        if h not in free_set:  # keeps its outcome
            for i, var in enumerate(x[h]):
                model.add(var == (1 if state.choice[h] == i else 0))
        elif households[h].may_be_unplaced:
            model.add_at_most_one(x[h])
        else:
            model.add_exactly_one(x[h])

    def in_region(cls: ClassId) -> bool:
        return region is None or cls in region

    applicants: dict[ClassId, dict[tuple, list]] = {}
    for h in involved:
        for i, groups in enumerate(state.groups[h]):
            for g in groups:
                if in_region(g.cls):
                    per_key = applicants.setdefault(g.cls, {})
                    for key in g.keys:
                        per_key.setdefault(key, []).append(x[h][i])
    rank: dict[ClassId, dict[tuple, int]] = {}
    prefix: dict[ClassId, list] = {}
    for cls, per_key in applicants.items():
        seats = instance.seats(*cls)
        keys = sorted(per_key)
        rank[cls] = {k: r for r, k in enumerate(keys)}
        sums: list = [0]
        for r, key in enumerate(keys):
            v = model.new_int_var(0, min(seats, r + 1), f"p{cls[0]}_{cls[1]}_{r}")
            model.add(LinearExpr.sum([sums[-1], *per_key[key]]) == v)
            sums.append(v)
        model.add(sums[-1] <= seats)  # capacity
        prefix[cls] = sums

    blocking_vars = []
    for h in involved:
        # The household's own children per class, option by option (none for a single child:
        # its options all use different classes).
        own_by_class: dict[ClassId, list[tuple[int, tuple]]] = {}
        if len(households[h].members) > 1:
            for j, ogs in enumerate(state.groups[h]):
                for og in ogs:
                    own_by_class.setdefault(og.cls, []).append((j, og.keys))
        for i, groups in enumerate(state.groups[h]):
            full = []
            closed = False
            for g in groups:
                seats = instance.seats(*g.cls)
                need = seats - len(g.keys) + 1  # m ≥ need: the class is closed to h
                if need <= 0:
                    closed = True  # more children than seats
                    break
                if not in_region(g.cls):
                    if state.admitted_above(h, g.cls, g.worst) >= need:
                        closed = True  # a fixed class, full above h's children
                        break
                    continue
                r = rank[g.cls][g.worst]
                if r < need:
                    continue  # fewer applicants rank above h's children than could close the class
                above = prefix[g.cls][r]
                own = [(x[h][j], n) for j, keys in own_by_class.get(g.cls, ())
                       if (n := bisect.bisect_left(keys, g.worst))]
                b = model.new_bool_var(f"f{h}_{i}_{g.cls[0]}_{g.cls[1]}")
                if own:
                    taken = LinearExpr.weighted_sum([v for v, _ in own], [n for _, n in own])
                    model.add(above - taken >= need).only_enforce_if(b)
                else:
                    model.add(above >= need).only_enforce_if(b)
                full.append(b)
            if closed:
                continue
            terms = x[h][: i + 1] + full
            if stable_only:
                model.add_bool_or(terms)
            else:
                blocked = model.new_bool_var(f"b{h}_{i}")
                model.add_bool_or(terms + [blocked])
                blocking_vars.append(blocked)

    terms = [(x[h][i], sum(1 for f in option if f is not None))
             for h in involved for i, option in enumerate(households[h].options)]
    admitted = LinearExpr.weighted_sum([v for v, _ in terms], [n for _, n in terms])
    if stable_only:
        model.maximize(admitted)
    else:
        model.minimize((len(instance.children) + 1) * LinearExpr.sum(blocking_vars) - admitted)

    start = hint if hint is not None else base
    if start is not None:
        for h in involved:
            held = tuple(start[c] for c in households[h].members)
            for i, option in enumerate(households[h].options):
                if option == held:
                    model.add_hint(x[h][i], True)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = effort
    status = solver.solve(model)
    names = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible", cp_model.INFEASIBLE: "infeasible"}
    name = names.get(status, "unknown")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactResult(None, name, 0, 0)
    out = state.allocation() if free is not None else [None] * len(instance.children)
    for h in involved:
        for member in households[h].members:
            out[member] = None
        for i, option in enumerate(households[h].options):
            if solver.boolean_value(x[h][i]):
                for member, facility in zip(households[h].members, option):
                    out[member] = facility
    blocking = sum(1 for b in blocking_vars if solver.boolean_value(b))
    return ExactResult(out, name, sum(f is not None for f in out), blocking)
