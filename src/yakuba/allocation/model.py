"""The instance of one admission round (利用調整), as plain data.

Follows the contract `docs/formats/allocation-io.md` (ChilmAI-compatible tables). Pure: no Django.
Children are referred to by their index in `Instance.children` (the row order of children.csv,
which is also the tie-break); facilities by their id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

AGES = range(6)
NOT_ADMITTED: None = None


@dataclass(frozen=True)
class Child:
    """申込者: one row of children.csv."""

    index: int
    """0-based position in children.csv; an earlier row ranks higher on equal points (§6)."""
    row: int
    """The row as a spreadsheet shows it (header = row 1), for messages."""
    id: str
    household: str
    age: int
    points: int
    """点数, or 第1希望点数 when the file gives points per wish."""
    wishes: tuple[str, ...]
    """Facility ids, most preferred first; blanks skipped, repeats dropped (§3)."""
    wish_points: tuple[int | None, ...] = ()
    """第N希望点数 for each wish (None: use `points`); empty when the file has 点数."""
    pattern: int | None = None
    """きょうだいパターン 1–7, or None."""
    current: str | None = None
    """在籍施設ID: the facility a transfer applicant attends now."""

    def points_at(self, facility: str) -> int:
        """The child's points at a facility (§6.2)."""
        if self.wish_points:
            for n, wish in enumerate(self.wishes):
                if wish == facility:
                    if n < len(self.wish_points) and self.wish_points[n] is not None:
                        return self.wish_points[n]  # type: ignore[return-value]
                    break
        return self.points

    def rank_of(self, facility: str) -> int | None:
        """1-based position of a facility in the wish list, or None."""
        try:
            return self.wishes.index(facility) + 1
        except ValueError:
            return None


@dataclass(frozen=True)
class Facility:
    """施設: one row of daycares.csv. `capacity[g]` is g歳定員 (this round's vacancies)."""

    id: str
    name: str
    capacity: tuple[int, int, int, int, int, int]
    row: int = 0


Assignment = tuple[str | None, ...]
"""One facility id (or None: not admitted) per child of a household, in the household's order."""


@dataclass(frozen=True)
class Household:
    """世帯: children allocated as a unit, with their ranked options (§5)."""

    id: str
    members: tuple[int, ...]
    """Child indices, oldest first; equal ages in row order (§5.1)."""
    options: tuple[Assignment, ...]
    """Acceptable outcomes, best first. "Nobody admitted" is not listed: it ranks after all."""
    may_be_unplaced: bool = True
    """False when a member has a current facility (§5.6)."""


@dataclass(frozen=True)
class CombinationRow:
    """One row of combinations.csv (総当たり): an option of a household, with its rank."""

    household: str
    rank: int
    assignment: Mapping[str, str | None]
    """child id → facility id (None: not admitted); children not named are not admitted."""
    row: int = 0


@dataclass
class Instance:
    children: tuple[Child, ...]
    facilities: Mapping[str, Facility]
    households: tuple[Household, ...]
    combinations: tuple[CombinationRow, ...] = ()
    source: Mapping[str, str] = field(default_factory=dict)
    """Which file each table came from, for messages."""
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """Derived data the algorithms compute once per instance (never part of its meaning)."""

    def __post_init__(self) -> None:
        self._seats: dict[tuple[str, int], int] = {}
        for f in self.facilities.values():
            for g in AGES:
                self._seats[(f.id, g)] = f.capacity[g]
        for c in self.children:
            if c.current is not None:
                self._seats[(c.current, c.age)] = self._seats.get((c.current, c.age), 0) + 1
        self.household_of: dict[int, int] = {}
        for h_index, h in enumerate(self.households):
            for c in h.members:
                self.household_of[c] = h_index
        self.by_id: dict[str, int] = {c.id: c.index for c in self.children}

    def seats(self, facility: str, age: int) -> int:
        """seats(d, g) = g歳定員 + applicants of age g whose 在籍施設ID is d (§4)."""
        return self._seats.get((facility, age), 0)

    def priority(self, child: int, facility: str) -> tuple[int, int, int]:
        """Sort key of a child at a facility: smaller ranks higher (§6)."""
        c = self.children[child]
        return (0 if c.current == facility else 1, -c.points_at(facility), c.index)


Allocation = Sequence[str | None]
"""The facility (or None) of each child, indexed like `Instance.children`."""
