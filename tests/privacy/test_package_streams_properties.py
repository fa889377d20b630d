"""Packages round-trip whatever the kinds of input and output: file contents as paths, bytes or
stream openers, the package written to a path or a stream and read from a path, bytes or a
one-way stream — the same manifest, the same contents (property test)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.privacy.conftest import CITY, VENDOR, Parties
from tests.privacy.streams import OneWay, WriteOnly
from yakuba.privacy.package import (
    PackageFile,
    _name_conflict,
    check_file_name,
    create_package,
    open_package,
    open_package_to_memory,
    verify_package,
)

CREATED = dt.datetime(2025, 4, 1, 17, 45, tzinfo=dt.timezone(dt.timedelta(hours=9)))

component = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda s: check_file_name(s) is None)
names = st.lists(component, min_size=1, max_size=3).map("/".join)
kinds = st.sampled_from(["path", "bytes", "bytearray", "opener"])
packages = st.lists(st.tuples(names, st.binary(max_size=3000), kinds), min_size=1, max_size=5).filter(
    lambda files: _name_conflict(n for n, _, _ in files) is None
)


def _sources(base: Path, files: list[tuple[str, bytes, str]]) -> list[tuple[str, object]]:
    sources: list[tuple[str, object]] = []
    for i, (name, data, kind) in enumerate(files):
        if kind == "path":
            (base / f"src-{i}").write_bytes(data)
            sources.append((name, base / f"src-{i}"))
        elif kind == "bytes":
            sources.append((name, data))
        elif kind == "bytearray":
            sources.append((name, bytearray(data)))
        else:
            sources.append((name, lambda data=data: OneWay(data)))
    return sources


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=packages, to_stream=st.booleans(), read_as=st.sampled_from(["path", "bytes", "stream", "one-way"]))
def test_any_sources_and_outputs_give_the_same_package(
    parties: Parties, files: list[tuple[str, bytes, str]], to_stream: bool, read_as: str
) -> None:
    args = dict(sender=VENDOR, recipient=CITY, sequence=3, purpose="property", created=CREATED,
                signing_key=parties.vendor.signing_key(), recipient_key=parties.city.age_recipient())
    opening = parties.verify_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        if to_stream:
            out = WriteOnly()
            made = create_package(out, _sources(base, files), **args)  # type: ignore[arg-type]
            raw = out.getvalue()
        else:
            made = create_package(base / "p.age", _sources(base, files), **args)  # type: ignore[arg-type]
            raw = (base / "p.age").read_bytes()
        assert made.files == tuple(PackageFile(n, len(d), hashlib.sha256(d).hexdigest()) for n, d, _ in files)
        assert (made.sender, made.recipient, made.sequence, made.created) == (VENDOR, CITY, 3, "2025-04-01T17:45:00+09:00")
        (base / "read.age").write_bytes(raw)
        src = {"path": base / "read.age", "bytes": raw, "stream": io.BytesIO(raw), "one-way": OneWay(raw)}[read_as]

        manifest, contents = open_package_to_memory(src, **opening)
        assert manifest == made
        assert contents == {name: data for name, data, _ in files}
        assert list(contents) == [name for name, _, _ in files]
        assert verify_package(OneWay(raw), **opening) == made
        (base / "in").mkdir()
        assert open_package(io.BytesIO(raw), base / "in", **opening) == made
        for name, data, _ in files:
            assert (base / "in").joinpath(*name.split("/")).read_bytes() == data
