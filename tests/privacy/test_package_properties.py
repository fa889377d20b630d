"""Hand-over packages round-trip any valid file names and contents (property test)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.privacy.conftest import CITY, VENDOR, Parties
from yakuba.privacy.package import _name_conflict, check_file_name, create_package, open_package

component = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda s: check_file_name(s) is None)
names = st.lists(component, min_size=1, max_size=3).map("/".join)
packages = st.lists(st.tuples(names, st.binary(max_size=2000)), min_size=1, max_size=5).filter(
    lambda files: _name_conflict(n for n, _ in files) is None
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=packages)
def test_it_round_trips_any_names_and_contents(parties: Parties, files: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "src").mkdir()
        (base / "in").mkdir()
        sources = []
        for i, (name, data) in enumerate(files):
            (base / "src" / str(i)).write_bytes(data)
            sources.append((name, base / "src" / str(i)))
        made = create_package(
            base / "p.age", sources, sender=VENDOR, recipient=CITY, sequence=1, purpose="property",
            signing_key=parties.vendor.signing_key(), recipient_key=parties.city.age_recipient(),
        )
        opened = open_package(base / "p.age", base / "in", **parties.verify_args())
        assert opened == made
        for name, data in files:
            assert (base / "in").joinpath(*name.split("/")).read_bytes() == data
