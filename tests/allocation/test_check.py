"""The judge (`check`) against hand-made cases for each clause of §7, and against a slow, literal
re-implementation of the contract's definitions on random tiny instances."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yakuba.allocation.check import Coalition, check, count_blocking, describe, is_stable
from yakuba.allocation.model import Instance

from .strategies import example_9, greedy_allocation, instances, make_instance, outcomes_for, random_instance


def coalitions(verdict) -> set[tuple[str, int]]:
    return {(c.household, c.option_index) for c in verdict.blocking}


# --- §9 -------------------------------------------------------------------------------------


def test_example_9_the_stated_result_is_stable():
    inst = example_9()
    v = check(inst, ["102", "102", "101", None])
    assert v.valid and v.stable, v
    assert v.admitted == 3 and v.waiting == 1
    assert v.per_age_admitted == {0: 0, 1: 2, 2: 0, 3: 1, 4: 0, 5: 0}
    assert v.outcomes == [1, 0, 1]  # S1 its option 2; H9 its option 1; H8 nobody admitted


def test_example_9_other_results_are_blocked():
    inst = example_9()
    # S1 left out: it can push out 2004 (70 points, below 2001) at 102.
    v = check(inst, [None, None, "101", "102"])
    assert v.valid and coalitions(v) == {("S1", 1)}
    assert describe(inst, v.blocking[0]) == "household S1 prefers its option 2 (2001→102, 2002→102)"
    # S1 at 101 cannot happen with 2003 there (over capacity), and without 2003, 2003 blocks.
    v = check(inst, ["101", "101", None, "102"])
    assert v.valid and coalitions(v) == {("H9", 0)}


# --- §7.2 single children -------------------------------------------------------------------


def test_a_wasted_seat_is_blocking():
    inst = make_instance({"A": {1: 1}}, [("c1", "h1", 1, 10, ["A"])])
    v = check(inst, [None])
    assert v.valid and not v.stable
    assert v.blocking == [Coalition("h1", 0, ("A",))]
    assert check(inst, ["A"]).stable


def test_a_child_outranking_an_admitted_one_blocks():
    inst = make_instance({"A": {1: 1}}, [("lo", "h1", 1, 10, ["A"]), ("hi", "h2", 1, 20, ["A"])])
    v = check(inst, ["A", None])
    assert v.valid and coalitions(v) == {("h2", 0)}
    assert check(inst, [None, "A"]).stable


def test_equal_points_the_earlier_row_ranks_higher():
    inst = make_instance({"A": {1: 1}}, [("first", "h1", 1, 10, ["A"]), ("second", "h2", 1, 10, ["A"])])
    assert check(inst, ["A", None]).stable
    assert coalitions(check(inst, [None, "A"])) == {("h1", 0)}


def test_a_less_preferred_option_is_not_blocking_and_a_better_one_is():
    inst = make_instance(
        {"A": {2: 1}, "B": {2: 1}},
        [("x", "h1", 2, 10, ["A", "B"]), ("y", "h2", 2, 50, ["A"])],
    )
    # x at its second wish B; A is held by y, who ranks above: stable.
    assert check(inst, ["B", "A"]).stable
    # x at A (first wish) with y left out: y blocks; x has nothing better.
    assert coalitions(check(inst, ["A", None])) == {("h2", 0)}
    # Nobody admitted: x prefers A and B, y prefers A, all with free seats.
    assert coalitions(check(inst, [None, None])) == {("h1", 0), ("h1", 1), ("h2", 0)}


def test_other_age_classes_do_not_count():
    inst = make_instance({"A": {1: 1, 2: 1}}, [("one", "h1", 1, 10, ["A"]), ("two", "h2", 2, 50, ["A"])])
    assert check(inst, ["A", "A"]).stable


def test_a_transfer_applicant_ranks_first_at_its_current_facility():
    # seats(A, 1) = 0 + 1 (the transfer applicant's own seat).
    inst = make_instance(
        {"A": {}, "B": {1: 0}},
        [("t", "h1", 1, 0, ["B"], "A"), ("y", "h2", 1, 99, ["A"])],
    )
    assert inst.households[0].options == (("B",), ("A",))
    v = check(inst, ["A", None])
    assert v.valid and v.stable, v
    # When t moves (if it could), its seat goes back to the pool and y may take it.
    inst2 = make_instance(
        {"A": {}, "B": {1: 1}},
        [("t", "h1", 1, 0, ["B"], "A"), ("y", "h2", 1, 99, ["A"])],
    )
    assert check(inst2, ["B", "A"]).stable
    assert coalitions(check(inst2, ["B", None])) == {("h2", 0)}
    assert coalitions(check(inst2, ["A", None])) == {("h1", 0)}  # a free seat at B


def test_points_per_wish_decide_priority_at_that_facility():
    # p wishes A first with 5 points there, B second with 30 there (its points are 5).
    inst = make_instance(
        {"A": {1: 1}, "B": {1: 1}},
        [("p", "h1", 1, (5, 30), ["A", "B"]), ("q", "h2", 1, 20, ["B", "A"])],
    )
    # At A, q (20) outranks p (5); at B, p (30) outranks q (20).
    assert check(inst, ["B", "A"]).stable
    assert check(inst, ["A", "B"]).stable  # both at their first wish
    assert coalitions(check(inst, [None, "B"])) == {("h1", 0), ("h1", 1)}


def test_per_wish_points_fall_back_to_the_childs_points():
    inst = make_instance(
        {"A": {1: 1}, "B": {1: 1}},
        [("p", "h1", 1, (25, None), ["B", "A"]), ("q", "h2", 1, 20, ["A"])],
    )
    # p at A has 25 points (the fallback), above q's 20.
    assert coalitions(check(inst, [None, "A"])) == {("h1", 0), ("h1", 1)}
    assert coalitions(check(inst, ["B", "A"])) == set()  # B is p's first wish


# --- §7.2 households of several children ----------------------------------------------------


def two_seat_case(seats: int, others: list[int]) -> Instance:
    """Siblings s1 (50 points) and s2 (10 points), both age 1, want (A, A). Other children of
    other households with the given points are admitted to A, age 1."""
    rows = [("s1", "S", 1, 50, ["A"]), ("s2", "S", 1, 10, ["A"])]
    rows += [(f"o{n}", f"O{n}", 1, pts, ["A"]) for n, pts in enumerate(others)]
    return make_instance({"A": {1: seats}}, rows, {"S": [("A", "A")]})


def test_a_household_needing_two_seats_blocks_when_m_plus_k_fits():
    # seats 3, k = 2, w = s2 (10 points). Others admitted: 30 (above w) and 5 (below w): m = 1.
    inst = two_seat_case(3, [30, 5])
    v = check(inst, [None, None, "A", "A"])
    assert v.valid and coalitions(v) == {("S", 0)}  # m + k = 3 <= 3


def test_a_household_needing_two_seats_does_not_block_one_over():
    # Others admitted: 30 and 20, both above w: m = 2, m + k = 4 > 3.
    # The class is full (30, 20, 5); pushing out the child of 5 points would not make room enough.
    inst = two_seat_case(3, [30, 20, 5])
    v = check(inst, [None, None, "A", "A", "A"])
    assert v.valid and v.stable
    # Left out, the child of 5 points finds a free seat: only it blocks, not the siblings.
    v = check(inst, [None, None, "A", "A", None])
    assert v.valid and coalitions(v) == {("O2", 0)}


def test_w_is_the_lowest_priority_sibling():
    # seats 2, one other admitted with 30 points: above s2 (w) but below s1.
    # m = 1 (counted against w, not s1), m + k = 3 > 2: not blocking.
    inst = two_seat_case(2, [30])
    assert check(inst, [None, None, "A"]).stable
    # With 5 points the other ranks below w: m = 0, blocking.
    inst = two_seat_case(2, [5])
    assert coalitions(check(inst, [None, None, "A"])) == {("S", 0)}


def test_two_seats_exactly_free_is_blocking_and_one_is_not():
    inst = two_seat_case(2, [])
    assert coalitions(check(inst, [None, None])) == {("S", 0)}
    inst = two_seat_case(1, [])
    assert check(inst, [None, None]).stable  # k = 2 > seats = 1


def test_all_classes_of_the_option_must_fit():
    # Siblings of different ages: (A age 1, A age 3). Age 3 is taken by a child ranking above.
    inst = make_instance(
        {"A": {1: 1, 3: 1}},
        [("big", "S", 3, 10, ["A"]), ("small", "S", 1, 10, ["A"]), ("x", "X", 3, 90, ["A"])],
        {"S": [("A", "A")]},
    )
    assert check(inst, [None, None, "A"]).stable  # age 1 is free but age 3 is not
    inst = make_instance(
        {"A": {1: 1, 3: 1}},
        [("big", "S", 3, 10, ["A"]), ("small", "S", 1, 10, ["A"]), ("x", "X", 3, 1, ["A"])],
        {"S": [("A", "A")]},
    )
    assert coalitions(check(inst, [None, None, "A"])) == {("S", 0)}


def test_own_children_released_do_not_count():
    # seats(A, 1) = 2. S has a (10 points) at A through its option 2 (A, none); X (5 points) holds
    # the other seat. S prefers (A, A): w = b (8), m counts only OTHER households' children ranking
    # above w — X ranks below, a is S's own — so m = 0, k = 2 <= 2: blocking (X is pushed out).
    inst = make_instance(
        {"A": {1: 2}},
        [("a", "S", 1, 10, ["A"]), ("b", "S", 1, 8, ["A"]), ("x", "X", 1, 5, ["A"])],
        {"S": [("A", "A"), ("A", None)]},
    )
    v = check(inst, ["A", None, "A"])
    assert v.valid and coalitions(v) == {("S", 0)}
    # Had X 9 points (above b), m = 1 and 1 + 2 > 2: not blocking.
    inst = make_instance(
        {"A": {1: 2}},
        [("a", "S", 1, 10, ["A"]), ("b", "S", 1, 8, ["A"]), ("x", "X", 1, 9, ["A"])],
        {"S": [("A", "A"), ("A", None)]},
    )
    assert check(inst, ["A", None, "A"]).stable


def test_a_household_moving_releases_its_transfer_seat():
    # t attends A (age 1); the household's best option moves both siblings to B.
    # seats(B, 1) = 2, one taken by y ranking below both siblings: blocking.
    inst = make_instance(
        {"A": {1: 0}, "B": {1: 2}},
        [("t", "S", 1, 10, ["B"], "A"), ("u", "S", 1, 10, ["B"]), ("y", "Y", 1, 1, ["B"])],
        {"S": [("B", "B"), ("A", None)]},
    )
    assert inst.households[0].may_be_unplaced is False
    v = check(inst, ["A", None, "B"])
    assert v.valid and coalitions(v) == {("S", 0)}


# --- §7.1 validity --------------------------------------------------------------------------


def test_nobody_admitted_is_not_allowed_with_a_transfer_applicant():
    inst = make_instance(
        {"A": {1: 0}, "B": {1: 1}},
        [("t", "S", 1, 10, ["B"], "A"), ("u", "S", 1, 10, ["B"])],
        {"S": [("B", "B"), ("A", None)]},
    )
    v = check(inst, [None, None])
    assert not v.valid and not v.stable
    assert any("nobody admitted is not allowed" in p and "t attends A" in p for p in v.problems)
    assert any("t" in p and "holds no seat" in p for p in v.problems)
    assert v.outcomes == [None]


def test_a_transfer_applicant_without_a_seat_is_invalid():
    # A malformed option leaves the transfer applicant t without a seat; choosing it is invalid.
    inst = make_instance(
        {"A": {1: 0}, "B": {1: 1}},
        [("t", "S", 1, 10, ["B"], "A"), ("u", "S", 1, 10, ["B"])],
        {"S": [(None, "B"), ("A", None)]},
    )
    v = check(inst, [None, "B"])
    assert not v.valid
    assert v.problems == ["child t (age 1) attends A now but holds no seat afterwards"]
    assert check(inst, ["A", None]).valid


def test_over_capacity_is_invalid():
    inst = make_instance({"A": {2: 1}}, [("x", "h1", 2, 10, ["A"]), ("y", "h2", 2, 20, ["A"])])
    v = check(inst, ["A", "A"])
    assert not v.valid
    assert v.problems == ["facility A, age 2: 2 children admitted (x, y) but seats(A, 2) = 1"]


def test_a_transfer_seat_counts_in_capacity():
    # seats(A, 2) = 1 + 1: t stays and x takes the vacancy.
    inst = make_instance({"A": {2: 1}, "B": {2: 0}},
                         [("t", "h1", 2, 0, ["B"], "A"), ("x", "h2", 2, 1, ["A"])])
    assert check(inst, ["A", "A"]).stable


def test_an_outcome_that_is_not_an_option_is_invalid():
    inst = make_instance(
        {"A": {1: 2}, "B": {1: 2}},
        [("a", "S", 1, 10, ["A", "B"]), ("b", "S", 1, 10, ["A", "B"])],
        {"S": [("A", "A"), ("B", "B")]},
    )
    v = check(inst, ["A", "B"])
    assert not v.valid
    assert v.problems == ["household S: outcome (a→A, b→B) is not one of its options"]
    # The blocking coalitions are still listed: every option ranks above a disallowed outcome.
    assert coalitions(v) == {("S", 0), ("S", 1)}


def test_unknown_facility_and_wrong_length_are_invalid():
    inst = make_instance({"A": {1: 1}}, [("x", "h1", 1, 10, ["A"])])
    v = check(inst, ["Z"])
    assert not v.valid and any("Z, which is not a facility" in p for p in v.problems)
    v = check(inst, ["A", None])
    assert not v.valid and v.problems == ["the allocation has 2 entries for 1 children"]


def test_a_mapping_by_child_id_is_accepted():
    inst = example_9()
    assert check(inst, {"2001": "102", "2002": "102", "2003": "101", "2004": None}).stable
    v = check(inst, {"2001": "102", "2002": "102", "2003": "101"})
    assert not v.valid and v.problems == ["child 2004 does not appear in the allocation"]


def test_max_blocking_caps_the_list_and_says_so():
    inst = make_instance({"A": {1: 3}}, [(f"c{n}", f"h{n}", 1, n, ["A"]) for n in range(3)])
    full = check(inst, [None] * 3)
    assert len(full.blocking) == 3 and not full.truncated
    capped = check(inst, [None] * 3, max_blocking=2)
    assert capped.blocking == full.blocking[:2] and capped.truncated
    exact = check(inst, [None] * 3, max_blocking=3)
    assert exact.blocking == full.blocking and not exact.truncated
    assert count_blocking(inst, [None] * 3) == 3
    assert not is_stable(inst, [None] * 3) and is_stable(inst, ["A"] * 3)


def test_a_larger_random_instance_greedy_allocation_is_valid():
    inst = random_instance(7, 600, 30)
    v = check(inst, greedy_allocation(inst, 7))
    assert v.valid, v.problems[:5]
    assert v.admitted + v.waiting == 600
    assert sum(v.per_age_admitted.values()) == v.admitted
    assert count_blocking(inst, greedy_allocation(inst, 7)) == len(v.blocking)


# --- against a literal re-implementation ------------------------------------------------------


def slow_judge(inst: Instance, alloc: list[str | None]) -> tuple[bool, set[tuple[str, int]]]:
    """§4, §5.6, §6, §7 read literally, with no care for speed."""
    children = inst.children

    def seats(d: str, g: int) -> int:
        return inst.facilities[d].capacity[g] + sum(1 for c in children if c.current == d and c.age == g)

    def points_at(c, d: str) -> int:
        if d in c.wishes:
            n = c.wishes.index(d)
            if n < len(c.wish_points) and c.wish_points[n] is not None:
                return c.wish_points[n]
        return c.points

    def ranks_above(x: int, y: int, d: str) -> bool:
        """Child x ranks above child y at d."""
        cx, cy = children[x], children[y]
        if (cx.current == d) != (cy.current == d):
            return cx.current == d
        if points_at(cx, d) != points_at(cy, d):
            return points_at(cx, d) > points_at(cy, d)
        return x < y

    valid = True
    for d in inst.facilities:
        for g in range(6):
            if sum(1 for i, c in enumerate(children) if alloc[i] == d and c.age == g) > seats(d, g):
                valid = False
    if any(d is not None and d not in inst.facilities for d in alloc):
        valid = False
    for i, c in enumerate(children):
        if c.current is not None and alloc[i] is None:
            valid = False
    rank_of_outcome = []
    for h in inst.households:
        got = tuple(alloc[i] for i in h.members)
        if got in h.options:
            rank_of_outcome.append(h.options.index(got))
        else:
            allowed = all(children[i].current is None for i in h.members)
            if not (allowed and all(d is None for d in got)):
                valid = False
            rank_of_outcome.append(len(h.options))

    blocking = set()
    for h, a in zip(inst.households, rank_of_outcome):
        for pi in range(a):
            p = h.options[pi]
            ok = True
            for d in {d for d in p if d is not None}:
                for g in {children[i].age for i, dd in zip(h.members, p) if dd == d}:
                    mine = [i for i, dd in zip(h.members, p) if dd == d and children[i].age == g]
                    k = len(mine)
                    w = mine[0]
                    for i in mine:
                        if ranks_above(w, i, d):
                            w = i
                    m = sum(
                        1 for j, c in enumerate(children)
                        if j not in h.members and alloc[j] == d and c.age == g and ranks_above(j, w, d)
                    )
                    if m + k > seats(d, g):
                        ok = False
            if ok:
                blocking.add((h.id, pi))
    return valid, blocking


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_check_agrees_with_the_literal_definition(data):
    inst = data.draw(instances())
    alloc = data.draw(outcomes_for(inst))
    valid, blocking = slow_judge(inst, alloc)
    v = check(inst, alloc)
    assert v.valid == valid, (v.problems, alloc)
    assert coalitions(v) == blocking
    assert len(v.blocking) == len(blocking)  # no duplicates
    assert [(c.household, c.option_index) for c in v.blocking] == sorted(
        ((c.household, c.option_index) for c in v.blocking),
        key=lambda hc: ([h.id for h in inst.households].index(hc[0]), hc[1]),
    )
    assert all(c.option == next(h for h in inst.households if h.id == c.household).options[c.option_index]
               for c in v.blocking)
    assert v.stable == (valid and not blocking)
    assert v.admitted == sum(d is not None for d in alloc)


@settings(max_examples=100, deadline=None)
@given(instances(max_children=8, max_facilities=4), st.integers(0, 3))
def test_greedy_allocations_are_valid_and_agree_with_the_literal_definition(inst, seed):
    alloc = greedy_allocation(inst, seed)
    valid, blocking = slow_judge(inst, alloc)
    v = check(inst, alloc)
    assert valid and v.valid, v.problems
    assert coalitions(v) == blocking
