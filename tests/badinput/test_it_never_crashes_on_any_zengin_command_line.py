"""No command line and no file makes `yakuba zengin check|show|build|split|merge` crash (exit 70 or
a traceback): random options; random, mutated and valid files; `show` JSON edited at random and
given to `build`; parts of a split merged in any order, twice, or edited."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.badinput.helpers import argv_strategy, edited, yakuba
from tests.zengin.helpers import files
from tests.zengin.test_fuzz import mutated
from yakuba.zengin.codec import build

ACTIONS = ["check", "show", "build", "split", "merge"]
WORDS = ["--out", "--out-dir", "--format", "json", "--pretty", "IN/a.txt", "IN/b.json", "IN", "OUT", "OUT/x.txt",
         "-"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-10**25, 10**25), st.text(max_size=15))



@SETTINGS
@given(action=st.sampled_from(ACTIONS), argv=argv_strategy(WORDS), data=st.one_of(mutated(), st.binary(max_size=300)),
       stdin=st.binary(max_size=200))
def test_it_works(action: str, argv: list[str], data: bytes, stdin: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "IN").mkdir()
        (base / "OUT").mkdir()
        (base / "IN" / "a.txt").write_bytes(data)
        (base / "IN" / "b.json").write_bytes(data[:100])
        words = [str(base / w) if w.startswith(("IN", "OUT")) else w for w in argv]
        ran = yakuba("zengin", action, *words, stdin=stdin)
        assert not ran.crashed, ran.err


@SETTINGS
@given(file=files, path=st.lists(st.integers(0, 50), max_size=6), new=SCALAR)
def test_a_show_json_edited_anywhere_builds_or_says_why(file, path: list[int], new: Any) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "f.txt").write_bytes(build(file))
        shown = yakuba("zengin", "show", str(base / "f.txt"))
        assert shown.code == 0, shown.err
        text = json.dumps(edited(json.loads(shown.out), path, new), ensure_ascii=False)
        ran = yakuba("zengin", "build", "-", "--out", str(base / "out.txt"), stdin=text.encode("utf-8"))
        assert not ran.crashed, ran.err


@SETTINGS
@given(file=files, picks=st.lists(st.integers(0, 20), min_size=1, max_size=5),
       damage=st.one_of(st.none(), st.tuples(st.integers(0, 5000), st.binary(min_size=1, max_size=3))))
def test_parts_merged_in_any_way_never_crash(file, picks: list[int], damage) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "f.txt").write_bytes(build(file))
        (base / "parts").mkdir()
        split = yakuba("zengin", "split", str(base / "f.txt"), "--out-dir", str(base / "parts"))
        assert not split.crashed, split.err
        parts = sorted((base / "parts").iterdir())
        if not parts:
            return
        chosen = [parts[i % len(parts)] for i in picks]
        if damage is not None:
            at, junk = damage
            data = bytearray(chosen[0].read_bytes())
            data[at % max(len(data), 1):at % max(len(data), 1)] = junk
            chosen[0].write_bytes(bytes(data))
        ran = yakuba("zengin", "merge", *map(str, chosen), "--out", str(base / "merged.txt"))
        assert not ran.crashed, ran.err
