"""`yakuba zengin pain008` and `camt054`: a request out as pain.008, a notification back as a result file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.zengin.helpers import batch, record
from tests.zengin.test_cli import run
from yakuba.zengin.bank import simulate
from yakuba.zengin.codec import build, parse
from yakuba.zengin.iso20022 import to_camt054
from yakuba.zengin.model import ZenginFile


def _request() -> bytes:
    """Two request batches (two debit dates), five debits."""
    return build(ZenginFile((batch(tuple(record(i) for i in range(3))),
                             batch(tuple(record(i) for i in range(3, 5)), debit_date="0527"))))


def test_a_request_goes_out_as_pain008_and_its_notification_comes_back_as_the_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    request = tmp_path / "req.txt"
    request.write_bytes(_request())
    code, out, err = run(["pain008", str(request), "--year", "2027", "--message-id", "M-1"], monkeypatch=monkeypatch)
    assert code == 0, err
    assert b"pain.008.001.08" in out and b"<MsgId>M-1</MsgId>" in out and b"<ReqdColltnDt>2027-" in out

    expected = simulate(request.read_bytes(), seed=3, mix={"0": 0.5, "1": 0.3, "4": 0.2})
    camt = tmp_path / "camt.xml"
    camt.write_bytes(to_camt054(parse(expected), message_id="N-1", created=dt.datetime(2027, 4, 27)))
    result = tmp_path / "res.txt"
    code, _, err = run(["camt054", str(request), str(camt), "--out", str(result)], monkeypatch=monkeypatch)
    assert code == 0, err
    assert parse(result.read_bytes()).batches == parse(expected).batches


def test_a_notification_for_another_request_is_one_line_and_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    request = tmp_path / "req.txt"
    request.write_bytes(_request())
    camt = tmp_path / "camt.xml"
    camt.write_bytes(b"<?xml version='1.0'?><Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.054.001.08'>"
                     b"<BkToCstmrDbtCdtNtfctn/></Document>")
    code, out, err = run(["camt054", str(request), str(camt)], monkeypatch=monkeypatch)
    assert code == 1 and out == b""
    assert "not in the notification" in err and "Traceback" not in err and err.count("\n") == 1
