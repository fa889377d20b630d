"""No command line and no file makes `yakuba exports identify|expire` crash (exit 70 or a
traceback): random options, random bytes, watermark lines naming any id (none, huge, negative),
PDFs cut or flipped anywhere, and file names that look like an export's."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from pypdf import PdfWriter

from tests.badinput.helpers import argv_strategy, yakuba

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
WORDS = ["identify", "expire", "IN/f.csv", "IN/f.pdf", "IN", "--json", "-"]
ID = st.one_of(st.integers(-5, 10**40).map(str), st.text("0123456789", min_size=1, max_size=60))


def _pdf(metadata_id: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/YakubaExport": metadata_id, "/Keywords": f"yakuba-export id={metadata_id}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.django_db
@SETTINGS
@given(argv=argv_strategy(WORDS), data=st.binary(max_size=200), stdin=st.binary(max_size=50))
def test_it_works(argv: list[str], data: bytes, stdin: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "IN").mkdir()
        (base / "IN" / "f.csv").write_bytes(data)
        (base / "IN" / "f.pdf").write_bytes(b"%PDF-1.7\n" + data)
        ran = yakuba("exports", *[str(base / w) if w.startswith("IN") else w for w in argv], stdin=stdin)
        assert not ran.crashed, ran.err


@pytest.mark.django_db
@SETTINGS
@example(export_id="9" * 40, how="csv", at=0)
@example(export_id="99999999999999999999", how="pdf", at=0)
@example(export_id="99999999999999999999", how="name", at=0)
@given(export_id=ID, how=st.sampled_from(["csv", "pdf", "pdf-damaged", "name"]), at=st.integers(0, 10**5))
def test_a_watermark_naming_any_id_is_one_line(export_id: str, how: str, at: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        if how == "csv":
            path = base / "results.csv"
            path.write_bytes(f"\ufeff#yakuba-export id={export_id} user=x at=y\n宛名番号\n".encode("utf-8"))
        elif how == "name":
            path = base / f"export-{export_id}-results.csv"
            path.write_bytes(b"a,b\n")
        else:
            content = bytearray(_pdf(export_id))
            if how == "pdf-damaged":
                content[at % len(content)] ^= 0x55
            path = base / "notices.pdf"
            path.write_bytes(bytes(content))
        ran = yakuba("exports", "identify", str(path))
        assert not ran.crashed, ran.err
        assert ran.code == 1 and ran.one_line, ran.err
