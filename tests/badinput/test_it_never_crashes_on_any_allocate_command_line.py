"""No command line and no table content makes `yakuba allocate run|check` crash (exit 70 or a
traceback): random options, random bytes, and valid tables with any cell replaced by anything."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.allocation.tables import base_children, base_combinations, base_daycares, write_csv
from tests.badinput.helpers import argv_strategy, yakuba

WORDS = ["--out", "--explain", "--children", "--daycares", "--combinations", "--mode", "stable", "sequential",
         "--effort", "0", "999999999999", "DIR", "DIR/children.csv", "DIR/daycares.csv", "OUT/r.csv",
         "OUT/e.json", "OUT", "DIR/nothing.csv"]
TABLES = {"children.csv": base_children, "daycares.csv": base_daycares, "combinations.csv": base_combinations}
CELL = st.one_of(st.text(max_size=20), st.integers(-10**30, 10**30), st.sampled_from(["", "-1", "1e400", "nan",
                                                                                       "０", "F1", "h2", "1.5"]))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _round(base: Path, edits: list[tuple[str, int, int, object]], raw: dict[str, bytes]) -> Path:
    folder = base / "DIR"
    folder.mkdir()
    (base / "OUT").mkdir()
    for name, make in TABLES.items():
        table = copy.deepcopy(make())  # its header row is the helpers' shared list: never edit that
        for file, row, column, value in edits:
            if file == name:
                table[row % len(table)][column % len(table[0])] = value
        write_csv(folder / name, table)
    for name, data in raw.items():
        (folder / name).write_bytes(data)
    return folder


def _words(base: Path, argv: list[str]) -> list[str]:
    return [str(base / w) if w.startswith(("DIR", "OUT")) else w for w in argv]


@SETTINGS
@given(edits=st.lists(st.tuples(st.sampled_from(list(TABLES)), st.integers(0, 9), st.integers(0, 9), CELL),
                      max_size=4))
def test_it_works(edits: list[tuple[str, int, int, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        folder = _round(base, edits, {})
        ran = yakuba("allocate", "run", str(folder), "--out", str(base / "OUT" / "r.csv"),
                     "--explain", str(base / "OUT" / "e.json"))
        assert not ran.crashed, ran.err
        if ran.code == 0:
            checked = yakuba("allocate", "check", str(folder), str(base / "OUT" / "r.csv"))
            assert not checked.crashed, checked.err


@SETTINGS
@given(action=st.sampled_from(["run", "check"]), argv=argv_strategy(WORDS),
       raw=st.dictionaries(st.sampled_from(list(TABLES)), st.binary(max_size=80), max_size=2))
def test_any_options_and_bytes(action: str, argv: list[str], raw: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        _round(base, [], raw)
        ran = yakuba("allocate", action, *_words(base, argv))
        assert not ran.crashed, ran.err
