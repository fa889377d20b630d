"""No command line and no file makes `yakuba council …` crash (exit 70 or a traceback): random options,
random bytes given as the older register, and a genuine register's JSON edited anywhere."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.badinput.helpers import argv_strategy, edited, yakuba

WORDS = ["register", "--format", "csv", "html", "json", "--out", "--diff", "--source", "IN/old.json", "OUT/r.csv",
         "-"]
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.text(max_size=12), st.just([]),
                   st.just({}))


def _register() -> Any:
    from yakuba.council.outputs import current_register
    from yakuba.council.register import dumps

    return json.loads(dumps(current_register()))


@SETTINGS
@given(argv=argv_strategy(WORDS), data=st.binary(max_size=200), path=st.lists(st.integers(0, 60), max_size=6),
       new=SCALAR, use_edit=st.booleans())
def test_it_works(tmp_path, monkeypatch, argv: list[str], data: bytes, path: list[int], new: Any,  # type: ignore[no-untyped-def]
                  use_edit: bool) -> None:
    monkeypatch.setenv("YAKUBA_DATA", str(tmp_path / "data"))
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "IN").mkdir()
        (base / "OUT").mkdir()
        old = json.dumps(edited(_register(), path, new), ensure_ascii=False).encode() if use_edit else data
        (base / "IN" / "old.json").write_bytes(old)
        words = [str(base / w) if w.startswith(("IN", "OUT")) else w for w in argv]
        ran = yakuba("council", *words)
        assert not ran.crashed, ran.err


@SETTINGS
@given(path=st.lists(st.integers(0, 60), max_size=6), new=SCALAR)
def test_an_older_register_edited_anywhere_is_compared_or_refused_in_one_line(tmp_path, monkeypatch, path: list[int],  # type: ignore[no-untyped-def]
                                                                            new: Any) -> None:
    monkeypatch.setenv("YAKUBA_DATA", str(tmp_path / "data"))
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old.json"
        old.write_text(json.dumps(edited(_register(), path, new), ensure_ascii=False), encoding="utf-8")
        ran = yakuba("council", "register", "--diff", str(old))
        assert not ran.crashed, ran.err
        assert ran.code == 0 or len(ran.err.strip().splitlines()) == 1, ran.err


def test_a_register_with_a_number_for_a_purpose_is_refused(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YAKUBA_DATA", str(tmp_path / "data"))
    doc = _register()
    doc["files"][0]["purposes"] = [1]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc), encoding="utf-8")
    ran = yakuba("council", "register", "--diff", str(old))
    assert ran.code != 0 and not ran.crashed and "の JSON ではありません" in ran.err
