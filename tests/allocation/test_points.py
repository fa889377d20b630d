"""基準点: work brackets at their boundaries, several 事由, absent guardians, problems, the table file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yakuba.allocation.points import (
    EMPLOYMENT, GUARDIANS, NEEDS, PRESENCE_FIELDS, PointsTableError, base_points, describe,
    load_table,
)

TABLE_PATH = Path(__file__).resolve().parents[2] / "src" / "yakuba" / "profiles" / "midori" / "points.toml"


def guardian(g: str = "guardian1", *, needs: tuple[str, ...] = ("work",), days: str = "5",
             hours: str = "8", emp: str = "regular", name: str = "架空 太郎") -> dict[str, str]:
    """A filled-in guardian block, every checkbox present ("1"/"0") as the intake writes them."""
    f = {f"{g}_name": name, f"{g}_kana": "カクウ タロウ", f"{g}_relation": "父",
         f"{g}_employer": "架空商事", f"{g}_days": days, f"{g}_hours": hours}
    f |= {f"{g}_emp_{e}": "1" if e == emp else "0" for e in EMPLOYMENT}
    f |= {f"{g}_need_{n}": "1" if n in needs else "0" for n in NEEDS}
    return f


def empty(g: str = "guardian2") -> dict[str, str]:
    f = {f"{g}_{s}": "" for s in PRESENCE_FIELDS}
    f |= {f"{g}_emp_{e}": "0" for e in EMPLOYMENT}
    f |= {f"{g}_need_{n}": "0" for n in NEEDS}
    return f


def g1_points(**kw: object) -> int:
    """Guardian 1's line alone (guardian 2 present and working full time)."""
    p = base_points(guardian("guardian1", **kw) | guardian("guardian2", name="架空 花子"))  # type: ignore[arg-type]
    assert p.problems == ()
    return p.lines[0].points


def test_it_scores_the_top_bracket_and_explains_it():
    p = base_points(guardian("guardian1") | guardian("guardian2", name="架空 花子"))
    assert p.total == 40 and p.problems == ()
    assert p.lines[0].reason == "就労（週5日・1日8時間以上）"
    assert describe(p) == ("保護者1 就労（週5日・1日8時間以上）20点 + "
                           "保護者2 就労（週5日・1日8時間以上）20点 = 40点")


@pytest.mark.parametrize(("days", "hours", "points"), [
    ("5", "8", 20), ("5", "7", 18),  # 8 hours exactly vs one below
    ("7", "24", 20),
    ("5", "6", 18), ("5", "5", 16),
    ("4", "8", 18), ("4", "6", 16), ("4", "5", 14), ("4", "4", 14), ("4", "3", 0),
    ("3", "8", 16), ("3", "6", 14), ("3", "4", 12),  # the minimum bracket
    ("3", "3", 0), ("2", "8", 0), ("1", "1", 0),  # below it
])
def test_it_scores_work_brackets_at_their_boundaries(days: str, hours: str, points: int):
    assert g1_points(days=days, hours=hours) == points


def test_it_labels_below_the_minimum_without_a_problem():
    p = base_points(guardian(days="2", hours="8") | empty())
    assert p.lines[0].reason == "就労（下限未満）" and p.lines[0].points == 0
    assert p.problems == () and p.total == 20


def test_it_reads_full_width_digits():
    assert g1_points(days="５", hours="０８") == 20


def test_it_takes_the_highest_of_several_reasons():
    assert g1_points(needs=("work", "illness"), days="3", hours="4") == 20  # 疾病 20 > 就労 12
    assert g1_points(needs=("work", "jobseeking"), days="5", hours="8") == 20  # 就労 20 > 求職 8
    assert g1_points(needs=("birth", "jobseeking", "study")) == 18
    p = base_points(guardian(needs=("care", "study")) | empty())
    assert p.lines[0].reason == "介護・看護" and p.lines[0].points == 16
    # below the work minimum, another ticked reason still counts
    assert g1_points(needs=("work", "jobseeking"), days="2", hours="3") == 8


def test_it_counts_an_empty_guardian_block_as_absent():
    p = base_points(guardian() | empty("guardian2"))
    assert p.total == 40 and p.problems == ()
    assert p.lines[1].guardian == "guardian2" and p.lines[1].reason == "不在（ひとり親等）"
    assert describe(p) == "保護者1 就労（週5日・1日8時間以上）20点 + 保護者2 不在（ひとり親等）20点 = 40点"
    # keys missing altogether count as empty too
    assert base_points(guardian()).total == 40


def test_it_does_not_count_a_block_with_only_a_tick_as_absent():
    f = guardian() | empty() | {"guardian2_need_jobseeking": "1"}
    p = base_points(f)
    assert p.lines[1].points == 8 and p.total == 28


def test_it_reports_a_problem_when_both_guardians_are_empty():
    p = base_points(empty("guardian1") | empty("guardian2"))
    assert p.total == 0 and p.problems == ("保護者の記入がありません",)


def test_it_reports_work_without_days_as_a_problem():
    p = base_points(guardian(days="") | empty())
    assert p.lines[0].points == 0 and p.total == 20
    assert len(p.problems) == 1 and "保護者1" in p.problems[0] and "就労日数" in p.problems[0]
    assert "要確認" in describe(p)


