"""`yakuba demo --port 99999` and `yakuba serve --workers 0` are usage errors (one line, exit 2)
before anything is set up, not a minute of demo setup ending in a failed bind."""

from __future__ import annotations

import pytest

from tests.badinput.helpers import yakuba


@pytest.mark.parametrize("argv", [
    ["demo", "--port", "99999"], ["demo", "--port", "0"], ["demo", "--port", "http"], ["demo", "--second-port", "0"],
    ["serve", "--port", "-1"], ["serve", "--workers", "0"], ["serve", "--workers", "1000"],
])
def test_it_works(argv: list[str]) -> None:
    ran = yakuba(*argv)
    assert ran.code == 2 and not ran.crashed, ran.err
    assert "の整数で指定してください" in ran.err.splitlines()[-1]
    assert "待ち受けています" not in ran.out
