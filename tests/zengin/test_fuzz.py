"""Whatever the bytes, check raises nothing but ZenginError, and the CLI exits 0/1 without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.zengin.helpers import EXAMPLES, FAST, files, sample
from yakuba.zengin.codec import build, check, parse
from yakuba.zengin.errors import ZenginError


def _judge(data: bytes) -> None:
    try:
        check(data)
        ok = True
    except ZenginError as exc:
        assert "\n" not in str(exc) and exc.exit_code == 1
        ok = False
    try:
        parse(data)
        assert ok
    except ZenginError:
        assert not ok


@FAST
@given(st.binary(max_size=600))
def test_random_bytes_never_crash(data: bytes) -> None:
    _judge(data)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(build(draw(files)))
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if how == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif how == "cut":
            del data[at:]
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=3))
        elif data:
            del data[at:at + draw(st.integers(1, 130))]
    return bytes(data)


@FAST
@given(mutated())
def test_mutated_files_never_crash(data: bytes) -> None:
    _judge(data)


def _cli(args: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "yakuba.cli", "zengin", *args], input=stdin, capture_output=True,
                          timeout=60)


@settings(max_examples=max(3, EXAMPLES // 15), deadline=None)
@given(st.one_of(mutated(), st.binary(max_size=300)))
def test_the_cli_exits_0_or_1_without_a_traceback(data: bytes) -> None:
    result = _cli(["check", "-"], data)
    assert result.returncode in (0, 1)
    assert b"Traceback" not in result.stderr
    if result.returncode == 1:
        assert result.stderr.decode().count("\n") == 1


@pytest.mark.parametrize("data", [b"", b"\x00" * 10_000, b"1" * 119, b"\x1a", b"\xff\xfe" * 500])
def test_the_cli_survives_odd_input(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(data)
    for args in (["check", str(path)], ["show", str(path), "--format", "json"], ["build", str(path)]):
        result = _cli(args)
        assert result.returncode == 1 and b"Traceback" not in result.stderr
        assert result.stderr.decode().count("\n") == 1, result.stderr


def test_the_cli_refuses_a_missing_file(tmp_path: Path) -> None:
    result = _cli(["check", str(tmp_path / "nope.txt")])
    assert result.returncode == 1 and b"Traceback" not in result.stderr


def test_the_cli_accepts_the_sample() -> None:
    assert _cli(["check", "-"], sample()).returncode == 0


@FAST
@given(mutated())
def test_the_fast_path_agrees_with_the_field_rules(data: bytes) -> None:
    """The compiled run pattern and the field-by-field rules give the same answer, error or summary."""
    import re

    from yakuba.zengin import codec

    def outcome() -> str:
        try:
            return repr(check(data))
        except ZenginError as exc:
            return str(exc)

    fast = outcome()
    saved = dict(codec._RUN)
    codec._RUN.update({k: re.compile(b"") for k in saved})  # every record through check_record
    try:
        slow = outcome()
    finally:
        codec._RUN.update(saved)
    assert fast == slow
