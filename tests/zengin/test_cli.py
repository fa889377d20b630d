"""`yakuba zengin check|show|build` against the contract (in-process, through yakuba.cli.main)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from tests.zengin.helpers import put, sample
from yakuba.cli import main


class _Std:
    def __init__(self, data: bytes = b"") -> None:
        self.buffer = io.BytesIO(data)

    def isatty(self) -> bool:
        return False

    def write(self, s: str) -> int:
        self.buffer.write(s.encode("utf-8"))
        return len(s)

    def flush(self) -> None:
        pass


def run(args: list[str], stdin: bytes = b"", monkeypatch: pytest.MonkeyPatch | None = None
        ) -> tuple[int, bytes, str]:
    out, err = _Std(), io.StringIO()
    mp = monkeypatch
    assert mp is not None
    mp.setattr(sys, "stdin", _Std(stdin))
    mp.setattr(sys, "stdout", out)
    mp.setattr(sys, "stderr", err)
    code = main(["zengin", *args])
    return code, out.buffer.getvalue(), err.getvalue()


def test_check_exits_0_for_a_valid_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "req.txt"
    path.write_bytes(sample())
    code, out, err = run(["check", str(path)], monkeypatch=monkeypatch)
    assert code == 0 and b"OK" in out and err == ""


def test_check_exits_1_with_one_located_line(monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(["check", "-"], put(sample(), 3, 81, b"00001A0000"), monkeypatch)
    assert code == 1
    assert err == "record 3: amount (bytes 81-90): not a number: '00001A0000'\n"


@pytest.mark.parametrize("newline, eof", [("crlf", False), ("crlf", True), ("none", False), ("none", True)])
def test_show_then_build_reproduces_the_bytes(newline: str, eof: bool, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    raw = put(sample(newline, eof), 2, 113, b"XYZ", newline)
    path = tmp_path / "in.txt"
    path.write_bytes(raw)
    code, shown, _ = run(["show", str(path), "--format", "json"], monkeypatch=monkeypatch)
    assert code == 0
    doc = json.loads(shown)
    assert doc["layout"] == {"newline": newline, "eof": eof, "encoding": "jis"}
    assert doc["batches"][0]["records"][0]["filler"] == "    XYZ"
    code, built, _ = run(["build", "-"], shown, monkeypatch)
    assert code == 0 and built == raw
    out = tmp_path / "out.txt"
    code, _, _ = run(["build", "-", "--out", str(out)], shown, monkeypatch)
    assert code == 0 and out.read_bytes() == raw


def test_build_refuses_invalid_json_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(["build", "-"], b"{not json", monkeypatch)
    assert code == 1 and out == b"" and err.count("\n") == 1 and "JSON" in err


def test_build_refuses_a_value_that_does_not_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    code, shown, _ = run(["show", "-"], sample(), monkeypatch)
    doc = json.loads(shown)
    doc["batches"][0]["records"][1]["name"] = "ﾔﾏﾀﾞ" * 10
    code, out, err = run(["build", "-"], json.dumps(doc).encode(), monkeypatch)
    assert code == 1 and out == b""
    assert err.startswith("record 3: name (bytes 51-80): too long")


def test_build_refuses_a_wrong_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    for doc in ([], {"batches": []}, {"batches": [{"header": {}}]}, {"batches": [1]}, {"layout": 3, "batches": []}):
        code, out, err = run(["build", "-"], json.dumps(doc).encode(), monkeypatch)
        assert code == 1 and out == b"" and err.count("\n") == 1
