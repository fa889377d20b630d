"""Read, check and write 全銀 kind-91 (預金口座振替) files.

- `parse(data) -> ZenginFile`: the whole file, checked, as plain data.
- `check_stream(stream) -> Summary`: the same checks in constant memory (reads 4 MiB chunks;
  runs of data records are validated by one compiled regular expression and totalled with
  column sums, so there is no Python object per field on this path).
- `build(f) -> bytes` and `Writer` (streaming): the file for some content, checked by the same
  rules (a value that does not fit is an error, never cut).
- `to_json(f)` / `from_json(d)`: the shape of `yakuba zengin show --format json`.

File structure: ``(header data* trailer)+ end``; records separated by CRLF (every record, the
last included) or by nothing; an optional single 0x1A as the very last byte; nothing after the
end record. Every error is a `ZenginError` naming the record (1-based, counting every record),
byte range, field and value. Pure: no Django.

One module, though over 600 lines: the four ways through a file (parse, the streaming check,
build, JSON) apply one set of record rules, and the fast path's compiled pattern must accept
exactly what the field-by-field reader accepts — kept side by side so they cannot drift apart
(the property tests in tests/zengin hold them together).
"""

from __future__ import annotations

import dataclasses
import io
import re
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable, Iterator, Mapping

from yakuba.zengin.errors import ZenginError
from yakuba.zengin.layout import (CRLF, DATA, DATA_RECORD, END, EOF_BYTE, HEADER, RECORD_LENGTH, TABLES, TRAILER,
                                  Field, check_record)
from yakuba.zengin.model import Batch, Header, Layout, Record, Trailer, ZenginFile

CHUNK = 1 << 22
"""Bytes read at a time by the streaming checker."""

_RUN = {"crlf": re.compile(b"(?:" + DATA_RECORD + b"\r\n)*+"), "none": re.compile(b"(?:" + DATA_RECORD + b")*+")}
_DATA_ONE = re.compile(DATA_RECORD)
_STRIDE = {"crlf": RECORD_LENGTH + 2, "none": RECORD_LENGTH}
_NONZERO = re.compile(b"[^0]")
_NON_JIS = re.compile("[^\x00-\x7f\uff61-\uff9f]")

_AMOUNT = DATA[9]
_RESULT = DATA[12]
assert _AMOUNT.key == "amount" and _RESULT.key == "result_code"
_A0, _A1, _R0 = _AMOUNT.start - 1, _AMOUNT.end, _RESULT.start - 1


@dataclass(frozen=True)
class Summary:
    """What `check_stream` found in a valid file."""

    records: int
    """Every record: headers, data, trailers and the end record."""
    batches: int
    data_records: int
    total_amount: int
    transferred_count: int
    transferred_amount: int
    failed_count: int
    failed_amount: int
    request_batches: int
    result_batches: int
    newline: str
    eof: bool

    @property
    def kind(self) -> str:
        """'request', 'result' or 'mixed' (some batches of each)."""
        if self.result_batches and self.request_batches:
            return "mixed"
        return "result" if self.result_batches else "request"


# --- totals of a batch, and the trailer rule ----------------------------------------------------

