"""所得割額 from the tax system's CSV in Shift_JIS or UTF-8, summed per household; a bad file is refused."""

from __future__ import annotations

import pytest

from tests.admission.conftest import YEAR
from yakuba.admission.actions.income import do_import_income
from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Application, Resident
from yakuba.admission.synthetic import write_income_csv


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["cp932", "utf-8"])
def test_it_imports_income_in_shift_jis(imported, tmp_path, staff, population, encoding) -> None:
    Resident.objects.update(income_tax_amount=None)
    amounts = dict(population.incomes, **{"999999999": 1})  # one 宛名番号 not in the 住民記録
    result = do_import_income(write_income_csv(tmp_path / "in.csv", amounts, encoding=encoding), staff, year=YEAR)
    assert (result.residents, result.unknown) == (len(population.incomes), 1)
    app = Application.objects.filter(guardian2_resident__isnull=False).first()
    assert app.income() == population.incomes[app.guardian1_resident.atena_number] + \
        population.incomes[app.guardian2_resident.atena_number]


@pytest.mark.django_db
def test_it_refuses_a_bad_income_file(staff, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("宛名番号,所得割額\n123,abc\n", encoding="utf-8")
    with pytest.raises(AdmissionError, match="所得割額"):
        do_import_income(bad, staff, year=YEAR)
