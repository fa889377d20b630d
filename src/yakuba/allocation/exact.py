"""The exact method (CP-SAT), used only where the fast engine cannot certify its result.

The model follows the contract's definitions directly (§7): a Boolean x[h, i] per household
option; capacities per class; and for every option (h, i) and every class (d, g) it uses, the
stability condition "h has option i or better, or some class of i is full with children ranking
above h's lowest child there". The count of children of other households ranking above a key is
read off a running sum over each class's applicants sorted by priority, so the model grows with
the number of (child, class) pairs, not with their square.

Solved with one worker and a fixed seed: the same input gives the same result.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from yakuba.allocation.engine import State
from yakuba.allocation.model import Instance

ClassId = tuple[str, int]


@dataclass(frozen=True)
class ExactResult:
    allocation: list[str | None] | None
    status: str
    """"optimal" (proved), "feasible" (time limit), "infeasible" (no stable allocation), "unknown"."""
    admitted: int
    blocking: int


def solve(instance: Instance, *, stable_only: bool = True, hint: list[str | None] | None = None,
          effort: float = 60.0) -> ExactResult:
    """Most children admitted among stable allocations (stable_only), or else the allocation with
    the fewest blocking coalitions and then the most children admitted."""
    state = State(instance)  # for its per-option class groups
    model = cp_model.CpModel()
    households = instance.households
    x = [[model.new_bool_var(f"x{h}_{i}") for i in range(len(hh.options))] for h, hh in enumerate(households)]
    for h, hh in enumerate(households):
        if hh.may_be_unplaced:
            model.add_at_most_one(x[h])
        else:
            model.add_exactly_one(x[h])

    # Applicants of each class, sorted by priority, with the options that place each of them there.
    applicants: dict[ClassId, dict[tuple, list]] = {}
    for h, hh in enumerate(households):
        for i, groups in enumerate(state.groups[h]):
            for g in groups:
                per_key = applicants.setdefault(g.cls, {})
                for key in g.keys:
                    per_key.setdefault(key, []).append(x[h][i])
    # prefix[cls][r]: children admitted in the class among its r highest-ranked applicants.
    rank: dict[ClassId, dict[tuple, int]] = {}
    prefix: dict[ClassId, list] = {}
    for cls, per_key in applicants.items():
        seats = instance.seats(*cls)
        keys = sorted(per_key)
        rank[cls] = {k: r for r, k in enumerate(keys)}
        sums = [0]
        for r, key in enumerate(keys):
            v = model.new_int_var(0, min(seats, r + 1), f"p{cls[0]}_{cls[1]}_{r}")
            model.add(v == sums[-1] + sum(per_key[key]))
            sums.append(v)
        model.add(sums[-1] <= seats)  # capacity
        prefix[cls] = sums

    blocking_vars = []
    for h, hh in enumerate(households):
        for i, groups in enumerate(state.groups[h]):
            full = []
            always_closed = False
            for g in groups:
                seats = instance.seats(*g.cls)
                need = seats - len(g.keys) + 1  # m ≥ need means the class is closed to h
                if need <= 0:
                    always_closed = True  # more children than seats: h can never take option i
                    break
                above = prefix[g.cls][rank[g.cls][g.worst]]
                own = [
                    sum(1 for k in og.keys if k < g.worst) * x[h][j]
                    for j, ogs in enumerate(state.groups[h]) for og in ogs
                    if og.cls == g.cls and any(k < g.worst for k in og.keys)
                ]
                b = model.new_bool_var(f"f{h}_{i}_{g.cls[0]}_{g.cls[1]}")
                model.add(above - sum(own) >= need).only_enforce_if(b)
                full.append(b)
            if always_closed:
                continue
            terms = x[h][: i + 1] + full
            if stable_only:
                model.add_bool_or(terms)
            else:
                blocked = model.new_bool_var(f"b{h}_{i}")
                model.add_bool_or(terms + [blocked])
                blocking_vars.append(blocked)

    admitted = sum(
        sum(1 for f in option if f is not None) * x[h][i]
        for h, hh in enumerate(households) for i, option in enumerate(hh.options)
    )
    n_children = len(instance.children)
    if stable_only:
        model.maximize(admitted)
    else:
        model.minimize((n_children + 1) * sum(blocking_vars) - admitted)

    if hint is not None:
        for h, hh in enumerate(households):
            held = tuple(hint[c] for c in hh.members)
            for i, option in enumerate(hh.options):
                model.add_hint(x[h][i], option == held)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    # A deterministic time limit: the same input stops at the same point on any machine.
    solver.parameters.max_deterministic_time = effort
    status = solver.solve(model)
    names = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible", cp_model.INFEASIBLE: "infeasible"}
    name = names.get(status, "unknown")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactResult(None, name, 0, 0)
    out: list[str | None] = [None] * n_children
    for h, hh in enumerate(households):
        for i, option in enumerate(hh.options):
            if solver.boolean_value(x[h][i]):
                for member, facility in zip(hh.members, option):
                    out[member] = facility
    blocking = sum(1 for b in blocking_vars if solver.boolean_value(b))
    return ExactResult(out, name, sum(f is not None for f in out), blocking)
