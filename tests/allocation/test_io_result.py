"""The result table (contract §8): writing it, and reading it back for `check`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yakuba.allocation.errors import InputError
from yakuba.allocation.io import format_result, read_instance_dir, read_result, write_result
from yakuba.allocation.model import Instance

from .tables import CHILDREN_HEADER, base_children, base_daycares, example_children, example_daycares, write_round


@pytest.fixture
def example(tmp_path: Path) -> Instance:
    return read_instance_dir(write_round(tmp_path / "in", example_children(), example_daycares()))


@pytest.fixture
def base(tmp_path: Path) -> Instance:
    return read_instance_dir(write_round(tmp_path / "base", base_children(), base_daycares()))


def test_example_result_bytes(tmp_path: Path, example: Instance) -> None:
    out = tmp_path / "result.csv"
    write_result(out, example, ["102", "102", "101", None])
    assert out.read_bytes() == b"child_id,daycare_id\n2001,102\n2002,102\n2003,101\n2004,\n"
    assert read_result(out, example) == ["102", "102", "101", None]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "result.csv"]  # no temporary file left


def test_streams_text_and_binary(example: Instance) -> None:
    text, raw = io.StringIO(), io.BytesIO()
    write_result(text, example, ["101", None, None, "102"])
    write_result(raw, example, ["101", None, None, "102"])
    assert text.getvalue() == "child_id,daycare_id\n2001,101\n2002,\n2003,\n2004,102\n"
    assert raw.getvalue() == text.getvalue().encode("utf-8")
    assert not raw.getvalue().startswith(b"\xef\xbb\xbf")


def test_input_row_order_and_ids_as_given(tmp_path: Path) -> None:
    children = [CHILDREN_HEADER, ["0009", "a", 0, 1, "", "", "F1", ""], ["1", "b", 0, 1, "", "", "F2", ""],
                ["x,\"y\"", "c", 0, 1, "", "", "F1", ""]]
    inst = read_instance_dir(write_round(tmp_path, children, base_daycares()))
    assert format_result(inst, [None, "F2", "F1"]) == 'child_id,daycare_id\n0009,\n1,F2\n"x,""y""",F1\n'


def test_transfer_applicant_keeps_its_current_id(base: Instance) -> None:
    stays = [None, "F1", "F2", "F3"]
    assert format_result(base, stays).splitlines()[-1] == "c4,F3"
    with pytest.raises(ValueError, match="c4"):
        format_result(base, [None, "F1", "F2", None])


def test_bad_allocations_are_refused(base: Instance) -> None:
    with pytest.raises(ValueError):
        format_result(base, [None, None, None])
    with pytest.raises(ValueError, match="F9"):
        format_result(base, ["F9", None, None, "F3"])


@given(st.lists(st.sampled_from([None, "F1", "F2", "F3"]), min_size=3, max_size=3))
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_round_trip(tmp_path: Path, base: Instance, first: list[str | None]) -> None:
    allocation = first + ["F1"]
    path = tmp_path / "r.csv"
    write_result(path, base, allocation)
    assert read_result(path, base) == allocation


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "result.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_read_result_lenient_layout(tmp_path: Path, example: Instance) -> None:
    path = write(tmp_path, "\ufeffdaycare_id, child_id ,note\r\n101,2003,x\n,2004,\n102,2001\n102.0,2002\n", "utf-8")
    assert read_result(path, example) == ["102", "102", "101", None]


def test_read_result_errors_located(tmp_path: Path, example: Instance) -> None:
    path = write(tmp_path, "child_id,daycare_id\n2001,102\n2001,101\n2009,101\n2003,109\n")
    with pytest.raises(InputError) as e:
        read_result(path, example)
    got = {(p.row, p.column, p.value) for p in e.value.problems}
    assert got == {
        (3, "child_id", "2001"),  # duplicate
        (4, "child_id", "2009"),  # unknown child
        (5, "daycare_id", "109"),  # unknown facility
        (None, "child_id", "2002"),  # missing
        (None, "child_id", "2004"),
    }
    text = str(e.value)
    assert "result.csv: row 3, column child_id, value '2001'" in text
    assert "row 2" in [p for p in e.value.problems if p.row == 3][0].message


def test_read_result_missing_header(tmp_path: Path, example: Instance) -> None:
    with pytest.raises(InputError) as e:
        read_result(write(tmp_path, "child,daycare_id\n2001,102\n"), example)
    assert (e.value.problems[0].row, e.value.problems[0].column) == (1, "child_id")
