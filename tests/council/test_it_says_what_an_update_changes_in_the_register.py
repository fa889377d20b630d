"""Two releases' registers compared: a field declared by the newer code shows as a 記録項目 added to its
file, a changed purpose as a change; the same code against its own register: no change. From the command
line: `yakuba council register --format json`, then `--diff OLD.json`."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import run
from yakuba.council.outputs import current_register
from yakuba.council.register import diff, dumps, loads
from yakuba.health.models import Child
from yakuba.privacy.declarations import Category, Declaration


def test_it_works(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    old = loads(dumps(current_register()))
    assert diff(old, current_register()) == []
    monkeypatch.setattr(Child, "PERSONAL_DATA", {
        **Child.PERSONAL_DATA,
        "created_at": Declaration(Category.IDENTIFIER, "乳幼児健診の記録の管理", "5年"),
        "name": Declaration(Category.NAME, "乳幼児健診の実施", "5年")})
    lines = diff(old, current_register())
    assert "記録項目の追加: 「乳幼児健康診査ファイル」に「登録日時」(識別番号, health.Child.created_at)" in lines
    assert any(line.startswith("記録項目の変更: 「乳幼児健康診査ファイル」の「氏名」(health.Child.name)") for line in lines)
    assert any(line.startswith("利用目的の変更: 「乳幼児健康診査ファイル」") for line in lines)


def test_from_the_command_line(tmp_path: Path) -> None:
    assert run(["council", "register", "--format", "json", "--out", str(tmp_path / "r.json")], tmp_path).returncode == 0
    same = run(["council", "register", "--diff", str(tmp_path / "r.json")], tmp_path)
    assert same.returncode == 0 and "変更はありません" in same.stdout
    older = (tmp_path / "r.json").read_text(encoding="utf-8").replace('"field": "health.Child.name_kana"',
                                                                      '"field": "health.Child.old_kana"')
    (tmp_path / "old.json").write_text(older, encoding="utf-8")
    changed = run(["council", "register", "--diff", str(tmp_path / "old.json")], tmp_path)
    assert "記録項目の追加: 「乳幼児健康診査ファイル」に「氏名(カナ)」" in changed.stdout
    assert "記録項目の削除: 「乳幼児健康診査ファイル」から" in changed.stdout
    bad = run(["council", "register", "--diff", str(tmp_path / "missing.json")], tmp_path)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
