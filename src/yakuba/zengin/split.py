"""Split a kind-91 file by 引落銀行, as an intermediary (収納代行) does; merge the results back.

`split_by_bank(data)` → ``{"0005": bytes, "0009": bytes, …}``: one valid kind-91 file per
引落銀行番号 (bank_code of the data records). Choices:

- Each part keeps, for every batch of the input that has records for that bank, the batch's
  header unchanged (委託者, 引落日, 取引銀行 stay those of the consignor) and only that bank's
  records, in their original order; the trailer is recomputed. A request batch stays a request;
  a result batch stays a result (its transferred/failed totals recomputed for the part).
- Batches without a record for a bank are left out of its part; a batch without records at all
  goes to no part.
- Separators, EOF byte and the end record's filler are those of the input.

`merge(parts)` → one file: batches with the same header (every header field, filler included)
are joined in order of first appearance; their records are concatenated in the order of the
parts given (split then merge in the same order restores the original record order within each
bank; records of different banks come grouped by part). Each trailer is recomputed: a batch is a
result if any part's batch is a result. The layout is that of the first part. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Mapping

from yakuba.zengin.codec import build, parse
from yakuba.zengin.errors import ZenginError
from yakuba.zengin.model import Batch, Header, Record, Trailer, ZenginFile


def _trailer(records: tuple[Record, ...], result: bool, filler: str | None = None) -> Trailer:
    total = sum(r.amount for r in records)
    if not result:
        return Trailer(len(records), total, filler=filler)
    ok = [r for r in records if r.result_code == "0"]
    done = sum(r.amount for r in ok)
    return Trailer(len(records), total, len(ok), done, len(records) - len(ok), total - done, filler=filler)


def split_by_bank(data: bytes) -> dict[str, bytes]:
    """One file per 引落銀行番号, sorted by bank code."""
    f = parse(data)
    parts: dict[str, list[Batch]] = {}
    for batch in f.batches:
        by_bank: dict[str, list[Record]] = {}
        for r in batch.records:
            by_bank.setdefault(r.bank_code, []).append(r)
        for bank, records in by_bank.items():
            recs = tuple(records)
            parts.setdefault(bank, []).append(
                Batch(batch.header, recs, _trailer(recs, not batch.trailer.is_request, batch.trailer.filler)))
    return {bank: build(ZenginFile(tuple(batches), f.layout)) for bank, batches in sorted(parts.items())}


def _numbered(f: ZenginFile) -> Iterable[tuple[int, Header, Record]]:
    """(record number in its file, the batch's header, the data record) for every data record."""
    recno = 0
    for batch in f.batches:
        recno += 1
        for r in batch.records:
            recno += 1
            yield recno, batch.header, r
        recno += 1


def _refuse_duplicates(files: list[ZenginFile], names: list[str]) -> None:
    """A data record (every field the same, in a batch of the same header) in two parts is the
    same debit twice — the same part given twice, or parts of two splits: refused, located."""
    seen: dict[tuple[Header, Record], tuple[int, int]] = {}
    for n, f in enumerate(files):
        for recno, header, r in _numbered(f):
            first = seen.setdefault((header, r), (n, recno))
            if first[0] != n:
                raise ZenginError(f"the same debit is already in part {first[0] + 1} ({names[first[0]]}), record "
                                  f"{first[1]}: a part given twice? (part {n + 1}, {names[n]})",
                                  record=recno, field="merge", value=r.customer_number)


def merge(parts: Iterable[bytes] | Mapping[str, bytes], names: Iterable[str] | None = None) -> bytes:
    """One file from several (the results of one split, typically; a split's dict is taken as its
    values). A debit found in two parts is refused (a part given twice would debit twice);
    ``names`` name the parts in that message (default: ``part 1``, ``part 2``, …)."""
    if isinstance(parts, Mapping):  # split_by_bank's dict: its files, in bank order
        parts = parts.values()
    files = [parse(p) for p in parts]
    if not files:
        raise ZenginError("nothing to merge", field="merge")
    labels = list(names) if names is not None else []
    labels += [f"part {n + 1}" for n in range(len(labels), len(files))]
    _refuse_duplicates(files, labels)
    order: list[Header] = []
    records: dict[Header, list[Record]] = {}
    result: dict[Header, bool] = {}
    filler: dict[Header, str | None] = {}
    for f in files:
        for batch in f.batches:
            if batch.header not in records:
                order.append(batch.header)
                records[batch.header] = []
                result[batch.header] = False
                filler[batch.header] = batch.trailer.filler
            records[batch.header].extend(batch.records)
            result[batch.header] |= not batch.trailer.is_request
    batches = tuple(Batch(h, tuple(records[h]), _trailer(tuple(records[h]), result[h], filler[h])) for h in order)
    return build(replace(files[0], batches=batches))
