"""Production never runs on the demo city by accident: `yakuba serve` and `yakuba worker` without
YAKUBA_CITY_PROFILE refuse to start with one line, unless the data folder is the demo's; a named
but broken profile stops them too, located."""

from __future__ import annotations

import pytest

from tests.cityprofiles import copy_demo
from yakuba.cityprofile.load import reload
from yakuba.cityprofile.where import ENV
from yakuba.cli import main


@pytest.mark.parametrize("command", [["serve"], ["worker", "--batch"]])
def test_it_refuses_without_a_profile(command, monkeypatch, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("YAKUBA_DATA", str(tmp_path))
    assert main(command) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "YAKUBA_CITY_PROFILE" in err[0] and "市の設定がありません" in err[0]


@pytest.mark.parametrize("command", [["serve"], ["worker", "--batch"]])
def test_it_refuses_a_broken_profile(command, monkeypatch, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(ENV, str(copy_demo(tmp_path / "p", rules_toml=None)))
    reload()
    assert main(command) == 1
    err = capsys.readouterr().err.strip()
    assert "rules.toml" in err and "missing file" in err
