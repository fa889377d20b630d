"""The 利用調整基準 is a file: another city's TOML (its city profile's rules.toml) changes the 調整点
and the tie-break without a line of Python, and the round records which table it used."""

from __future__ import annotations

import pytest

from tests import cityprofiles

from yakuba.admission.actions.computing import do_compute
from yakuba.admission.models import Application, Result

RULES = '''
title = "試験市 利用調整基準(試験用)"

[age_class]
reference_date = "04-01"

[tie_break]
order = ["total_points", "lower_income", "earlier_receipt"]

[[adjustments]]
id = "single_parent"
label = "ひとり親世帯(試験市)"
points = 10
when = { single_parent = true }
'''


@pytest.mark.django_db
def test_it_scores_by_the_citys_rules_file(imported, staff, population, monkeypatch, tmp_path) -> None:
    cityprofiles.use(monkeypatch, cityprofiles.copy_demo(tmp_path / "shiken", rules_toml=RULES))
    _, rnd = imported
    do_compute(rnd, staff)
    rnd.refresh_from_db()
    assert rnd.rules_title == "試験市 利用調整基準(試験用)"
    receipt = next(k for k, v in population.facts.items() if v.get("single_parent"))
    result = Result.objects.get(round=rnd, application__receipt_number=receipt)
    app = Application.objects.get(receipt_number=receipt)
    assert result.breakdown.startswith(f"基準点 {app.base_points} + ひとり親世帯(試験市) +10 = {app.base_points + 10}点")
