"""build → parse gives the content back; show (JSON) → build gives the same bytes."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.zengin.helpers import FAST, files, sample, sample_file
from yakuba.zengin.codec import build, check, from_json, parse, to_json
from yakuba.zengin.layout import FILLER_CHARS, TABLES
from yakuba.zengin.model import Layout, ZenginFile


def _via_json(f: ZenginFile) -> ZenginFile:
    return from_json(json.loads(json.dumps(to_json(f), ensure_ascii=False)))


def test_it_reads_back_the_sample() -> None:
    f = sample_file()
    assert parse(build(f)) == f
    assert len(build(f)) == 10 * 122


def test_it_gives_the_spec_shape() -> None:
    doc = to_json(parse(sample()))
    assert doc["layout"] == {"newline": "crlf", "eof": False, "encoding": "jis"}
    head = doc["batches"][0]["header"]
    assert list(head) == ["kind", "code_type", "consignor_code", "consignor_name", "debit_date", "bank_code",
                          "bank_name", "branch_code", "branch_name", "account_type", "account_number"]
    rec = doc["batches"][0]["records"][0]
    assert list(rec) == ["bank_code", "bank_name", "branch_code", "branch_name", "account_type", "account_number",
                         "name", "amount", "new_code", "customer_number", "result_code"]
    assert rec["amount"] == 4820 and rec["name"] == "ﾔﾏﾀﾞ ﾀﾛｳ" and rec["customer_number"] == "0" * 20
    assert list(doc["batches"][0]["trailer"]) == ["total_count", "total_amount", "transferred_count",
                                                  "transferred_amount", "failed_count", "failed_amount"]


@FAST
@given(files)
def test_it_builds_then_parses_any_valid_content_back(f: ZenginFile) -> None:
    data = build(f)
    assert parse(data) == f
    summary = check(data)
    assert summary.records == len(data.rstrip(b"\x1a")) // (122 if f.layout.newline == "crlf" else 120)
    assert summary.data_records == sum(len(b.records) for b in f.batches)


@FAST
@given(files, st.data())
def test_show_then_build_gives_the_same_bytes(f: ZenginFile, data: st.DataObject) -> None:
    raw = bytearray(build(f))
    stride = 122 if f.layout.newline == "crlf" else 120
    # scribble on some fillers, byte by byte, as a bank might
    for n in range(len(raw) // stride):
        table = TABLES[raw[n * stride]]
        for fld in table:
            if fld.is_filler and data.draw(st.booleans()):
                chunk = data.draw(st.binary(min_size=fld.length, max_size=fld.length).map(
                    lambda b: bytes(FILLER_CHARS[x % len(FILLER_CHARS)] for x in b).replace(b"\r", b" ")))
                at = n * stride + fld.start - 1
                raw[at:at + fld.length] = chunk
    raw = bytes(raw)
    assert build(_via_json(parse(raw))) == raw


def test_it_keeps_the_separators_and_eof_byte() -> None:
    for newline in ("crlf", "none"):
        for eof in (False, True):
            raw = sample(newline, eof)
            f = parse(raw)
            assert f.layout == Layout(newline, eof)  # type: ignore[arg-type]
            assert raw.endswith(b"\x1a") == eof
            assert build(_via_json(f)) == raw


def test_it_keeps_the_end_records_filler_in_the_layout() -> None:
    raw = sample()
    raw = raw[:-122] + b"9" + b"ZENGIN END".ljust(119) + b"\r\n"
    f = parse(raw)
    assert f.layout.end_filler == "ZENGIN END"
    assert to_json(f)["layout"]["end_filler"] == "ZENGIN END"
    assert build(_via_json(f)) == raw
