"""The 個人情報ファイル簿 is drawn from the code: every declared personal-data field of every installed model
is a 記録項目 of exactly one file; a field whose model no file names is refused, by name."""

from __future__ import annotations

import pytest

from yakuba.council.register import RegisterError, build, load_files
from yakuba.council.outputs import current_register
from yakuba.personal import declared_fields


def test_it_works() -> None:
    register = current_register()
    in_files = [i.field for f in register.files for i in f.items]
    declared = sorted(d.label for d in declared_fields())
    assert sorted(in_files) == declared and len(set(in_files)) == len(in_files)
    assert register.city == "みどり市" and not [f.code for f in register.files if f.not_written]
    health = next(f for f in register.files if f.code == "health")
    assert health.sensitive and "健康福祉部 健康増進センター" == health.unit
    assert "health.Checkup.height_cm" in {i.field for i in health.items}


def test_a_field_in_no_file_is_refused() -> None:
    files = [f for f in load_files() if f["code"] != "health"]
    with pytest.raises(RegisterError) as caught:
        build("みどり市", declared_fields(), files=files)
    assert "health.Child.name" in caught.value.one_line()


def test_a_model_in_two_files_is_refused() -> None:
    files = load_files()
    files[0] = {**files[0], "models": [*files[0]["models"], "health.Child"]}
    with pytest.raises(RegisterError) as caught:
        build("みどり市", declared_fields(), files=files)
    assert "health.Child" in caught.value.one_line()