@pytest.mark.parametrize(("days", "hours", "what"), [
    ("5", "", "就労時間"), ("0", "8", "就労日数"), ("8", "8", "就労日数"), ("5", "25", "就労時間"),
    ("5", "8h", "就労時間"),
])
def test_it_reports_bad_days_or_hours_as_a_problem(days: str, hours: str, what: str):
    p = base_points(guardian(days=days, hours=hours) | guardian("guardian2", name="架空 花子"))
    assert p.lines[0].points == 0 and p.total == 20
    assert len(p.problems) == 1 and what in p.problems[0]


def test_it_reports_a_guardian_without_a_reason():
    p = base_points(guardian(needs=()) | empty())
    assert p.lines[0].points == 0 and "事由" in p.problems[0]


def test_it_ignores_work_details_when_work_is_not_ticked():
    # on 産休: employer and hours written, only 出産 ticked
    assert g1_points(needs=("birth",), days="", hours="") == 18


def test_it_applies_employment_adjustments_from_the_table(tmp_path: Path):
    text = TABLE_PATH.read_text(encoding="utf-8").replace(
        'self = { label = "自営", adjust = 0 }', 'self = { label = "自営", adjust = -2 }')
    path = tmp_path / "points.toml"
    path.write_text(text, encoding="utf-8")
    table = load_table(path)
    p = base_points(guardian(emp="self") | empty(), table)
    assert p.lines[0].points == 18 and p.lines[0].reason == "就労（週5日・1日8時間以上）・自営-2"
    assert base_points(guardian(emp="regular") | empty(), table).lines[0].points == 20
    # the types now differ: with none ticked the score is not reliable
    p = base_points(guardian(emp="none") | empty(), table)
    assert p.lines[0].points == 0 and "就労形態" in p.problems[0]
    # the demo table scores every type the same: a missing tick changes nothing
    assert base_points(guardian(emp="none") | empty()).problems == ()


def test_it_loads_the_demo_table():
    table = load_table()
    assert table is load_table()  # cached
    assert table.absent.points == 20 and table.reasons["jobseeking"].points == 8
    assert min(b.points for b in table.brackets) == 12
    assert load_table(TABLE_PATH).brackets == table.brackets


@pytest.mark.parametrize(("old", "new", "key"), [
    ("points = 8\n", 'points = "8"\n', "reasons.jobseeking.points"),
    ("[reasons.care]", "[reasons.kaigo]", "reasons.kaigo"),
    ("{ min_days = 3, min_hours = 4, points = 12 }", "{ min_days = 3, min_hours = 4 }",
     "work.brackets[8].points"),
    ("{ min_days = 3, min_hours = 4, points = 12 }", "{ min_days = 9, min_hours = 4, points = 12 }",
     "work.brackets[8].min_days"),
    ("{ min_days = 4, min_hours = 6, points = 16 }", "{ min_days = 4, min_hours = 6, points = 11 }",
     "work.brackets[4]"),
    ('label = "就労（週{days}日・1日{hours}時間以上）"', 'label = "就労（週{day}日）"', "work.label"),
    ("[absent]\nlabel", "[absent]\nname", "absent.name"),
    ('other = { label = "その他", adjust = 0 }\n', "", "work.employment.other"),
])
def test_it_refuses_a_malformed_table_naming_the_key(tmp_path: Path, old: str, new: str, key: str):
    text = TABLE_PATH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "city.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PointsTableError) as info:
        load_table(path)
    assert str(path) in str(info.value) and key in str(info.value)


def test_it_refuses_a_table_that_is_not_toml(tmp_path: Path):
    path = tmp_path / "broken.toml"
    path.write_text("[work\nlabel = ", encoding="utf-8")
    with pytest.raises(PointsTableError, match="TOML"):
        load_table(path)
    with pytest.raises(PointsTableError, match="missing.toml"):
        load_table(tmp_path / "missing.toml")


# --------------------------------------------------------------------------- properties

_values = st.sampled_from(["", "0", "1", "3", "5", "8", "12", "25", "x", "５"])
_fields = st.dictionaries(
    st.sampled_from(sorted(set(guardian("guardian1")) | set(guardian("guardian2")))), _values)


@settings(max_examples=300, deadline=None)
@given(_fields)
def test_it_totals_the_lines_for_any_form(fields: dict[str, str]):
    p = base_points(fields)
    assert [x.guardian for x in p.lines] == list(GUARDIANS)
    assert p.total == sum(x.points for x in p.lines)
    assert all(x.points >= 0 for x in p.lines)
    assert describe(p).count("点") >= 1


@settings(max_examples=300, deadline=None)
@given(days=st.integers(1, 6), hours=st.integers(1, 23), emp=st.sampled_from(EMPLOYMENT),
       other=st.sampled_from(["absent", "work", "birth", "jobseeking"]))
def test_it_never_scores_less_for_more_work(days: int, hours: int, emp: str, other: str):
    g2 = empty() if other == "absent" else guardian("guardian2", needs=(other,), name="架空 花子")

    def score(d: int, h: int) -> int:
        p = base_points(guardian(days=str(d), hours=str(h), emp=emp) | g2)
        assert p.problems == () and p.total == sum(x.points for x in p.lines)
        return p.total

    here = score(days, hours)
    assert score(days + 1, hours) >= here
    assert score(days, hours + 1) >= here
    assert score(days + 1, hours + 1) >= here


def test_it_imports_without_django():
    code = 'import sys, yakuba.allocation.points; assert "django" not in sys.modules, "django imported"'
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr


def test_it_reports_a_five_thousand_digit_hours_cell_as_a_problem():
    p = base_points(guardian(hours="8" * 5000) | empty())
    assert p.lines[0].points == 0 and any("就労時間" in problem for problem in p.problems)
