"""The retention period is the city's: city.toml ``[consult] retention_years``. A bad value is one
located line (`yakuba config check` and `yakuba consult erase-expired`); a city that sets no period
erases nothing (one line saying so); a longer period keeps a case a shorter one would erase."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.badinput.helpers import yakuba
from tests.cityprofiles import DEMO_PROFILE, copy_demo, use
from tests.consult.helpers import closed_years_ago, world
from yakuba.cityprofile.load import load_profile, reload
from yakuba.consult.models import Case

CITY = (DEMO_PROFILE / "city.toml").read_text(encoding="utf-8")


def _city(retention: str) -> str:
    return CITY.replace("retention_years = 5", retention)


@pytest.mark.django_db
def test_it_reads_the_retention_period_from_the_city_profile(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert load_profile(DEMO_PROFILE).consult.retention_years == 5  # type: ignore[union-attr]
    w = world()
    closed_years_ago(w, 6)
    try:
        for n, (text, needle) in enumerate([("retention_years = 0", "consult.retention_years"),
                                            ('retention_years = "5年"', "consult.retention_years"),
                                            ("retention_years = 5\nkeep_forever = true", "consult.keep_forever")]):
            folder = copy_demo(tmp_path / f"bad{n}", city_toml=_city(text))
            checked = yakuba("config", "check", str(folder))
            assert checked.code == 1 and needle in checked.err and "city.toml: row" in checked.err, checked.err
            use(monkeypatch, folder)
            ran = yakuba("consult", "erase-expired", "--as", w.chief.username)
            assert ran.code == 1 and ran.one_line and needle in ran.err, ran.err

        unset = copy_demo(tmp_path / "unset", city_toml=CITY.split("[consult]")[0])
        use(monkeypatch, unset)
        ran = yakuba("consult", "erase-expired", "--as", w.chief.username)
        assert ran.code == 1 and ran.one_line and "retention_years がありません" in ran.err, ran.err

        longer = copy_demo(tmp_path / "ten", city_toml=_city("retention_years = 10"))
        use(monkeypatch, longer)
        ran = yakuba("consult", "erase-expired", "--as", w.chief.username)
        assert ran.code == 0 and "消去したケース: 0 件" in ran.out and Case.objects.filter(pk=w.case.pk).exists()
    finally:
        monkeypatch.undo()
        reload()
    ran = yakuba("consult", "erase-expired", "--as", w.chief.username)
    assert ran.code == 0 and not Case.objects.filter(pk=w.case.pk).exists()