class _Totals:
    """The running totals of one batch; `finish` checks its trailer against them."""

    __slots__ = ("count", "amount", "ok_count", "ok_amount", "first_failed")

    def __init__(self) -> None:
        self.count = self.amount = self.ok_count = self.ok_amount = 0
        self.first_failed: tuple[int, bytes] | None = None

    def add(self, amount: int, code: bytes, record: int) -> None:
        self.count += 1
        self.amount += amount
        if code == b"0":
            self.ok_count += 1
            self.ok_amount += amount
        elif self.first_failed is None:
            self.first_failed = (record, code)

    def add_run(self, buf: bytes, start: int, n: int, stride: int, first_record: int) -> None:
        """Add `n` valid data records laid out every `stride` bytes from `start`."""
        stop = start + n * stride
        total = 0
        for j in range(_A0, _A1):  # the amount column by column: Σ 10^k · Σ digits
            total = total * 10 + sum(buf[start + j:stop:stride]) - 48 * n
        codes = buf[start + _R0:stop:stride]
        zeros = codes.count(b"0")
        failed = 0
        if zeros != n:
            for m in _NONZERO.finditer(codes):
                i = m.start()
                at = start + i * stride
                failed += int(buf[at + _A0:at + _A1])
                if self.first_failed is None:
                    self.first_failed = (first_record + i, codes[i:i + 1])
        self.count += n
        self.amount += total
        self.ok_count += zeros
        self.ok_amount += total - failed

    def finish(self, rec: bytes, record: int) -> bool:
        """Check the trailer `rec` (fields already valid) against the totals; True for a request."""
        got = {f.key: int(rec[f.start - 1:f.end]) for f in TRAILER[1:7]}
        field = {f.key: f for f in TRAILER}

        def wrong(key: str, what: str, expected: int) -> ZenginError:
            f = field[key]
            return ZenginError(f"does not agree with the batch: {what} {expected}", record=record, start=f.start,
                               end=f.end, field=key, value=rec[f.start - 1:f.end])

        if got["total_count"] != self.count:
            raise wrong("total_count", "data records", self.count)
        if got["total_amount"] != self.amount:
            raise wrong("total_amount", "sum of amounts", self.amount)
        request = not (got["transferred_count"] or got["transferred_amount"] or got["failed_count"]
                       or got["failed_amount"])
        if request:
            if self.first_failed is not None:
                at, code = self.first_failed
                raise ZenginError("a request batch (trailer transferred/failed totals all zero) must have result code 0",
                                  record=at, start=_RESULT.start, end=_RESULT.end, field="result_code", value=code)
            return True
        for key, what, expected in (
                ("transferred_count", "records with result code 0", self.ok_count),
                ("transferred_amount", "sum of amounts with result code 0", self.ok_amount),
                ("failed_count", "records with a non-zero result code", self.count - self.ok_count),
                ("failed_amount", "sum of amounts with a non-zero result code", self.amount - self.ok_amount)):
            if got[key] != expected:
                raise wrong(key, what, expected)
        return False


# --- the scanner: structure, separators, end of file --------------------------------------------

class _Reader:
    __slots__ = ("read", "buf", "pos", "eof")

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self.read = read
        self.buf = b""
        self.pos = 0
        self.eof = False

    def need(self, n: int) -> bool:
        """Make at least `n` bytes available from `pos` if the stream has them."""
        while len(self.buf) - self.pos < n and not self.eof:
            chunk = self.read(CHUNK)
            if not chunk:
                self.eof = True
                break
            if not isinstance(chunk, (bytes, bytearray)):
                raise TypeError("the stream must be binary")
            self.buf = self.buf[self.pos:] + bytes(chunk)
            self.pos = 0
        return len(self.buf) - self.pos >= n


_EXPECT_NAMES = {b"1": "a header record (1)", b"2": "a data record (2)", b"8": "a trailer record (8)",
                 b"9": "the end record (9)"}


