"""Seeded generator of Saitama-like admission rounds (保育所 利用調整) for the benchmark.

Writes the tables of `docs/formats/allocation-io.md` (the ChilmAI-compatible contract) with synthetic
ids only. The shape follows what a large city's April round looks like:

- facilities spread over wards (区); children wish mostly for facilities of their own ward;
- facility popularity is Zipf-like (a few facilities draw most first wishes);
- seats per age class are small (0–10); ages 1–2 are short of seats, many facilities offer none
  at age 0; total vacancies plus transfer applicants' own seats ≈ 70–85 % of the applicants;
- points come from a few dozen values (base points of two parents + adjustments), so many ties
  (broken by row order, as the contract says);
- 8 % of households are siblings (2–4 children) with a sibling pattern 1–7;
- 8 % of children are transfer applicants (在籍施設ID set, never among their own wishes);
- 1–10 wishes per child.

Deterministic per seed (stdlib `random.Random` only). No combination rows are generated: sibling
households use patterns, so `combinations.csv` is not written.

    python bench/generate.py OUT_DIR --children 8000 --facilities 311 --seed 1
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from collections import Counter
from pathlib import Path

MAX_WISHES = 10
CHILD_HEADER = ["申請者番号", "世帯番号", "年齢", "点数", "きょうだいパターン", "在籍施設ID"] + [
    f"第{n}希望施設" for n in range(1, MAX_WISHES + 1)
]
DAYCARE_HEADER = ["施設ID", "施設名"] + [f"{g}歳定員" for g in range(6)]

# Share of applicants per age class (April round: most apply at 0 and 1).
AGE_SHARE = [0.25, 0.33, 0.15, 0.14, 0.07, 0.06]
# Vacancies (g歳定員 summed over facilities) per applicant of that age: short at 1–2.
SEAT_RATIO = [0.80, 0.45, 0.50, 0.95, 1.20, 1.20]
# Share of facilities with no vacancy at all in an age class (many have none at age 0).
ZERO_SHARE = [0.40, 0.15, 0.15, 0.10, 0.15, 0.15]
MAX_SEATS = 10
SIBLING_HOUSEHOLDS = 0.08
SIBLING_SIZES = ([2, 3, 4], [0.80, 0.17, 0.03])
PATTERNS = ([1, 2, 3, 4, 5, 6, 7], [0.30, 0.15, 0.05, 0.15, 0.20, 0.07, 0.08])
TRANSFERS = 0.08
WISH_COUNT_WEIGHTS = [8, 9, 11, 12, 12, 11, 9, 8, 7, 13]  # 1..10 wishes
ZIPF_EXPONENT = 0.9
OWN_WARD = 0.85  # probability mass of wishes inside the child's own ward


def _weighted_sample(rng: random.Random, items: list[str], weights: list[float], k: int) -> list[str]:
    """k distinct items, drawn with probability proportional to weight, in draw order
    (Efraimidis–Spirakis keys: the draw order of weighted sampling without replacement)."""
    keyed = []
    for item, w in zip(items, weights):
        if w <= 0:
            continue
        keyed.append((rng.random() ** (1.0 / w), item))
    keyed.sort(reverse=True)
    return [item for _, item in keyed[:k]]


def _spread(rng: random.Random, total: int, weights: list[float], cap: int) -> list[int]:
    """Integers ≤ cap summing to min(total, cap × non-zero weights), roughly proportional."""
    n = len(weights)
    out = [0] * n
    live = [i for i in range(n) if weights[i] > 0]
    total = min(total, cap * len(live))
    left = total
    while left > 0 and live:
        wsum = sum(weights[i] for i in live)
        # proportional share, rounded down, then the remainder seat by seat
        grant = [0] * n
        for i in live:
            grant[i] = min(cap - out[i], int(left * weights[i] / wsum))
        given = sum(grant)
        if given == 0:  # hand out single seats by weighted draw
            i = rng.choices(live, weights=[weights[j] for j in live])[0]
            grant[i] = 1
            given = 1
        for i in live:
            out[i] += grant[i]
        left -= given
        live = [i for i in live if out[i] < cap]
    return out


def generate(seed: int, n_children: int, n_facilities: int) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """One instance: (children rows, daycare rows, combination rows), each a list of CSV rows
    (header first). The combination rows are always an empty list: siblings use patterns 1–7."""
    if n_children < 1 or n_facilities < 2:
        raise ValueError("need at least 1 child and 2 facilities")
    rng = random.Random(f"yakuba-bench-{seed}-{n_children}-{n_facilities}")

    # --- facilities: wards, popularity, size -------------------------------------------------
    n_wards = max(1, round(n_facilities / 31))  # Saitama: 10 wards, ~31 facilities each
    fac_ids = [str(id_) for id_ in sorted(rng.sample(range(110000, 199999), n_facilities))]
    ward_of = {d: rng.randrange(n_wards) for d in fac_ids}
    ranks = list(range(1, n_facilities + 1))
    rng.shuffle(ranks)
    popularity = {d: (1.0 / r**ZIPF_EXPONENT) * math.exp(rng.gauss(0, 0.3)) for d, r in zip(fac_ids, ranks)}
    size = {d: math.exp(rng.gauss(0, 0.45)) for d in fac_ids}
    by_ward: dict[int, list[str]] = {w: [d for d in fac_ids if ward_of[d] == w] for w in range(n_wards)}
    ward_weight = [max(1, len(by_ward[w])) for w in range(n_wards)]

    # --- households and children ---------------------------------------------------------------
    households: list[list[int]] = []  # ages of the children of each household
    count = 0
    while count < n_children:
        if rng.random() < SIBLING_HOUSEHOLDS and n_children - count >= 2:
            k = min(rng.choices(*SIBLING_SIZES)[0], n_children - count)
            # siblings: different ages mostly (twins sometimes), youngest first drawn
            ages = sorted(
                {rng.choices(range(6), weights=AGE_SHARE)[0] for _ in range(k * 3)}, key=lambda _: rng.random()
            )[:k]
            while len(ages) < k:  # twins
                ages.append(rng.choice(ages))
            households.append(ages)
            count += k
        else:
            households.append([rng.choices(range(6), weights=AGE_SHARE)[0]])
            count += 1

    def base_points() -> int:
        # two parents' base points (full-time work = 20, fewer hours less) + adjustments
        parent = [20, 18, 16, 14, 12, 10]
        w = [55, 15, 12, 8, 6, 4]
        total = rng.choices(parent, weights=w)[0] + rng.choices(parent, weights=w)[0]
        total += rng.choices([-3, -2, -1, 0, 0, 0, 1, 2, 3, 4, 5, 6], k=1)[0]
        return total

    def wish_list(ward: int, k: int, exclude: str | None = None) -> list[str]:
        items = [d for d in fac_ids if d != exclude]
        away = (1 - OWN_WARD) / OWN_WARD / max(1, n_wards - 1)  # other wards: ~15 % of the mass
        weights = [popularity[d] * (1.0 if ward_of[d] == ward else away) for d in items]
        return _weighted_sample(rng, items, weights, min(k, len(items)))

    child_ids = [str(i) for i in rng.sample(range(10_000_000, 99_999_999), n_children)]
    household_ids = [str(i) for i in rng.sample(range(1_000_000, 9_999_999), len(households))]
    rows: list[list[str]] = []
    transfer_candidates: list[int] = []
    next_child = 0
    for h_index, ages in enumerate(households):
        ward = rng.choices(range(n_wards), weights=ward_weight)[0]
        points = base_points()
        pattern = ""
        if len(ages) == 1:
            k = rng.choices(range(1, MAX_WISHES + 1), weights=WISH_COUNT_WEIGHTS)[0]
            lists = [wish_list(ward, k)]
        else:
            pattern_n = rng.choices(*PATTERNS)[0]
            pattern = str(pattern_n)
            # siblings list fewer facilities (3–4 children: at most 5, as the options multiply)
            cap = MAX_WISHES if len(ages) == 2 else 5
            k = rng.choices(range(1, cap + 1), weights=WISH_COUNT_WEIGHTS[:cap])[0]
            common = wish_list(ward, k)
            lists = []
            for _ in ages:
                if pattern_n in (1, 2, 3) or rng.random() < 0.6:
                    own = list(common)  # same list (always for the same-facility patterns)
                else:  # a list of their own that shares its first wish
                    own = [common[0]] + [d for d in wish_list(ward, k) if d != common[0]][: k - 1]
                lists.append(own)
        for age, wishes in zip(ages, lists):
            row = [child_ids[next_child], household_ids[h_index], str(age), str(points), pattern, ""]
            row += wishes + [""] * (MAX_WISHES - len(wishes))
            rows.append(row)
            if age >= 1:
                transfer_candidates.append(len(rows) - 1)
            next_child += 1

    # --- transfer applicants: 8 % of the children, aged 1–5 ---------------------------------------
    n_transfers = min(len(transfer_candidates), round(TRANSFERS * n_children))
    for r in rng.sample(transfer_candidates, n_transfers):
        row = rows[r]
        wishes = [w for w in row[6:] if w]
        ward = ward_of[wishes[0]]
        local = [d for d in by_ward[ward] if d not in wishes] or [d for d in fac_ids if d not in wishes]
        if not local:
            continue
        current = rng.choice(local)
        row[5] = current

    # --- row order: households shuffled, siblings adjacent (the tie-break of equal points) --------
    blocks: dict[str, list[list[str]]] = {}
    for row in rows:
        blocks.setdefault(row[1], []).append(row)
    order = list(blocks)
    rng.shuffle(order)
    children_rows = [CHILD_HEADER] + [row for h in order for row in blocks[h]]

    # --- seats: vacancies per age, spread over facilities ------------------------------------------
    applicants = Counter(int(row[2]) for row in rows)
    capacities: dict[str, list[int]] = {d: [0] * 6 for d in fac_ids}
    for g in range(6):
        target = round(SEAT_RATIO[g] * applicants.get(g, 0))
        weights = [0.0 if rng.random() < ZERO_SHARE[g] else size[d] * math.exp(rng.gauss(0, 0.4)) for d in fac_ids]
        if not any(weights):
            weights[rng.randrange(n_facilities)] = 1.0
        for d, seats in zip(fac_ids, _spread(rng, target, weights, MAX_SEATS)):
            capacities[d][g] = seats
    daycare_rows = [DAYCARE_HEADER] + [
        [d, f"ベンチ保育園{i + 1:03d}"] + [str(s) for s in capacities[d]] for i, d in enumerate(fac_ids)
    ]
    return children_rows, daycare_rows, []


def stats(children_rows: list[list[str]], daycare_rows: list[list[str]]) -> dict[str, object]:
    """A few figures that show the instance's shape."""
    kids = children_rows[1:]
    n = len(kids)
    vacancies = [sum(int(r[2 + g]) for r in daycare_rows[1:]) for g in range(6)]
    applicants = [sum(1 for r in kids if r[2] == str(g)) for g in range(6)]
    transfers = sum(1 for r in kids if r[5])
    per_household = Counter(r[1] for r in kids)
    sib_households = sum(1 for c in per_household.values() if c > 1)
    first = Counter(r[6] for r in kids)
    top = sum(c for _, c in first.most_common(max(1, len(daycare_rows[1:]) // 10)))
    return {
        "children": n,
        "facilities": len(daycare_rows) - 1,
        "applicants_by_age": applicants,
        "vacancies_by_age": vacancies,
        "seats_share": round((sum(vacancies) + transfers) / n, 3) if n else 0.0,
        "transfers": transfers,
        "sibling_households_share": round(sib_households / len(per_household), 3),
        "distinct_points": len({r[3] for r in kids}),
        "mean_wishes": round(sum(sum(1 for w in r[6:] if w) for r in kids) / n, 2),
        "first_wishes_at_top_10pct_facilities": round(top / n, 3),
    }


def _write(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def write_instance(
    directory: str | Path,
    children_rows: list[list[str]],
    daycare_rows: list[list[str]],
    combination_rows: list[list[str]] | None = None,
) -> Path:
    """Write children.csv, daycares.csv (and combinations.csv when there are rows) in UTF-8."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "children.csv", children_rows)
    _write(out / "daycares.csv", daycare_rows)
    combo = out / "combinations.csv"
    if combination_rows:
        _write(combo, combination_rows)
    elif combo.exists():
        combo.unlink()
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--children", type=int, default=600)
    p.add_argument("--facilities", type=int, default=33)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rows = generate(a.seed, a.children, a.facilities)
    write_instance(a.out, *rows)
    for k, v in stats(rows[0], rows[1]).items():
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()
