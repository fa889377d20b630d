"""Run ChilmAI 0.2.2 on one instance directory (executed by bench/.venv-chilmai's python).

    bench/.venv-chilmai/bin/python bench/chilmai_driver.py DIR OUT.csv --time-limit S

Reads DIR/children.csv, DIR/daycares.csv (and DIR/combinations.csv when present) — the tables of
`docs/formats/allocation-io.md` — and calls `chilmai.generic.service.MatchingService().match(...)`
with ChilmAI's DEFAULT_CONFIG, whose column names are adjusted to ours (not our files).
Writes OUT.csv (`child_id,daycare_id`, in children.csv row order) on success. Always prints one
JSON line last on stdout: {"status": "OK"|"INFEASIBLE"|"SOLVER_TIMEOUT"|"ERROR", ...}; exit
status 0 on success, 2 on failure.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import sys
import time
import traceback
from pathlib import Path


def mapping() -> dict[str, dict[str, str]]:
    from chilmai.generic.config import DEFAULT_CONFIG

    m = copy.deepcopy(DEFAULT_CONFIG)
    m["children"].update(
        {
            "child_id": "申請者番号",
            "household_id": "世帯番号",
            "age": "年齢",
            "score": "点数",  # a bare score column is ChilmAI's score_1
            "score_prefix": "第N希望点数",  # points per wish, when a file has them
            "preference_prefix": "第N希望施設",
            "enrolled_daycare_id": "在籍施設ID",
            "sibling_pattern": "きょうだいパターン",
        }
    )
    m["daycares"].update({"daycare_id": "施設ID", "daycare_name": "施設名", "capacity_prefix": "N歳定員"})
    m["output"].update({"exclude_transfer_back": "false"})  # a transfer applicant who stays keeps its seat
    m["combination"].update(
        {"household_id": "ファミリーコード", "rank": "総当たり順位", "child_code_prefix": "宛名コードN", "facility_prefix": "希望施設N"}
    )
    return m


def main() -> int:
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 64
    directory, out = Path(args[0]), Path(args[1])
    limit = 60.0
    if "--time-limit" in args:
        limit = float(args[args.index("--time-limit") + 1])

    started = time.perf_counter()
    report: dict[str, object] = {"status": "ERROR"}
    try:
        from chilmai.generic.service import MatchingService

        import_s = time.perf_counter() - started
        children = (directory / "children.csv").read_bytes()
        daycares = (directory / "daycares.csv").read_bytes()
        combo_path = directory / "combinations.csv"
        combo = combo_path.read_bytes() if combo_path.exists() else None
        t0 = time.perf_counter()
        result = MatchingService().match(
            children_file_bytes=children,
            children_file_format="csv",
            daycares_file_bytes=daycares,
            daycares_file_format="csv",
            mapping=mapping(),
            solver_config={"max_time_seconds": limit},
            combination_file_bytes=combo,
            combination_file_format="csv" if combo else None,
        )
        match_s = time.perf_counter() - t0
        assigned: dict[str, str | None] = result["matching_result_dict"]
        ids = [row[0] for row in csv.reader(io.StringIO(children.decode("utf-8-sig")))][1:]
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["child_id", "daycare_id"])
        for cid in ids:
            w.writerow([cid, assigned.get(cid.strip()) or ""])
        out.write_text(buf.getvalue(), encoding="utf-8")
        report = {
            "status": "OK",
            "placed": sum(1 for v in assigned.values() if v),
            "import_s": round(import_s, 3),
            "match_s": round(match_s, 3),
            "meta": result.get("meta", {}),
        }
    except ValueError as exc:  # validation failure: args[1] is validate()'s dict
        detail = exc.args[1] if len(exc.args) > 1 else str(exc)
        report = {"status": "INVALID_INPUT", "detail": detail}
    except Exception as exc:  # noqa: BLE001 — every failure is a result of the benchmark
        code = getattr(exc, "code", None)
        name = getattr(code, "name", None) or str(code)
        if name and "INFEASIBLE" in name:
            status = "INFEASIBLE"
        elif name and "TIMEOUT" in name:
            status = "SOLVER_TIMEOUT"
        elif name and name != "None":
            status = name
        else:
            status = "ERROR"
        report = {"status": status, "error": f"{type(exc).__name__}: {exc}"[:2000],
                  "traceback": traceback.format_exc()[-2000:]}
    report["total_s"] = round(time.perf_counter() - started, 3)
    print(json.dumps(report, ensure_ascii=False, default=str), flush=True)
    return 0 if report["status"] == "OK" else 2


if __name__ == "__main__":
    sys.exit(main())
