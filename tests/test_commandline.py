"""Every subcommand's failure is one line on stderr and the documented exit code (yakuba.commandline)."""

import argparse
import errno

import pytest

from yakuba.commandline import EXIT_BUG, EXIT_INTERRUPTED, guarded, write_output
from yakuba.privacy.errors import TamperedError


def _run(exc, capsys, **kw):
    @guarded("yakuba test", **kw)
    def command(args):
        raise exc

    code = command(argparse.Namespace())
    return code, capsys.readouterr().err


def test_it_works(capsys):
    code, err = _run(TamperedError("パッケージが改ざんされています", where="files/a"), capsys)
    assert (code, err) == (5, "yakuba test: パッケージが改ざんされています\n")


@pytest.mark.parametrize("exc, code, words", [
    (FileNotFoundError(errno.ENOENT, "No such file", "in.csv"), 1, "ファイルがありません (no such file): in.csv"),
    (PermissionError(errno.EACCES, "Permission denied", "/out"), 1, "読み書きできません"),
    (MemoryError(), 1, "メモリが足りません"),
    (RuntimeError("oops"), EXIT_BUG, "内部エラー (internal error): RuntimeError: oops"),
])
def test_it_tells_each_failure_in_one_line(exc, code, words, capsys):
    got, err = _run(exc, capsys)
    assert got == code
    assert err.count("\n") == 1 and words in err and "Traceback" not in err


def test_it_stops_quietly_on_ctrl_c(capsys):
    assert _run(KeyboardInterrupt(), capsys) == (EXIT_INTERRUPTED, "")


def test_it_prints_each_located_problem_on_its_own_line(capsys):
    from yakuba.allocation.errors import InputError, Problem

    problems = [Problem("children.csv", 2, "id", "x", "重複"), Problem("children.csv", 5, None, None, "空")]
    code, err = _run(InputError(problems), capsys, lines=True)
    assert code == 1
    assert err.splitlines() == ["yakuba test: children.csv: row 2, column id, value 'x': 重複",
                                "yakuba test: children.csv: row 5: 空"]


def test_an_output_is_written_whole(tmp_path, capsysbinary):
    write_output(b"data", str(tmp_path / "out.bin"))
    assert (tmp_path / "out.bin").read_bytes() == b"data"
    write_output(b"to stdout", "-")
    assert capsysbinary.readouterr().out == b"to stdout"
