"""A bridge from 全銀 kind-91 (口座振替) to ISO 20022: pain.008 out, camt.054 in.

Banks that take ISO 20022 messages (全銀EDI, or a bank abroad) get the same debit run as a
`pain.008.001.08` *CustomerDirectDebitInitiation*, and their `camt.054.001.08`
*BankToCustomerDebitCreditNotification* comes back as the result file the rest of yakuba knows
(振替結果コード per record). The mapping is data (`RETURN_REASONS`), documented in
`docs/formats/iso20022.md`:

| 振替結果コード | meaning | ISO 20022 return reason |
|---|---|---|
| 0 | 振替済 | (booked, no return) |
| 1 | 資金不足 | AM04 InsufficientFunds |
| 2 | 取引なし | AC01 IncorrectAccountNumber |
| 3 | 預金者の都合による振替停止 | MS02 NotSpecifiedReasonCustomerGenerated |
| 4 | 口座振替依頼書なし | MD01 NoMandate |
| 8 | 委託者の都合による振替停止 | proprietary `ZG08` (no ISO code means "the creditor stopped it") |
| 9 | その他 | MS03 NotSpecifiedReasonAgentGenerated |

Each transaction's EndToEndId is `BBRRRRRR-顧客番号` (batch and record position, then the
customer number), so a notification is matched to its request record without doubt. Pure: no
Django; XML through the standard library (expat refuses entity expansion attacks).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from typing import Iterator

from yakuba.zengin.errors import ZenginError
from yakuba.zengin.model import Batch, Record, Trailer, ZenginFile

PAIN = "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"
CAMT = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
CLEARING_SYSTEM = "JPZGN"
"""ISO clearing system id for the Zengin system (member id: bank code + branch code)."""

RETURN_REASONS: dict[str, tuple[str, str]] = {
    "1": ("Cd", "AM04"),
    "2": ("Cd", "AC01"),
    "3": ("Cd", "MS02"),
    "4": ("Cd", "MD01"),
    "8": ("Prtry", "ZG08"),
    "9": ("Cd", "MS03"),
}
"""振替結果コード → (ISO element, reason). Code 0 is a booked debit and has no reason."""

_FROM_ISO = {reason: code for code, (_, reason) in RETURN_REASONS.items()}
_ACCOUNT_TYPES = {"1": "SVGS", "2": "CACC", "3": "TAXE", "9": "OTHR"}
"""預金種目 → ExternalCashAccountType1Code (普通 savings, 当座 current, 納税準備 tax, その他)."""


class BridgeError(ZenginError):
    """A camt.054 that cannot be read as the results of the given request (with where)."""


@dataclass(frozen=True)
class Creditor:
    """The city as creditor (委託者): its name, and its ISO creditor scheme id (委託者コード)."""

    name: str
    scheme_id: str


def end_to_end_id(batch: int, position: int, record: Record) -> str:
    return f"{batch + 1:02d}{position + 1:06d}-{record.customer_number.strip()}"[:35]


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrib)
    if text is not None:
        el.text = text
    return el


def _collection_date(mmdd: str, year: int) -> str:
    return dt.date(year, int(mmdd[:2]), int(mmdd[2:])).isoformat()


def to_pain008(request: ZenginFile, *, creditor: Creditor, message_id: str, year: int,
               created: dt.datetime) -> bytes:
    """The request file as one pain.008 message: a payment information block per batch (one
    collection date and creditor account each), a transaction per record."""
    ET.register_namespace("", PAIN)
    doc = ET.Element(f"{{{PAIN}}}Document")
    root = _sub(doc, "CstmrDrctDbtInitn")
    records = [r for b in request.batches for r in b.records]
    header = _sub(root, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", created.isoformat(timespec="seconds"))
    _sub(header, "NbOfTxs", str(len(records)))
    _sub(header, "CtrlSum", str(sum(r.amount for r in records)))
    _sub(_sub(header, "InitgPty"), "Nm", creditor.name)
    for b, batch in enumerate(request.batches):
        h = batch.header
        info = _sub(root, "PmtInf")
        _sub(info, "PmtInfId", f"{message_id}-{b + 1:02d}")
        _sub(info, "PmtMtd", "DD")
        _sub(info, "NbOfTxs", str(len(batch.records)))
        _sub(info, "CtrlSum", str(sum(r.amount for r in batch.records)))
        _sub(info, "ReqdColltnDt", _collection_date(h.debit_date, year))
        _sub(_sub(info, "Cdtr"), "Nm", h.consignor_name)
        account = _sub(info, "CdtrAcct")
        _sub(_sub(_sub(account, "Id"), "Othr"), "Id", h.account_number)
        _sub(_sub(account, "Tp"), "Cd", _ACCOUNT_TYPES.get(h.account_type, "OTHR"))
        _agent(_sub(info, "CdtrAgt"), h.bank_code, h.branch_code)
        _sub(_sub(_sub(_sub(_sub(info, "CdtrSchmeId"), "Id"), "PrvtId"), "Othr"), "Id", h.consignor_code)
        for i, r in enumerate(batch.records):
            tx = _sub(info, "DrctDbtTxInf")
            _sub(_sub(tx, "PmtId"), "EndToEndId", end_to_end_id(b, i, r))
            _sub(tx, "InstdAmt", str(r.amount), Ccy="JPY")
            mandate = _sub(_sub(tx, "DrctDbtTx"), "MndtRltdInf")
            _sub(mandate, "MndtId", r.customer_number.strip() or f"{b + 1:02d}{i + 1:06d}")
            if r.new_code != "0":
                _sub(mandate, "AmdmntInd", "true")
            _agent(_sub(tx, "DbtrAgt"), r.bank_code, r.branch_code)
            _sub(_sub(tx, "Dbtr"), "Nm", r.name)
            debtor = _sub(tx, "DbtrAcct")
            _sub(_sub(_sub(debtor, "Id"), "Othr"), "Id", r.account_number)
            _sub(_sub(debtor, "Tp"), "Cd", _ACCOUNT_TYPES.get(r.account_type, "OTHR"))
    ET.indent(doc)
    return ET.tostring(doc, encoding="utf-8", xml_declaration=True)


def _agent(parent: ET.Element, bank: str, branch: str) -> None:
    member = _sub(_sub(parent, "FinInstnId"), "ClrSysMmbId")
    _sub(_sub(member, "ClrSysId"), "Cd", CLEARING_SYSTEM)
    _sub(member, "MmbId", bank + branch)


def to_camt054(result: ZenginFile, *, message_id: str, created: dt.datetime) -> bytes:
    """A result file as the bank's camt.054 notification (what a bank simulator sends back):
    one entry per record, booked (BOOK) or returned with its reason (RtrInf)."""
    ET.register_namespace("", CAMT)
    doc = ET.Element(f"{{{CAMT}}}Document")
    root = _sub(doc, "BkToCstmrDbtCdtNtfctn")
    header = _sub(root, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", created.isoformat(timespec="seconds"))
    note = _sub(root, "Ntfctn")
    _sub(note, "Id", message_id)
    for b, batch in enumerate(result.batches):
        for i, r in enumerate(batch.records):
            entry = _sub(note, "Ntry")
            _sub(entry, "Amt", str(r.amount), Ccy="JPY")
            _sub(entry, "CdtDbtInd", "DBIT")
            _sub(entry, "Sts").append(_text("Cd", "BOOK" if r.result_code == "0" else "INFO"))
            tx = _sub(_sub(entry, "NtryDtls"), "TxDtls")
            _sub(_sub(tx, "Refs"), "EndToEndId", end_to_end_id(b, i, r))
            _sub(tx, "Amt", str(r.amount), Ccy="JPY")
            if r.result_code != "0":
                kind, reason = RETURN_REASONS[r.result_code]
                _sub(_sub(_sub(tx, "RtrInf"), "Rsn"), kind, reason)
    ET.indent(doc)
    return ET.tostring(doc, encoding="utf-8", xml_declaration=True)


def _text(tag: str, text: str) -> ET.Element:
    el = ET.Element(tag)
    el.text = text
    return el


def _transactions(xml: bytes) -> Iterator[tuple[str, int, str | None, int]]:
    """(EndToEndId, amount, return reason or None, entry number) of each notified transaction."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise BridgeError(f"camt.054 を読めません (not well-formed XML): {exc}") from None
    ns = {"c": CAMT}
    if root.tag != f"{{{CAMT}}}Document":
        raise BridgeError(f"camt.054.001.08 ではありません (root element {root.tag!r})")
    for n, tx in enumerate(root.iterfind(".//c:Ntry/c:NtryDtls/c:TxDtls", ns), start=1):
        e2e = tx.findtext("c:Refs/c:EndToEndId", default="", namespaces=ns)
        amount_text = tx.findtext("c:Amt", default="", namespaces=ns)
        try:
            amount = int(amount_text)
        except ValueError:
            raise BridgeError(f"entry {n}: Amt is not a whole yen amount: {amount_text!r}") from None
        reason = (tx.findtext("c:RtrInf/c:Rsn/c:Cd", namespaces=ns)
                  or tx.findtext("c:RtrInf/c:Rsn/c:Prtry", namespaces=ns))
        yield e2e, amount, reason, n


