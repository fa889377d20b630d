"""docs/formats/admission-results.md lists exactly the columns the results CSV has, in order."""

from __future__ import annotations

import re
from pathlib import Path

from yakuba.admission.actions.notices import RESULTS_HEADER

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats" / "admission-results.md"


def test_the_results_format_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("## Columns", 1)[1].split("##", 1)[0]
    assert re.findall(r"^\| `([^`]+)` \|", table, flags=re.M) == RESULTS_HEADER
    assert ",".join(RESULTS_HEADER) in text  # the example's header line
