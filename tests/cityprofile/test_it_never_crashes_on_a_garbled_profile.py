"""Whatever bytes a profile's files hold (or a file that is a folder), `yakuba config check` answers
OK or located lines and exit 1 — never a traceback, never an internal error."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.cityprofiles import HERE
from yakuba.cli import main

FILES = ["city.toml", "facilities.csv", "points.toml", "rules.toml", "ocr.toml", "masking.toml", "debit.toml"]
SAKURANO = HERE / "sakurano"

garble = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.sampled_from(FILES).map(lambda name: (SAKURANO / name).read_bytes() if (SAKURANO / name).exists() else b""),
    st.builds(lambda n: b"7001,a," + b"9" * n + b",1,1,1,1,1\n", st.integers(1, 6000)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), data=garble, cut=st.integers(0, 400), folder=st.booleans())
def test_it_answers_a_line_per_problem(name: str, data: bytes, cut: int, folder: bool, capsys) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "p"
        shutil.copytree(SAKURANO, profile)
        target = profile / name
        if folder:
            target.unlink(missing_ok=True)
            target.mkdir()
        else:
            original = target.read_bytes() if target.exists() else b""
            target.write_bytes(original[:cut] + data)
        code = main(["config", "check", str(profile)])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "Traceback" not in err and "内部エラー" not in err
    if code == 1:
        assert err and all(line.startswith("yakuba config: ") for line in err.splitlines())
    else:
        assert out.startswith("OK:")