def results_from_camt054(request: ZenginFile, xml: bytes) -> ZenginFile:
    """The request with each record's 振替結果コード taken from the notification, and the
    trailers' transferred/failed totals filled in: the result file the bank would have sent.

    Every request record must be notified exactly once, with its amount; anything else (an
    unknown EndToEndId, a missing or repeated one, another amount, an unknown reason) is a
    `BridgeError` naming the entry.
    """
    positions = {end_to_end_id(b, i, r): (b, i)
                 for b, batch in enumerate(request.batches) for i, r in enumerate(batch.records)}
    codes: dict[tuple[int, int], str] = {}
    for e2e, amount, reason, n in _transactions(xml):
        if e2e not in positions:
            raise BridgeError(f"entry {n}: EndToEndId {e2e!r} is not in the request")
        b, i = positions[e2e]
        if (b, i) in codes:
            raise BridgeError(f"entry {n}: EndToEndId {e2e!r} is notified twice")
        expected = request.batches[b].records[i].amount
        if amount != expected:
            raise BridgeError(f"entry {n}: amount {amount} differs from the request's {expected} ({e2e})")
        if reason is None:
            codes[(b, i)] = "0"
        elif reason in _FROM_ISO:
            codes[(b, i)] = _FROM_ISO[reason]
        else:
            raise BridgeError(f"entry {n}: unknown return reason {reason!r} ({e2e})")
    missing = [e2e for e2e, at in positions.items() if at not in codes]
    if missing:
        raise BridgeError(f"{len(missing)} request records are not in the notification, first {missing[0]!r}")
    batches = []
    for b, batch in enumerate(request.batches):
        records = tuple(replace(r, result_code=codes[(b, i)]) for i, r in enumerate(batch.records))
        done = [r for r in records if r.result_code == "0"]
        failed = [r for r in records if r.result_code != "0"]
        trailer = Trailer(len(records), sum(r.amount for r in records), len(done), sum(r.amount for r in done),
                          len(failed), sum(r.amount for r in failed), batch.trailer.filler)
        batches.append(Batch(batch.header, records, trailer))
    return ZenginFile(tuple(batches), request.layout)