def _scan(read: Callable[[int], bytes]) -> Iterator[tuple]:
    """Check a file read through `read`; yield events for whoever wants the content.

    Events: ``("1"|"2"|"8"|"9", record_number, record_bytes)`` for single records,
    ``("run", buf, start, n, stride, first_record_number)`` for `n` valid data records, and finally
    ``("done", newline, eof, record_count)``. Raises ZenginError at the first problem.
    """
    r = _Reader(read)
    newline: str | None = None
    stride = RECORD_LENGTH
    run_re = None
    expect = b"1"
    recno = 0
    totals = _Totals()
    while True:
        if expect == b"28" and run_re is not None:
            r.need(stride * 64)
            n = (run_re.match(r.buf, r.pos).end() - r.pos) // stride
            if n:
                yield ("run", r.buf, r.pos, n, stride, recno + 1)
                totals.add_run(r.buf, r.pos, n, stride, recno + 1)
                r.pos += n * stride
                recno += n
                continue
        # one record, checked field by field
        full = r.need(RECORD_LENGTH)
        left = len(r.buf) - r.pos
        if left == 0 or (left == 1 and r.buf[r.pos:r.pos + 1] == EOF_BYTE and expect != b"1"):
            if recno == 0:
                raise ZenginError("empty file (空のファイル)", record=1)
            raise ZenginError(f"file ends where {' or '.join(_EXPECT_NAMES[bytes([c])] for c in expect)} is expected"
                              " (no end record)", record=recno + 1)
        recno += 1
        rec = r.buf[r.pos:r.pos + RECORD_LENGTH]
        if newline == "none":
            if rec[0:1] in (b"\r", b"\n"):
                raise ZenginError("mixed separators: CR/LF between records of a file without separators",
                                  record=recno - 1, start=RECORD_LENGTH + 1, end=RECORD_LENGTH + 2,
                                  field="separator", value=rec[:2])
        else:
            cut = rec.find(CRLF)
            r.need(RECORD_LENGTH + 2)
            if cut >= 0 and r.buf[r.pos + RECORD_LENGTH:r.pos + RECORD_LENGTH + 2] != CRLF:
                raise ZenginError(f"record length: {cut} bytes before CRLF, expected {RECORD_LENGTH}",
                                  record=recno, start=1, end=max(cut, 1), field="record", value=rec[:cut])
        if not full:
            raise ZenginError(f"record length: the file ends after {left} bytes of the record, expected "
                              f"{RECORD_LENGTH}", record=recno, start=1, end=left, field="record")
        kind = rec[0:1]
        table = TABLES.get(rec[0])
        if recno == 1 and rec[0] == 0xF1:  # '1' in EBCDIC: a header in the other code
            raise ZenginError("EBCDIC files (コード区分 1) are not supported, only JIS (コード区分 0)", record=1,
                              start=4, end=4, field="code_type", value=rec[3:4])
        if kind not in (b"1", b"2", b"8", b"9") or kind not in expect:
            want = " or ".join(_EXPECT_NAMES[bytes([c])] for c in expect)
            raise ZenginError(f"expected {want}", record=recno, start=1, end=1, field="data_kind", value=kind)
        assert table is not None
        check_record(rec, table, recno)
        if kind == b"2":
            totals.add(int(rec[_A0:_A1]), rec[_R0:_R0 + 1], recno)
        elif kind == b"8":
            totals.finish(rec, recno)
            totals = _Totals()
        yield (kind.decode(), recno, rec)
        # the separator
        r.need(RECORD_LENGTH + 2)
        after = r.buf[r.pos + RECORD_LENGTH:r.pos + RECORD_LENGTH + 2]
        if newline is None:
            if after == CRLF:
                newline = "crlf"
            elif after[:1] in (b"\r", b"\n"):
                raise ZenginError("records must be separated by CRLF or by nothing (LF-only or CR-only found)",
                                  record=recno, start=RECORD_LENGTH + 1, end=RECORD_LENGTH + 2, field="separator",
                                  value=after)
            else:
                newline = "none"
            stride = _STRIDE[newline]
            run_re = _RUN[newline]
        if newline == "crlf":
            if after != CRLF:
                if after in (b"", EOF_BYTE) and r.eof:
                    problem = "the file ends without CRLF after the last record"
                elif after[:1] == b"\n":
                    problem = "LF-only separator, CRLF expected (mixed separators)"
                elif after[:1] == b"\r":
                    problem = "CR without LF, CRLF expected (mixed separators)"
                else:
                    r.need(RECORD_LENGTH * 2 + 2)
                    k = r.buf.find(CRLF, r.pos + RECORD_LENGTH, r.pos + RECORD_LENGTH * 2 + 1)
                    if k >= 0:
                        raise ZenginError(f"record length: {k - r.pos} bytes before CRLF, expected {RECORD_LENGTH}",
                                          record=recno, start=RECORD_LENGTH + 1, end=k - r.pos, field="record",
                                          value=r.buf[r.pos + RECORD_LENGTH:k])
                    problem = f"CRLF expected after {RECORD_LENGTH} bytes (separator missing: mixed separators)"
                raise ZenginError(problem, record=recno, start=RECORD_LENGTH + 1, end=RECORD_LENGTH + 2,
                                  field="separator", value=after)
        r.pos += stride
        if kind == b"9":
            break
        expect = {b"1": b"28", b"2": b"28", b"8": b"19"}[kind]
    r.need(2)
    rest = r.buf[r.pos:r.pos + 2]
    if rest not in (b"", EOF_BYTE) or (rest == EOF_BYTE and r.need(2)):
        raise ZenginError("data after the end record (only one 0x1A may follow it)", record=recno + 1,
                          start=1, end=min(len(rest), 2), field="record", value=rest)
    yield ("done", newline, rest == EOF_BYTE, recno)


