"""Why each child got what it got (決定理由) — machine-readable and in plain Japanese.

For every child: the place and the wish rank, and for each wish above it the class's cut-off
(points of the last child admitted there, and whether the tie with this child was decided by row
order) and the reason. To reveal nothing about other children, a class where fewer than
`MIN_FOR_CUTOFF` children were admitted gets the reason without the cut-off.
Schema: `docs/formats/allocation-explanation.md`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from yakuba.allocation.model import Instance

MIN_FOR_CUTOFF = 3
SCHEMA = "yakuba-allocation-explanation/1"

REASONS = {
    "filled_by_higher_priority": "より優先順位の高い申込者で定員が埋まりました",
    "enrolled_first": "在園児(転園申込者を含む)が優先され、定員が埋まりました",
    "sibling_condition": "きょうだいの同時入園の条件を満たす組合せが取れませんでした",
    "no_seats": "この年齢クラスは今回募集がありません",
}


@dataclass(frozen=True)
class Cutoff:
    points: int
    tie_decided_by_order: bool


@dataclass(frozen=True)
class WishNote:
    rank: int
    facility: str
    age: int
    seats: int
    admitted: int
    reason: str
    cutoff: Cutoff | None


@dataclass(frozen=True)
class Explanation:
    child_id: str
    status: str
    """"placed" (newly placed), "stayed" (transfer applicant kept its seat), "waiting" (保留)."""
    facility: str | None
    wish_rank: int | None
    points: int
    wishes: list[WishNote]
    text: str


def explain(instance: Instance, allocation: list[str | None]) -> list[Explanation]:
    children = instance.children
    admitted: dict[tuple[str, int], list[tuple[tuple[int, int, int], int]]] = {}
    for i, facility in enumerate(allocation):
        if facility is not None:
            admitted.setdefault((facility, children[i].age), []).append((instance.priority(i, facility), i))
    for entries in admitted.values():
        entries.sort()
    names = {f.id: f.name or f.id for f in instance.facilities.values()}

    out = []
    for i, child in enumerate(children):
        placed = allocation[i]
        rank = child.rank_of(placed) if placed is not None else None
        if placed is None:
            status = "waiting"
        elif placed == child.current:
            status = "stayed"
        else:
            status = "placed"
        above = child.wishes[: rank - 1] if rank is not None else child.wishes
        notes = [_note(instance, i, n + 1, d, admitted.get((d, child.age), [])) for n, d in enumerate(above)]
        out.append(Explanation(child.id, status, placed, rank, child.points, notes, _text(child, status, placed, rank, notes, names)))
    return out


def _note(instance: Instance, child: int, rank: int, facility: str, entries: list) -> WishNote:
    c = instance.children[child]
    seats = instance.seats(facility, c.age)
    mine = instance.priority(child, facility)
    cutoff = None
    if not entries or seats == 0:
        reason = "no_seats" if seats == 0 else "sibling_condition"
    else:
        last_key, last_child = entries[-1]
        full = len(entries) >= seats
        if full and last_key < mine:
            reason = "enrolled_first" if last_key[0] == 0 else "filled_by_higher_priority"
        else:
            reason = "sibling_condition"  # as a single child it would have fitted
        if len(entries) >= MIN_FOR_CUTOFF and last_key[0] == 1:
            points = -last_key[1]
            cutoff = Cutoff(points, points == c.points_at(facility))
    return WishNote(rank, facility, c.age, seats, len(entries), reason, cutoff)


def _text(child: Any, status: str, placed: str | None, rank: int | None, notes: list[WishNote], names: dict) -> str:
    if status == "placed":
        head = f"第{rank}希望の{names.get(placed, placed)}({child.age}歳児クラス)に入園が決まりました。"
    elif status == "stayed":
        head = f"希望された施設への転園はできず、現在の{names.get(placed, placed)}での在園が続きます。"
    else:
        head = "いずれの希望施設にも入園が決まらず、保留(待機)となりました。"
    parts = [head]
    for n in notes:
        line = f"第{n.rank}希望の{names.get(n.facility, n.facility)}({n.age}歳児クラス、募集{n.seats}名): {REASONS[n.reason]}。"
        if n.cutoff is not None:
            tie = "同点のため申込書の順で決まりました" if n.cutoff.tie_decided_by_order else ""
            line += f"最後に入園が決まった方の点数は{n.cutoff.points}点でした" + (f"({tie})" if tie else "") + "。"
        parts.append(line)
    return "".join(parts)


def as_json(explanations: list[Explanation]) -> dict[str, Any]:
    return {"schema": SCHEMA, "children": [asdict(e) for e in explanations]}
