"""Errors of the 全銀 codec: one line, located (record, byte range, field, printable value).

`str(ZenginError)` is e.g. ``record 7: amount (bytes 81-90): not a number: '00001A0000'``.
Record numbers are 1-based and count every record of the file (header, data, trailer, end);
byte ranges are 1-based and inclusive, relative to the record. Pure: no Django.
"""

from __future__ import annotations

from yakuba.errors import YakubaError


def printable(raw: bytes | str) -> str:
    """The bytes of a field as text fit for a one-line message (JIS 8-bit; others as \\xNN)."""
    if isinstance(raw, str):
        return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
                       for ch in raw)
    out = []
    for b in raw:
        if 0x20 <= b < 0x7F:
            out.append(chr(b))
        elif 0xA1 <= b <= 0xDF:
            out.append(chr(0xFF61 + b - 0xA1))
        else:
            out.append(f"\\x{b:02x}")
    return "".join(out)


class ZenginError(YakubaError):
    """A file (or content to build) that does not follow the kind-91 layout or its rules.

    Attributes: `record` (1-based record number, or None when the problem is not in a record),
    `start`/`end` (1-based inclusive byte range in the record, or None), `field` (the JSON key of
    the field, or a rule name such as ``separator``), `value` (the offending value, printable, or
    None), `problem` (what is wrong) and `exit_code` (1).
    """

    exit_code = 1

    def __init__(self, problem: str, *, record: int | None = None, start: int | None = None,
                 end: int | None = None, field: str | None = None, value: bytes | str | None = None) -> None:
        self.problem = problem
        self.record = record
        self.start = start
        self.end = end
        self.field = field
        self.value = None if value is None else printable(value)
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"record {self.record}: " if self.record is not None else ""
        if self.field is not None:
            head += self.field
            if self.start is not None:
                head += f" (bytes {self.start}-{self.end if self.end is not None else self.start})"
            head += ": "
        elif self.start is not None:
            head += f"bytes {self.start}-{self.end if self.end is not None else self.start}: "
        text = head + self.problem
        if self.value is not None:
            text += f": '{self.value}'"
        return text.replace("\n", " ").replace("\r", " ")
