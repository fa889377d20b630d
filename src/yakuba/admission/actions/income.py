"""所得割額 per 宛名番号 from the tax system's CSV, onto the 住民記録 (the 保育料階層 and tie-breaks)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Resident
from yakuba.allocation.rules import IncomeCsvError, read_income_csv
from yakuba.allocation.tables import InMemory
from yakuba.audit.log import record


@dataclass(frozen=True)
class IncomeImport:
    residents: int
    unknown: int
    """宛名番号 of the file with no resident here (not stored)."""


def do_import_income(path: Path | InMemory, user: Any, *, year: int, request: Any = None) -> IncomeImport:
    """所得割額 per 宛名番号 from the tax system's CSV (UTF-8 or Shift_JIS; `read_income_csv`).

    Audited with counts only (category `income`), never an amount.
    """
    try:
        amounts = read_income_csv(path)
    except IncomeCsvError as exc:
        raise AdmissionError(f"所得割額のファイルを読めません: {exc}") from None
    with transaction.atomic():
        residents = list(Resident.objects.filter(atena_number__in=list(amounts)))
        for r in residents:
            r.income_tax_amount, r.income_year = amounts[r.atena_number], year
        Resident.objects.bulk_update(residents, ["income_tax_amount", "income_year"], batch_size=500)
        result = IncomeImport(len(residents), len(amounts) - len(residents))
        record("admission.income.imported", request=request, actor=user, target_type="admission.resident",
               categories=["income"], detail={"residents": result.residents, "unknown": result.unknown, "year": year})
    return result