def _end_filler(rec: bytes) -> str | None:
    raw = rec[1:]
    return None if raw.count(b" ") == len(raw) else raw.decode("cp932").rstrip(" ")


def check_stream(stream: BinaryIO) -> Summary:
    """Check a whole file read from a binary stream, in constant memory; the summary if valid."""
    batches = requests = data = amount = ok_count = ok_amount = 0
    failed_count = failed_amount = 0
    newline, eof, records = "crlf", False, 0
    for event in _scan(stream.read):
        kind = event[0]
        if kind == "8":
            rec = event[2]
            batches += 1
            tc = int(rec[19:25])
            if tc or int(rec[25:37]) or int(rec[37:43]) or int(rec[43:55]):
                ok_count += tc
                ok_amount += int(rec[25:37])
                failed_count += int(rec[37:43])
                failed_amount += int(rec[43:55])
            else:
                requests += 1
            data += int(rec[1:7])
            amount += int(rec[7:19])
        elif kind == "done":
            newline, eof, records = event[1], event[2], event[3]
    return Summary(records=records, batches=batches, data_records=data, total_amount=amount,
                   transferred_count=ok_count, transferred_amount=ok_amount, failed_count=failed_count,
                   failed_amount=failed_amount, request_batches=requests, result_batches=batches - requests,
                   newline=newline, eof=eof)


def check(data: bytes) -> Summary:
    """`check_stream` over bytes in memory."""
    return check_stream(io.BytesIO(data))


# --- decoding -----------------------------------------------------------------------------------

