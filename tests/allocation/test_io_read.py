"""Reading an admission round: encodings, .xlsx, headers, IDs, numbers, households (contract §2–§5)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yakuba.allocation.io import normalize_id, parse_int, read_instance, read_instance_dir

from .tables import (
    CHILDREN_HEADER,
    DAYCARES_HEADER,
    base_children,
    base_combinations,
    base_daycares,
    example_children,
    example_daycares,
    set_cell,
    write_csv,
    write_round,
    write_xlsx,
)


def same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.children == b.children
    assert dict(a.facilities) == dict(b.facilities)
    assert a.households == b.households
    assert a.combinations == b.combinations


def test_example_of_section_9(tmp_path: Path) -> None:
    inst = read_instance_dir(write_round(tmp_path, example_children(), example_daycares()))
    assert [c.id for c in inst.children] == ["2001", "2002", "2003", "2004"]
    s1 = inst.households[0]
    assert s1.id == "S1" and s1.members == (0, 1)
    assert s1.options == (("101", "101"), ("102", "102"))
    assert s1.may_be_unplaced
    assert [h.options for h in inst.households[1:]] == [(("101",),), (("102",),)]
    assert inst.seats("101", 1) == 1 and inst.seats("101", 0) == 0
    assert inst.facilities["102"].name == "B園"
    assert inst.facilities["102"].capacity == (0, 1, 0, 1, 0, 0)
    assert inst.source["children"].endswith("children.csv")


def test_paths_given_separately(tmp_path: Path) -> None:
    c = write_csv(tmp_path / "kids.csv", example_children())
    d = write_csv(tmp_path / "nurseries.csv", example_daycares())
    same(read_instance(c, d), read_instance_dir(write_round(tmp_path / "dir", example_children(), example_daycares())))
    assert read_instance(str(c), str(d)).children[0].id == "2001"


@pytest.mark.parametrize("fmt", ["utf-8-sig", "cp932", "xlsx"])
def test_encodings_and_xlsx_give_the_same_instance(tmp_path: Path, fmt: str) -> None:
    children, daycares, combos = base_children(), base_daycares(), base_combinations()
    set_cell(children, 2, "点数", 12)
    reference = read_instance_dir(write_round(tmp_path / "utf8", children, daycares, combos))
    other = read_instance_dir(write_round(tmp_path / fmt, children, daycares, combos, fmt=fmt))
    same(reference, other)


def test_xlsx_numbers_as_floats_and_numeric_ids(tmp_path: Path) -> None:
    """Spreadsheets store numbers as floats: 3.0 is 3, ID 1101.0 is '1101' (§2.2)."""
    children = [CHILDREN_HEADER,
                [2001.0, 7.0, 3.0, 81.0, 1.0, None, 101.0, 102],
                [2002, 7, 1, 81, 1, None, 101, 102.0]]
    daycares = [DAYCARES_HEADER, [101.0, "A園", 0, 1.0, 0, 1, 0, 0], [102, "B園", 0, 1, 0, 1, 0, 0]]
    write_xlsx(tmp_path / "children.xlsx", children)
    write_xlsx(tmp_path / "daycares.xlsx", daycares)
    inst = read_instance_dir(tmp_path)
    assert [(c.id, c.household, c.age, c.points, c.pattern, c.wishes) for c in inst.children] == [
        ("2001", "7", 3, 81, 1, ("101", "102")),
        ("2002", "7", 1, 81, 1, ("101", "102")),
    ]
    assert inst.households[0].options == (("101", "101"), ("102", "102"))
    assert inst.facilities["101"].capacity == (0, 1, 0, 1, 0, 0)


def test_xlsx_first_sheet_only_and_spreadsheet_rows(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([])  # row 1 blank: the header is the first row with something in it
    for row in example_children():
        ws.append([None if v == "" else v for v in row])
    other = wb.create_sheet("メモ")
    other.append(["ignored"])
    wb.save(tmp_path / "children.xlsx")
    write_csv(tmp_path / "daycares.csv", example_daycares())
    inst = read_instance_dir(tmp_path)
    assert [c.row for c in inst.children] == [3, 4, 5, 6]


def test_headers_nfkc_trimmed_any_order_unknown_ignored(tmp_path: Path) -> None:
    children = [["区", " 第２希望施設", "第１希望施設 ", "在籍施設ＩＤ", "きょうだいパターン", "点数", "年齢", "世帯番号", "申請者番号"],
                ["北区", "102", "101", "", "", "81", "3", "S1", "2001"]]
    daycares = [["施設種別", "５歳定員", "４歳定員", "３歳定員", "２歳定員", "１歳定員", "０歳定員", "施設名", "施設ＩＤ"],
                ["認可", 0, 0, 1, 0, 1, 0, "A園", "101"],
                ["認可", 0, 0, 2, 0, 1, 0, "B園", "102"]]
    inst = read_instance_dir(write_round(tmp_path, children, daycares))
    c = inst.children[0]
    assert (c.id, c.household, c.age, c.points, c.wishes) == ("2001", "S1", 3, 81, ("101", "102"))
    assert inst.facilities["102"].capacity == (0, 1, 0, 2, 0, 0)


def test_ids_trimmed_exact_leading_zeros_and_trailing_dot_zero(tmp_path: Path) -> None:
    daycares = [DAYCARES_HEADER, ["0000200005", "A", 1, 1, 1, 1, 1, 1], ["200005", "B", 1, 1, 1, 1, 1, 1],
                ["1101.0", "C", 1, 1, 1, 1, 1, 1]]
    children = [CHILDREN_HEADER,
                [" 0042 ", " h1 ", 0, 1, "", "", " 0000200005", "200005 "],
                ["42.0", "h2", 0, 1, "", "", "1101", ""]]
    inst = read_instance_dir(write_round(tmp_path, children, daycares))
    assert set(inst.facilities) == {"0000200005", "200005", "1101"}
    assert [(c.id, c.household, c.wishes) for c in inst.children] == [
        ("0042", "h1", ("0000200005", "200005")), ("42", "h2", ("1101",))]


def test_row_order_kept_not_sorted(tmp_path: Path) -> None:
    children = [CHILDREN_HEADER] + [[cid, f"h{cid}", 2, 50, "", "", "F1", ""] for cid in ["9", "3", "7", "1"]]
    inst = read_instance_dir(write_round(tmp_path, children, base_daycares()))
    assert [(c.index, c.row, c.id) for c in inst.children] == [(0, 2, "9"), (1, 3, "3"), (2, 4, "7"), (3, 5, "1")]
    assert [h.id for h in inst.households] == ["h9", "h3", "h7", "h1"]


def test_blank_wishes_skipped_repeats_dropped_blank_rows_ignored(tmp_path: Path) -> None:
    header = CHILDREN_HEADER + ["第3希望施設", "第4希望施設"]
    children = [header, ["c1", "h1", 0, 5, "", "", "", "F2", "F2", "F1"], ["", "", "", "", "", "", "", "", "", ""],
                ["c2", "h2", 0, 5, "", "", "F1", "", "", ""]]
    inst = read_instance_dir(write_round(tmp_path, children, base_daycares()))
    assert inst.children[0].wishes == ("F2", "F1")
    assert inst.children[0].rank_of("F1") == 2
    assert inst.children[1].row == 4


def test_full_width_digits_and_integral_decimals_are_integers(tmp_path: Path) -> None:
    children = base_children()
    set_cell(children, 2, "年齢", "０")
    set_cell(children, 2, "点数", "３.0")
    set_cell(children, 3, "点数", "-4")
    set_cell(children, 4, "点数", "-4")
    inst = read_instance_dir(write_round(tmp_path, children, base_daycares()))
    assert (inst.children[0].age, inst.children[0].points, inst.children[1].points) == (0, 3, -4)


def test_points_per_wish(tmp_path: Path) -> None:
    header = ["申請者番号", "世帯番号", "年齢", "第1希望点数", "第2希望点数", "第3希望点数", "きょうだいパターン",
              "在籍施設ID", "第1希望施設", "第2希望施設", "第3希望施設"]
    children = [header,
                ["c1", "h1", 0, 30, "", 45, "", "", "F1", "", "F2"],
                ["c2", "h2", 0, 20, 25, "", "", "", "F2", "F2", "F1"]]
    inst = read_instance_dir(write_round(tmp_path, children, base_daycares()))
    c1, c2 = inst.children
    assert (c1.points, c1.wishes, c1.wish_points) == (30, ("F1", "F2"), (30, 45))
    assert (c1.points_at("F1"), c1.points_at("F2"), c1.points_at("F3")) == (30, 45, 30)
    # F2 named again as wish 2: ignored, with its 第2希望点数; F1 is wish 3 (points: the child's).
    assert (c2.wishes, c2.wish_points) == (("F2", "F1"), (20, None))
    assert c2.points_at("F1") == 20
    plain = read_instance_dir(write_round(tmp_path / "plain", base_children(), base_daycares()))
    assert plain.children[0].wish_points == ()


def test_households_member_order_transfer_and_seats(tmp_path: Path) -> None:
    children = [CHILDREN_HEADER,
                ["y", "h", 1, 10, 5, "", "F1", "F2"],
                ["o", "h", 4, 10, 5, "F3", "F1", "F2"],
                ["y2", "h", 1, 10, 5, "", "F2", ""],
                ["s", "s", 4, 10, "", "F3", "F2", ""]]
    inst = read_instance_dir(write_round(tmp_path, children, base_daycares()))
    h, s = inst.households
    assert h.members == (1, 0, 2)  # oldest first, equal ages in row order (§5.1)
    assert not h.may_be_unplaced and not s.may_be_unplaced
    assert h.options[-1] == ("F3", None, None)
    assert s.options == (("F2",), ("F3",))
    assert inst.seats("F3", 4) == 2 and inst.seats("F3", 1) == 0
    assert inst.household_of == {0: 0, 1: 0, 2: 0, 3: 1}


def test_combination_table_gives_the_options(tmp_path: Path) -> None:
    combos = [["ファミリーコード", "総当たり順位", "宛名コード1", "希望施設1", "宛名コード2", "希望施設2", "備考"],
              ["h2", 3, "c3", "F1", "", "", "c2 は入れない"],
              ["h2", 1, "c2", "F1", "c3", "F2"],
              ["h2", 2, "c3", "F3", "c2", "F3"],  # not among the wishes: allowed (§5.5)
              ["h1", 1, "c1", "F2", "", ""]]  # single-child household: ignored
    inst = read_instance_dir(write_round(tmp_path, base_children(), base_daycares(), combos))
    h2 = inst.households[1]
    assert h2.members == (1, 2)
    assert h2.options == (("F1", "F2"), ("F3", "F3"), (None, "F1"))
    assert inst.households[0].options == (("F1",), ("F2",))
    assert sorted(r.rank for r in inst.combinations) == [1, 2, 3]
    assert all(r.household == "h2" for r in inst.combinations)


def test_combination_household_may_leave_its_pattern_blank(tmp_path: Path) -> None:
    children = base_children()
    set_cell(children, 3, "きょうだいパターン", "")
    set_cell(children, 4, "きょうだいパターン", "")
    set_cell(children, 4, "第1希望施設", "F3")  # no common wish: fine, the pattern is not used
    set_cell(children, 4, "第2希望施設", "")
    inst = read_instance_dir(write_round(tmp_path, children, base_daycares(), base_combinations()))
    assert inst.households[1].options == (("F1", "F2"), ("F2", None))


def test_combination_transfer_child_with_stay_row(tmp_path: Path) -> None:
    children = base_children()
    set_cell(children, 3, "在籍施設ID", "F3")
    combos = [base_combinations()[0], ["h2", 1, "c2", "F1", "c3", "F2"], ["h2", 2, "c2", "F3", "c3", ""]]
    inst = read_instance_dir(write_round(tmp_path, children, base_daycares(), combos))
    h2 = inst.households[1]
    assert h2.options == (("F1", "F2"), ("F3", None)) and not h2.may_be_unplaced


def test_utf8_preferred_when_both_decode(tmp_path: Path) -> None:
    children = base_children()
    set_cell(children, 2, "世帯番号", "世帯１")
    inst = read_instance_dir(write_round(tmp_path, children, base_daycares()))
    assert inst.children[0].household == "世帯１"
    inst2 = read_instance_dir(write_round(tmp_path / "sjis", children, base_daycares(), fmt="cp932"))
    assert inst2.children[0].household == "世帯１"


def test_quoted_cells_rfc4180(tmp_path: Path) -> None:
    (tmp_path / "daycares.csv").write_text(
        '施設ID,施設名,0歳定員,1歳定員,2歳定員,3歳定員,4歳定員,5歳定員\n'
        '"F,1","A園 ""本園""\n分園",1,1,1,1,1,1\n', encoding="utf-8")
    (tmp_path / "children.csv").write_text(
        '申請者番号,世帯番号,年齢,点数,きょうだいパターン,在籍施設ID,第1希望施設\n"c1",h1,0,1,,,"F,1"\n',
        encoding="utf-8")
    inst = read_instance_dir(tmp_path)
    assert inst.facilities["F,1"].name == 'A園 "本園"\n分園'
    assert inst.children[0].wishes == ("F,1",) and inst.children[0].row == 2


@given(st.text(alphabet=st.sampled_from("0123456789AZｱ世 .-"), min_size=1, max_size=12))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_id_round_trip_through_each_format(tmp_path: Path, raw: str) -> None:
    expected = normalize_id(raw)
    if not expected:
        return
    children = [CHILDREN_HEADER, [raw, "h", 0, 1, "", "", "F1", ""]]
    for fmt in ("utf-8", "cp932", "xlsx"):
        d = tmp_path / f"{fmt}-{abs(hash(raw))}"
        inst = read_instance_dir(write_round(d, children, base_daycares(), fmt=fmt))
        assert inst.children[0].id == expected


def test_parse_helpers() -> None:
    assert [parse_int(s) for s in ["3", " ３ ", "3.0", "+2", "－1", "", "3.5", "1e3", "1_000", "3x"]] == [
        3, 3, 3, 2, -1, None, None, None, None, None]
    assert [normalize_id(s) for s in ["1101.0", " 0012 ", "A1.0", "1101.00", "12.5"]] == [
        "1101", "0012", "A1.0", "1101.00", "12.5"]


def test_ten_thousand_children_load_quickly(tmp_path: Path) -> None:
    n_fac = 200
    daycares = [DAYCARES_HEADER] + [[f"D{j:04d}", f"園{j}", 3, 5, 5, 5, 5, 5] for j in range(n_fac)]
    header = CHILDREN_HEADER[:6] + [f"第{k}希望施設" for k in range(1, 11)]
    children: list[list[object]] = [header]
    i = 0
    while i < 10_000:
        size = 2 if i % 10 == 0 else 1
        for m in range(size):
            wishes = [f"D{(i * 7 + k * 13) % n_fac:04d}" for k in range(10)]
            children.append([f"{i + m:06d}", f"H{i}", (i + m) % 6, (i * 37) % 100, 5 if size > 1 else "",
                             "", *wishes])
        i += size
    write_round(tmp_path, children, daycares)
    start = time.perf_counter()
    inst = read_instance_dir(tmp_path)
    elapsed = time.perf_counter() - start
    assert len(inst.children) == 10_000
    assert elapsed < 4.0, elapsed  # about 1 s on a laptop


_ids = st.text(alphabet=st.sampled_from("0123456789ABｱ世帯"), min_size=1, max_size=6)


@st.composite
def rounds(draw):  # type: ignore[no-untyped-def]
    """A small valid round whose cells have Python types, as a spreadsheet would keep them."""
    facilities = ["0101", "102", "Ｆ3", "施設4"]
    daycares = [DAYCARES_HEADER] + [[f, f"園{f}", *draw(st.lists(st.integers(0, 9), min_size=6, max_size=6))]
                                    for f in facilities]
    ids = draw(st.lists(_ids, min_size=1, max_size=8, unique_by=normalize_id).filter(
        lambda xs: all(normalize_id(x) for x in xs)))
    children: list[list[object]] = [CHILDREN_HEADER + ["第3希望施設"]]
    for cid in ids:
        current = draw(st.sampled_from(["", "", "102"]))
        wishes = draw(st.lists(st.sampled_from([f for f in facilities if f != current]), min_size=1, max_size=3))
        wishes += [""] * (3 - len(wishes))
        children.append([cid, f"世帯{cid}", draw(st.integers(0, 5)), draw(st.integers(-5, 300)), "", current, *wishes])
    return children, daycares


@given(rounds())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_rounds_read_alike_in_every_format(tmp_path: Path, tables) -> None:  # type: ignore[no-untyped-def]
    children, daycares = tables
    key = abs(hash(repr(tables)))
    read = [read_instance_dir(write_round(tmp_path / f"{fmt}-{key}", children, daycares, fmt=fmt))
            for fmt in ("utf-8", "utf-8-sig", "cp932", "xlsx")]
    for other in read[1:]:
        same(read[0], other)
