"""The exact method (CP-SAT), used only where the fast engine cannot certify its result.

The model follows the contract's definitions directly (§7): a Boolean x[h, i] per household
option; capacities per class; and for every option (h, i) and every class (d, g) it uses, the
stability condition "h has option i or better, or some class of i is full with children ranking
above h's lowest child there". The count of children of other households ranking above a key is
read off a running sum over each class's applicants sorted by priority, so the model grows with
the number of (child, class) pairs, not with their square.

`solve` can work on a region: only the households in `free` may change, every other household
keeps its outcome in `base` and enters the model as constants (folded into the counts, never a
variable), so the model grows with the region, not with the instance. The model then holds only the classes that free households can use,
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
    from ortools.sat.python import cp_model  # 0.3 s to import: only when a model is solved
    from ortools.sat.python.cp_model import LinearExpr

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
    # x[h][i]: a Boolean variable for a free household's option; for a household that keeps its
    # outcome, the constant 1 or 0 (folded into sums and conditions, never sent to the solver).
    x: dict[int, list] = {}
    for h in involved:
        if h in free_set:
            x[h] = [model.new_bool_var(f"x{h}_{i}") for i in range(len(households[h].options))]
            if households[h].may_be_unplaced:
                model.add_at_most_one(x[h])
            else:
                model.add_exactly_one(x[h])
        else:
            x[h] = [1 if state.choice[h] == i else 0 for i in range(len(households[h].options))]

    def in_region(cls: ClassId) -> bool:
        return region is None or cls in region

    # Per class: the priority keys of the children who may sit there, each with the variables
    # (or constants) of the options that seat it.
    applicants: dict[ClassId, dict[tuple, list]] = {}
    for h in involved:
        for i, groups in enumerate(state.groups[h]):
            term = x[h][i]
            if isinstance(term, int) and term == 0:
                continue
            for g in groups:
                if in_region(g.cls):
                    per_key = applicants.setdefault(g.cls, {})
                    for key in g.keys:
                        per_key.setdefault(key, []).append(term)
    # For each class, over its keys in priority order: how many seats are certainly taken above
    # each key (constants), and a running sum of the variables (created only where one changes).
    keys_of: dict[ClassId, list[tuple]] = {}
    fixed_above: dict[ClassId, list[int]] = {}
    var_above: dict[ClassId, list] = {}
    var_count_above: dict[ClassId, list[int]] = {}
    for cls, per_key in applicants.items():
        seats = instance.seats(*cls)
        keys = sorted(per_key)
        keys_of[cls] = keys
        fixed = [0]
        counts = [0]
        sums: list = [0]
        for r, key in enumerate(keys):
            terms = per_key[key]
            variables = [t for t in terms if not isinstance(t, int)]
            fixed.append(fixed[-1] + sum(t for t in terms if isinstance(t, int)))
            counts.append(counts[-1] + len(variables))
            if variables:
                v = model.new_int_var(0, min(seats, counts[-1]), f"p{cls[0]}_{cls[1]}_{r}")
                model.add(LinearExpr.sum([sums[-1], *variables]) == v)
                sums.append(v)
            else:
                sums.append(sums[-1])
        if counts[-1]:
            model.add(sums[-1] <= seats - fixed[-1])  # capacity
        elif fixed[-1] > seats:
            model.add_bool_or([])  # the fixed households alone overfill it
        fixed_above[cls] = fixed
        var_above[cls] = sums
        var_count_above[cls] = counts

    blocking_vars = []
    for h in involved:
        is_free = h in free_set
        # The household's own children per class, option by option (none for a single child:
        # its options all use different classes).
        own_by_class: dict[ClassId, list[tuple[int, tuple]]] = {}
        if len(households[h].members) > 1:
            for j, ogs in enumerate(state.groups[h]):
                for og in ogs:
                    own_by_class.setdefault(og.cls, []).append((j, og.keys))
        for i, groups in enumerate(state.groups[h]):
            if not is_free and state.choice[h] is not None and state.choice[h] <= i:
                continue  # it holds this option or a better one
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
                r = bisect.bisect_left(keys_of[g.cls], g.worst)
                own = [(x[h][j], n) for j, keys in own_by_class.get(g.cls, ())
                       if (n := bisect.bisect_left(keys, g.worst))]
                constant = fixed_above[g.cls][r] - sum(t * n for t, n in own if isinstance(t, int))
                if constant >= need:
                    closed = True  # certainly full above h's children
                    break
                if constant + var_count_above[g.cls][r] < need:
                    continue  # can never be full above them
                above = var_above[g.cls][r]
                own_vars = [(t, n) for t, n in own if not isinstance(t, int)]
                b = model.new_bool_var(f"f{h}_{i}_{g.cls[0]}_{g.cls[1]}")
                if own_vars:
                    taken = LinearExpr.weighted_sum([v for v, _ in own_vars], [n for _, n in own_vars])
                    model.add(above - taken >= need - constant).only_enforce_if(b)
                else:
                    model.add(above >= need - constant).only_enforce_if(b)
                full.append(b)
            if closed:
                continue
            terms = [t for t in x[h][: i + 1] if not isinstance(t, int)] + full
            if stable_only:
                model.add_bool_or(terms)
            else:
                blocked = model.new_bool_var(f"b{h}_{i}")
                model.add_bool_or(terms + [blocked])
                blocking_vars.append(blocked)

    terms = [(x[h][i], sum(1 for f in option if f is not None))
             for h in involved if h in free_set for i, option in enumerate(households[h].options)]
    admitted = LinearExpr.weighted_sum([v for v, _ in terms], [n for _, n in terms])
    if stable_only:
        model.maximize(admitted)
    else:
        model.minimize((len(instance.children) + 1) * LinearExpr.sum(blocking_vars) - admitted)

    start = hint if hint is not None else base
    if start is not None:
        for h in involved:
            if h not in free_set:
                continue
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
        if h not in free_set:
            continue
        for member in households[h].members:
            out[member] = None
        for i, option in enumerate(households[h].options):
            if solver.boolean_value(x[h][i]):
                for member, facility in zip(households[h].members, option):
                    out[member] = facility
    blocking = sum(1 for b in blocking_vars if solver.boolean_value(b))
    return ExactResult(out, name, sum(f is not None for f in out), blocking)
