"""The growth reference and the 問診票 are data files: a broken one is refused with its file and row."""

from __future__ import annotations

from pathlib import Path

import pytest

from yakuba.health import growth, interview
from yakuba.health.errors import HealthError
from yakuba.linkage.checkup import Sex


def test_it_works() -> None:
    ref = growth.load()
    for measure in growth.MEASURES:
        for sex in Sex:
            for months in range(0, 73):
                band = ref.band(measure, sex, months)
                assert band is not None and band.p3 < band.p50 < band.p97
    assert ref.band("weight_kg", Sex.MALE, 80) is None


@pytest.mark.parametrize("edit, where", [
    (lambda t: t.replace("[4, 58.3, 63.9, 67.9]", "[4, 68.3, 63.9, 67.9]"), "[height_cm] male row 5"),
    (lambda t: t.replace("[2, 52.8, 57.9, 61.7], ", ""), None),
    (lambda t: t.replace("[3, 55.8, 61.0, 65.0]", "[1, 55.8, 61.0, 65.0]"), "[height_cm] male row 4"),
    (lambda t: t.replace('weight_kg = [0.8, 40.0]', 'weight_kg = [40.0, 0.8]'), "[limits] weight_kg"),
    (lambda t: t.replace("[height_cm]", "[height]"), "[height_cm] male"),
    (lambda t: t + "\n[[[", None),
])
def test_it_names_the_broken_row(tmp_path: Path, edit, where) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "growth.toml"
    path.write_text(edit(growth.DEFAULT_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    if where is None and "[2, 52.8" not in path.read_text(encoding="utf-8") and "[[[" not in path.read_text(encoding="utf-8"):
        assert growth.load(path)  # one row fewer is still a reference
        return
    with pytest.raises(HealthError) as refused:
        growth.load(path)
    assert where is None or where in str(refused.value)


def test_the_interview_questions_load_and_mark_what_is_sensitive() -> None:
    questions = interview.load()
    assert {q.code for q in questions if q.sensitive} >= {"harsh_discipline", "someone_to_ask"}
    assert all(q.checkups for q in questions)


def test_a_broken_question_is_refused_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "interview.toml"
    path.write_text('[[questions]]\ncode = "a"\ncheckups = ["m3_4"]\ntext = "x"\n\n'
                    '[[questions]]\ncode = "a"\ncheckups = ["m3_4"]\ntext = "y"\n', encoding="utf-8")
    with pytest.raises(HealthError) as refused:
        interview.load(path)
    assert "questions[2]" in str(refused.value)
