"""The ISO 20022 bridge: pain.008 out, camt.054 in, result codes through return reasons."""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yakuba.zengin.iso20022 import (
    CAMT, PAIN, RETURN_REASONS, BridgeError, Creditor, results_from_camt054, to_camt054, to_pain008,
)
from yakuba.zengin.model import Batch, Header, Record, Trailer, ZenginFile

CREATED = dt.datetime(2026, 4, 20, 9, 30)
CITY = Creditor("ﾐﾄﾞﾘｼ ｽｲﾄﾞｳｷﾖｸ", "0000012345")
EXAMPLES = int(os.environ.get("YAKUBA_HYPOTHESIS_EXAMPLES", "100"))


def _request(amounts_per_batch: list[list[int]]) -> ZenginFile:
    batches = []
    for b, amounts in enumerate(amounts_per_batch):
        header = Header("0000012345", "ﾐﾄﾞﾘｼ ｽｲﾄﾞｳｷﾖｸ", f"04{27 - b:02d}", "0001", "001", "1", "1234567")
        records = tuple(Record("0005", f"{100 + i:03d}", "1", f"{7000000 + i:07d}", f"ｼｽﾃﾑ ﾃｽﾄ{i}", a,
                               customer_number=f"{b:04d}{i:016d}") for i, a in enumerate(amounts))
        batches.append(Batch(header, records, Trailer(len(records), sum(amounts))))
    return ZenginFile(tuple(batches))


def _with_codes(request: ZenginFile, codes: list[list[str]]) -> ZenginFile:
    batches = []
    for batch, batch_codes in zip(request.batches, codes):
        records = tuple(replace(r, result_code=c) for r, c in zip(batch.records, batch_codes))
        ok = [r for r in records if r.result_code == "0"]
        ng = [r for r in records if r.result_code != "0"]
        batches.append(Batch(batch.header, records, Trailer(len(records), sum(r.amount for r in records), len(ok),
                                                            sum(r.amount for r in ok), len(ng), sum(r.amount for r in ng))))
    return ZenginFile(tuple(batches))


def test_it_writes_one_transaction_per_record_with_the_totals() -> None:
    request = _request([[4820, 3100], [12000]])
    root = ET.fromstring(to_pain008(request, creditor=CITY, message_id="M1", year=2026, created=CREATED))
    ns = {"p": PAIN}
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs", namespaces=ns) == "3"
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=ns) == "19920"
    infos = root.findall("p:CstmrDrctDbtInitn/p:PmtInf", ns)
    assert [i.findtext("p:ReqdColltnDt", namespaces=ns) for i in infos] == ["2026-04-27", "2026-04-26"]
    first = infos[0].find("p:DrctDbtTxInf", ns)
    assert first is not None
    assert first.findtext("p:InstdAmt", namespaces=ns) == "4820"
    assert first.find("p:InstdAmt", ns).get("Ccy") == "JPY"  # type: ignore[union-attr]
    assert first.findtext("p:DbtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId", namespaces=ns) == "0005100"


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(1, 9_999_999), st.sampled_from("0123489")), min_size=1, max_size=6),
                min_size=1, max_size=3))
def test_result_codes_survive_the_round_trip_through_camt054(batches) -> None:  # type: ignore[no-untyped-def]
    request = _request([[a for a, _ in b] for b in batches])
    result = _with_codes(request, [[c for _, c in b] for b in batches])
    xml = to_camt054(result, message_id="N1", created=CREATED)
    assert results_from_camt054(request, xml) == result


def test_every_failure_code_has_a_return_reason() -> None:
    assert set(RETURN_REASONS) == set("123489")
    assert RETURN_REASONS["1"] == ("Cd", "AM04") and RETURN_REASONS["4"] == ("Cd", "MD01")


def _camt(request: ZenginFile, codes: list[list[str]]) -> bytes:
    return to_camt054(_with_codes(request, codes), message_id="N1", created=CREATED)


def test_it_refuses_a_notification_for_another_amount() -> None:
    request = _request([[4820, 3100]])
    xml = _camt(request, [["0", "1"]]).replace(b">4820<", b">4821<")
    with pytest.raises(BridgeError, match="entry 1: amount 4821"):
        results_from_camt054(request, xml)


def test_it_refuses_a_notification_that_misses_a_record() -> None:
    request = _request([[4820, 3100]])
    shorter = _request([[4820]])
    with pytest.raises(BridgeError, match="1 request records are not in the notification"):
        results_from_camt054(request, _camt(shorter, [["0"]]))


def test_it_refuses_an_unknown_reason_and_a_foreign_record() -> None:
    request = _request([[4820]])
    with pytest.raises(BridgeError, match="unknown return reason 'XX99'"):
        results_from_camt054(request, _camt(request, [["1"]]).replace(b"AM04", b"XX99"))
    other = _request([[4820], [100]])
    with pytest.raises(BridgeError, match="is not in the request"):
        results_from_camt054(request, _camt(other, [["0"], ["0"]]))


def test_it_refuses_what_is_not_camt054() -> None:
    request = _request([[4820]])
    with pytest.raises(BridgeError, match="not well-formed"):
        results_from_camt054(request, b"<Document><unclosed>")
    pain = to_pain008(request, creditor=CITY, message_id="M1", year=2026, created=CREATED)
    with pytest.raises(BridgeError, match="camt.054.001.08"):
        results_from_camt054(request, pain)
    assert CAMT in _camt(request, [["0"]]).decode()