def _decode(rec: bytes, table: tuple[Field, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    filler = b""
    for f in table[1:]:
        raw = rec[f.start - 1:f.end]
        if f.is_filler:
            filler += raw
        elif f.integer:
            out[f.key] = int(raw)
        elif f.kind == "N":
            out[f.key] = raw.decode("ascii")
        else:
            out[f.key] = raw.decode("cp932").rstrip(" ")
    if filler.count(b" ") != len(filler):
        out["filler"] = filler.decode("cp932").rstrip(" ")
    return out


def parse(data: bytes) -> ZenginFile:
    """The content of a kind-91 file; ZenginError (located) if it breaks any rule."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("parse() takes bytes")
    batches: list[Batch] = []
    header: Header | None = None
    records: list[Record] = []
    layout = Layout()
    end_filler: str | None = None
    for event in _scan(io.BytesIO(bytes(data)).read):
        kind = event[0]
        if kind == "run":
            _, buf, start, n, stride, _first = event
            for i in range(n):
                at = start + i * stride
                records.append(Record(**_decode(buf[at:at + RECORD_LENGTH], DATA)))
        elif kind == "2":
            records.append(Record(**_decode(event[2], DATA)))
        elif kind == "1":
            header = Header(**_decode(event[2], HEADER))
            records = []
        elif kind == "8":
            assert header is not None
            batches.append(Batch(header, tuple(records), Trailer(**_decode(event[2], TRAILER))))
        elif kind == "9":
            end_filler = _end_filler(event[2])
        elif kind == "done":
            layout = Layout(newline=event[1], eof=event[2], end_filler=end_filler)
    return ZenginFile(tuple(batches), layout)


# --- encoding -----------------------------------------------------------------------------------

def _text(value: Any, f: Field, record: int) -> str:
    """The text of a field's value, padded to its width (not yet checked against its set)."""
    if f.kind == "N":
        if f.integer:
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise ZenginError(f"must be an integer, got {type(value).__name__}", record=record, start=f.start,
                                  end=f.end, field=f.key, value=str(value))
            if isinstance(value, int):
                if value < 0:
                    raise ZenginError("must not be negative", record=record, start=f.start, end=f.end, field=f.key,
                                      value=str(value))
                value = str(value)
        if not isinstance(value, str):
            raise ZenginError(f"must be a string of digits, got {type(value).__name__}", record=record,
                              start=f.start, end=f.end, field=f.key, value=str(value))
        if not value:
            raise ZenginError("empty", record=record, start=f.start, end=f.end, field=f.key, value=value)
        if len(value) > f.length:
            raise ZenginError(f"too long: {len(value)} characters for {f.length}", record=record, start=f.start,
                              end=f.end, field=f.key, value=value)
        if not value.isascii():
            raise ZenginError("not a number", record=record, start=f.start, end=f.end, field=f.key, value=value)
        return value.rjust(f.length, "0")
    if not isinstance(value, str):
        raise ZenginError(f"must be a string, got {type(value).__name__}", record=record, start=f.start, end=f.end,
                          field=f.key, value=str(value))
    bad = _NON_JIS.search(value)
    if bad:
        raise ZenginError(f"not a JIS 8-bit (半角) character: '{bad.group()}' (see yakuba.zengin.kana.to_zengin)",
                          record=record, start=f.start, end=f.end, field=f.key, value=value)
    if len(value) > f.length:
        raise ZenginError(f"too long: {len(value)} characters for {f.length}", record=record, start=f.start,
                          end=f.end, field=f.key, value=value)
    return value.ljust(f.length)


def encode_record(values: Mapping[str, Any], table: tuple[Field, ...], record: int) -> bytes:
    """One 120-byte record for `values` (keys of the table; `filler` optional), checked."""
    room = _FILLER_ROOM[id(table)]
    filler = values.get("filler") or ""
    if not isinstance(filler, str):
        raise ZenginError("filler must be a string", record=record, field="filler", value=str(filler))
    if len(filler) > room:
        raise ZenginError(f"too long: {len(filler)} characters for {room}", record=record, field="filler",
                          value=filler)
    filler = filler.ljust(room)
    parts = []
    for f in table:
        key = f.key
        if key == "filler":
            parts.append(_text(filler[:f.length], f, record))
            filler = filler[f.length:]
        elif key == "data_kind":
            parts.append(f.values[0])  # type: ignore[index]
        else:
            try:
                v = values[key]
            except KeyError:
                raise ZenginError("missing", record=record, start=f.start, end=f.end, field=key) from None
            t = type(v)
            if t is int and f.integer and 0 <= v:
                v = str(v)
                t = str
            if t is str and 0 < len(v) <= f.length and v.isascii():  # the usual case; checked below
                parts.append(v.rjust(f.length, "0") if f.kind == "N" else v.ljust(f.length))
            else:
                parts.append(_text(v, f, record))
    rec = "".join(parts).encode("cp932")
    if table is not DATA or not _DATA_ONE.fullmatch(rec):
        check_record(rec, table, record)
    return rec


_FILLER_ROOM = {id(t): sum(f.length for f in t if f.is_filler) for t in (HEADER, DATA, TRAILER, END)}


def _values(obj: Any) -> dict[str, Any]:
    try:
        return vars(obj)
    except TypeError:  # a dataclass with slots
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


class Writer:
    """Writes a kind-91 file record by record (constant memory), checking as it goes.

    ``w = Writer(out, layout); w.header(h); w.record(r)…; w.trailer(); …; w.close()``.
    `trailer(None)` computes the totals (``result=True`` for a result batch); a given trailer must
    agree with the records. `close()` writes the end record (and the 0x1A if `layout.eof`); it
    does not close `out`.
    """

    def __init__(self, out: BinaryIO, layout: Layout | None = None) -> None:
        self.out = out
        self.layout = layout or Layout()
        if self.layout.newline not in ("crlf", "none"):
            raise ZenginError(f"layout newline must be 'crlf' or 'none', got {self.layout.newline!r}",
                              field="layout.newline")
        if self.layout.encoding != "jis":
            raise ZenginError(f"only the JIS encoding is supported, got {self.layout.encoding!r}",
                              field="layout.encoding")
        self.sep = CRLF if self.layout.newline == "crlf" else b""
        self.records = 0
        self.state = "start"
        self._totals = _Totals()
        self._pending: list[bytes] = []

    def _put(self, rec: bytes) -> None:
        self._pending.append(rec)
        self._pending.append(self.sep)
        if len(self._pending) >= 8192:
            self.flush()

    def flush(self) -> None:
        self.out.write(b"".join(self._pending))
        self._pending.clear()

    def _order(self, kind: str, allowed: tuple[str, ...]) -> None:
        if self.state not in allowed:
            raise ZenginError(f"a {kind} record cannot follow the {self.state} here (structure: (header data* trailer)+ end)",
                              record=self.records + 1, field="structure")

    def header(self, h: Header | Mapping[str, Any]) -> None:
        self._order("header", ("start", "trailer"))
        values = h if isinstance(h, Mapping) else _values(h)
        self._put(encode_record(values, HEADER, self.records + 1))
        self.records += 1
        self.state = "header"
        self._totals = _Totals()

    def record(self, r: Record | Mapping[str, Any]) -> None:
        if self.state not in ("header", "data"):
            self._order("data", ("header", "data"))
        values = r if isinstance(r, Mapping) else _values(r)
        rec = encode_record(values, DATA, self.records + 1)
        self.records += 1
        self._totals.add(int(rec[_A0:_A1]), rec[_R0:_R0 + 1], self.records)
        self._put(rec)
        self.state = "data"

    def trailer(self, t: Trailer | Mapping[str, Any] | None = None, *, result: bool = False) -> Trailer:
        self._order("trailer", ("header", "data"))
        s = self._totals
        if t is None:
            t = Trailer(s.count, s.amount, *(
                (s.ok_count, s.ok_amount, s.count - s.ok_count, s.amount - s.ok_amount) if result else (0, 0, 0, 0)))
        values = t if isinstance(t, Mapping) else _values(t)
        rec = encode_record(values, TRAILER, self.records + 1)
        self.records += 1
        s.finish(rec, self.records)
        self._put(rec)
        self.state = "trailer"
        return Trailer(**_decode(rec, TRAILER))

    def close(self) -> None:
        self._order("end", ("trailer",))
        self._put(encode_record({"filler": self.layout.end_filler or ""}, END, self.records + 1))
        self.records += 1
        if self.layout.eof:
            self._pending.append(EOF_BYTE)
        self.flush()
        self.state = "end"


def build(f: ZenginFile) -> bytes:
    """The bytes of a kind-91 file; ZenginError (located as in `check`) for content that does not fit."""
    if not isinstance(f, ZenginFile):
        raise TypeError("build() takes a ZenginFile")
    if not f.batches:
        raise ZenginError("a file has at least one batch (header, data…, trailer)", record=1, field="structure")
    out = io.BytesIO()
    w = Writer(out, f.layout)
    for batch in f.batches:
        w.header(batch.header)
        for r in batch.records:
            w.record(r)
        w.trailer(batch.trailer)
    w.close()
    return out.getvalue()


# --- JSON ---------------------------------------------------------------------------------------

def _clean(obj: Any, table: tuple[Field, ...]) -> dict[str, Any]:
    """The JSON object of a header/record/trailer: keys in layout order, `filler` only if set."""
    d = {f.key: getattr(obj, f.key) for f in table if f.key != "data_kind" and not f.is_filler}
    if obj.filler is not None and obj.filler.strip(" "):
        d["filler"] = obj.filler
    return d


def to_json(f: ZenginFile) -> dict[str, Any]:
    """The `show --format json` object of a file (see docs/formats/zengin.md, section 4)."""
    layout: dict[str, Any] = {"newline": f.layout.newline, "eof": f.layout.eof, "encoding": f.layout.encoding}
    if f.layout.end_filler is not None:
        layout["end_filler"] = f.layout.end_filler
    return {"layout": layout,
            "batches": [{"header": _clean(b.header, HEADER), "records": [_clean(r, DATA) for r in b.records],
                         "trailer": _clean(b.trailer, TRAILER)} for b in f.batches]}


def _object(cls: type, d: Any, record: int, what: str) -> Any:
    if not isinstance(d, dict):
        raise ZenginError(f"{what} must be a JSON object", record=record, field=what)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(d) - known)
    if unknown:
        raise ZenginError(f"unknown key in the {what}", record=record, field=unknown[0])
    required = [f.name for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    missing = [k for k in required if k not in d]
    if missing:
        raise ZenginError(f"missing from the {what}", record=record, field=missing[0])
    return cls(**d)


def from_json(d: Any) -> ZenginFile:
    """The content described by a `show --format json` object (checked by `build`, not here)."""
    if not isinstance(d, dict):
        raise ZenginError("the JSON must be an object with 'layout' and 'batches'", field="json")
    unknown = sorted(set(d) - {"layout", "batches"})
    if unknown:
        raise ZenginError("unknown key", field=unknown[0])
    lay = d.get("layout", {})
    if not isinstance(lay, dict):
        raise ZenginError("must be an object", field="layout")
    lay = dict(lay)
    unknown = sorted(set(lay) - {"newline", "eof", "encoding", "end_filler"})
    if unknown:
        raise ZenginError("unknown key in the layout", field=unknown[0])
    if lay.get("newline", "crlf") not in ("crlf", "none"):
        raise ZenginError("must be 'crlf' or 'none'", field="layout.newline", value=str(lay.get("newline")))
    if not isinstance(lay.get("eof", False), bool):
        raise ZenginError("must be true or false", field="layout.eof", value=str(lay.get("eof")))
    if lay.get("encoding", "jis") != "jis":
        raise ZenginError("only 'jis' is supported", field="layout.encoding", value=str(lay.get("encoding")))
    if not isinstance(lay.get("end_filler", ""), (str, type(None))):
        raise ZenginError("must be a string", field="layout.end_filler")
    layout = Layout(**lay)
    batches_in = d.get("batches")
    if not isinstance(batches_in, list) or not batches_in:
        raise ZenginError("must be a non-empty list of batches", field="batches")
    batches = []
    record = 0
    for b in batches_in:
        if not isinstance(b, dict) or set(b) - {"header", "records", "trailer"}:
            raise ZenginError("a batch is an object with 'header', 'records' and 'trailer'", record=record + 1,
                              field="batches")
        record += 1
        header = _object(Header, b.get("header"), record, "header")
        rows = b.get("records", [])
        if not isinstance(rows, list):
            raise ZenginError("must be a list", record=record + 1, field="records")
        records = []
        for row in rows:
            record += 1
            records.append(_object(Record, row, record, "record"))
        record += 1
        trailer = _object(Trailer, b.get("trailer"), record, "trailer")
        batches.append(Batch(header, tuple(records), trailer))
    return ZenginFile(tuple(batches), layout)
