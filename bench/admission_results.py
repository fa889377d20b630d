"""Results page of a 10,000-applicant round: p95 under 200 ms; aggregated query vs per-cell queries.

    .venv/bin/python bench/admission_results.py [--children 10000] [--facilities 400] [--requests 40]

Builds a fresh SQLite database in a temporary data directory (or uses DATABASE_URL), fills one
computed round with synthetic results (no engine run: the page only reads results), then in the
same process:

- baseline: the facility × age table by naive per-cell queries (count placed, min points, count
  waiting — three queries per facility and age class), as a first version of the page would;
- ours: `Round.table()` — two aggregated queries whatever the size;
- the whole page (`/admission/rounds/<id>/`, logged in, rendered) timed over --requests requests:
  p50 and p95 in milliseconds, checked against the 200 ms target.

Prints one table and the ratio baseline ÷ ours. Nothing here is a unit test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TARGET_P95_MS = 200.0


def setup() -> None:
    os.environ.setdefault("YAKUBA_DATA", tempfile.mkdtemp(prefix="yakuba-bench-admission-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, as a browser on this machine

    call_command("migrate", verbosity=0)


def fill(children: int, facilities: int, seed: int = 1):  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from yakuba.admission.models import Application, Facility, Result, Round
    from yakuba.admission.synthetic import make_facilities

    rng = random.Random(seed)
    rnd = Round.objects.create(name="bench", admission_year=2027, status=Round.Status.COMPUTED, computed_at=timezone.now())
    facs = make_facilities(facilities, rng)
    Facility.objects.bulk_create([Facility(round=rnd, code=c, name=n, capacity=cap) for c, n, cap in facs])
    codes = [c for c, _, _ in facs]
    apps = [Application(admission_year=2027, receipt_number=f"B9999-{i:05d}", child_name=f"試験 児童{i}",
                        child_birth=dt.date(2025, 5, 1), wishes=rng.sample(codes, 3), base_points=rng.randint(20, 45),
                        match=Application.Match.MATCHED) for i in range(children)]
    Application.objects.bulk_create(apps, batch_size=2000)
    apps = list(Application.objects.filter(admission_year=2027).only("pk", "wishes"))
    results = []
    for a in apps:
        age = rng.randrange(6)
        placed = rng.random() < 0.7
        results.append(Result(round=rnd, application=a, facility=a.wishes[0] if placed else "", first_wish=a.wishes[0],
                              age_class=age, points=rng.randint(20, 45), wish_rank=1 if placed else None,
                              status=Result.Status.PLACED if placed else Result.Status.WAITING, text="…", breakdown="…"))
    Result.objects.bulk_create(results, batch_size=2000)
    return rnd


def naive(rnd) -> list[dict]:  # type: ignore[no-untyped-def]
    from django.db.models import Min

    from yakuba.admission.models import Result

    rows = []
    for f in rnd.facilities.all():
        for age in range(6):
            cell = rnd.results.filter(facility=f.code, age_class=age)
            placed = cell.count()
            cutoff = cell.filter(status=Result.Status.PLACED).aggregate(m=Min("points"))["m"]
            waiting = rnd.results.filter(status=Result.Status.WAITING, first_wish=f.code, age_class=age).count()
            if f.capacity[age] or placed or waiting:
                rows.append({"facility": f, "age": age, "placed": placed, "cutoff": cutoff, "waiting": waiting})
    return rows


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--facilities", type=int, default=400)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test import Client

    from yakuba.accounts.models import Organisation, User
    from yakuba.accounts.roles import Role

    t = time.perf_counter()
    rnd = fill(args.children, args.facilities)
    print(f"filled a round of {args.children} children at {args.facilities} facilities in {time.perf_counter() - t:.1f} s")
    base_rows, our_rows = naive(rnd), rnd.table()
    assert [(r["facility"].code, r["age"], r["placed"], r["waiting"]) for r in base_rows] == \
        [(r["facility"].code, r["age"], r["placed"], r["waiting"]) for r in our_rows], "baseline and ours differ"
    def count_queries(fn) -> int:  # type: ignore[no-untyped-def]
        n = [0]

        def counting(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            n[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            fn()
        return n[0]

    q_naive, q_ours = count_queries(lambda: naive(rnd)), count_queries(rnd.table)
    baseline_s, ours_s = timed(lambda: naive(rnd), 3), timed(rnd.table, 5)

    org, _ = Organisation.objects.get_or_create(code="kodomo", defaults={"name": "子ども家庭課",
                                                                          "kind": Organisation.Kind.CITY_DEPARTMENT})
    user = User.objects.create(username="bench-staff", role=Role.CITY_STAFF, organisation=org)
    client = Client()
    client.force_login(user)
    url = f"/admission/rounds/{rnd.pk}/"
    first = client.get(url)
    assert first.status_code == 200, (first.status_code, first.get("Location"), first.content[:300])
    times = []
    for _ in range(args.requests):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    times.sort()
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]

    print(f"{'':34}{'queries':>10}{'seconds':>12}")
    print(f"{'baseline (per-cell queries)':34}{q_naive:>10}{baseline_s:>12.4f}")
    print(f"{'ours (Round.table, aggregated)':34}{q_ours:>10}{ours_s:>12.4f}")
    print(f"ratio baseline ÷ ours: {baseline_s / ours_s:.1f}×")
    print(f"results page {url}: p50 {p50:.1f} ms, p95 {p95:.1f} ms over {args.requests} requests "
          f"(target p95 < {TARGET_P95_MS:.0f} ms: {'met' if p95 < TARGET_P95_MS else 'NOT met'})")
    return 0 if p95 < TARGET_P95_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
