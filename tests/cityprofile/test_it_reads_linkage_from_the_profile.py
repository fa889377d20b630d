"""linkage.toml: read whole into the profile, or refused with its file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import cityprofiles
from yakuba.cityprofile.load import ProfileInvalid, load_profile


def _pem(folder: Path) -> None:
    for name in ("c.pem", "c.key", "ca.pem"):
        (folder / name).write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")


GOOD = 'institution = "city-a"\nhub = "https://hub.example:8443"\nintermediate = "https://a.example:8444"\n' \
       'cert = "c.pem"\nkey = "c.key"\nca = "ca.pem"\n'


def test_it_works(tmp_path: Path) -> None:
    folder = cityprofiles.copy_demo(tmp_path / "p", linkage_toml=GOOD)
    _pem(folder)
    profile = load_profile(folder)
    assert profile.linkage is not None and profile.linkage.institution == "city-a"
    assert profile.linkage.cert == folder / "c.pem"
    assert "情報連携 city-a" in profile.summary()


def test_the_demo_city_has_none(tmp_path: Path) -> None:
    assert load_profile(cityprofiles.copy_demo(tmp_path / "p")).linkage is None


@pytest.mark.parametrize("edit, key", [
    (lambda t: t.replace("https://hub.example:8443", "http://hub"), "hub"),
    (lambda t: t.replace('"city-a"', '"City A"'), "institution"),
    (lambda t: t.replace('"c.key"', '"missing.key"'), "key"),
    (lambda t: t + 'extra = 1\n', "extra"),
    (lambda t: t.replace('ca = "ca.pem"\n', ""), "ca"),
])
def test_it_names_the_wrong_key(tmp_path: Path, edit, key: str) -> None:  # type: ignore[no-untyped-def]
    folder = cityprofiles.copy_demo(tmp_path / "p", linkage_toml=edit(GOOD))
    _pem(folder)
    with pytest.raises(ProfileInvalid) as refused:
        load_profile(folder)
    text = str(refused.value)
    assert "linkage.toml" in text and key in text
