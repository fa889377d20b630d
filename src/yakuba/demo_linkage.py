"""The demo's 情報連携 (`yakuba demo`): the hub and the 中間サーバー of two cities on loopback
(`yakuba.linkage.loopback`), みどり市 on its profile with a linkage.toml, its children's 副本 registered,
and a second city — あおば町, fictional, its own installation: process, database and keys — to which one
child has moved. Staff of あおば町 ask みどり市 for the child's checkups; the family's page shows the
exchange with its proofs.

The second city is みどり市's demo profile under another name and code (a copy in
``$YAKUBA_DATA/linkage/profiles/aoba``), with its own data folder ``$YAKUBA_DATA/linkage/aoba-data``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

from yakuba.errors import EnvironmentProblem
from yakuba.linkage.loopback import City, Loopback, Running

__all__ = ["FIRST", "SECOND", "start_services", "register_first_city", "moved_child", "setup_second_city",
           "serve_second_city", "second_city_logins"]

FIRST = City("midori", "みどり市")
SECOND = City("aoba", "あおば町")
SECOND_RENAME = {"name": "あおば町", "code": "199991", "mayor": "あおば町長"}  # 19999: no real municipality


def _loopback(data: Path) -> Loopback:
    return Loopback(data / "linkage", (FIRST, SECOND))


def start_services(data: Path, progress: Callable[[str], None]) -> tuple[Loopback, Running]:
    """Prepare and start the hub and both 中間サーバー; みどり市 (this process) then runs on its profile copy."""
    from yakuba.cityprofile.where import DEMO_PROFILE, ENV

    loop = _loopback(data)
    progress("情報連携: ハブと2市町村の中間サーバーを用意しています (hub and two 中間サーバー on loopback)")
    loop.prepare()
    first = loop.profile(FIRST, DEMO_PROFILE)
    loop.profile(SECOND, DEMO_PROFILE, rename=SECOND_RENAME)
    running = loop.start()
    os.environ[ENV] = str(first)
    from yakuba.cityprofile.load import reload

    reload()
    return loop, running


def register_first_city(progress: Callable[[str], None]) -> int:
    """Register every child's 副本 of みどり市 on its 中間サーバー now (the worker would, a moment later)."""
    from yakuba.accounts.models import User
    from yakuba.health.actions import do_register
    from yakuba.health.linkage import transport
    from yakuba.health.models import Child

    link = transport()
    if link is None:
        raise EnvironmentProblem("みどり市の設定に linkage.toml がありません (no linkage.toml in the demo profile)")
    staff = User.objects.get(username="health")
    progress("情報連携: みどり市の副本を中間サーバーに登録しています")
    count = 0
    try:
        for child in Child.objects.order_by("pk"):
            count += do_register(child, link, actor=staff)
    finally:
        link.close()
    return count


def moved_child() -> dict[str, Any]:
    """The child of みどり市 who moves to あおば町: the first with a 3歳児健診, else the first one."""
    from yakuba.health.models import Child

    child = (Child.objects.filter(checkups__kind="y3").order_by("pk").first()
             or Child.objects.order_by("pk").first())
    if child is None:
        raise EnvironmentProblem("みどり市のデモに乳幼児がいません (the demo city has no children)")
    return {"name": child.name, "name_kana": child.name_kana, "birth_date": child.birth_date.isoformat(),
            "sex": child.sex, "birth_weight_g": child.birth_weight_g}


def _env(loop: Loopback) -> dict[str, str]:
    from yakuba.cityprofile.where import ENV

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"YAKUBA_DATA": str(loop.root / f"{SECOND.id}-data"), ENV: str(loop.profile_dir(SECOND.id))})
    return env


def setup_second_city(data: Path, moved: dict[str, Any], progress: Callable[[str], None]) -> None:
    """あおば町's installation: migrated, its logins, the child who moved in (given on stdin, never a file)."""
    loop = _loopback(data)
    progress(f"情報連携: {SECOND.name}(2つ目の市町村、別のデータベース)を用意しています")
    result = subprocess.run([sys.executable, "-m", "yakuba.cli", "demo", "--second-city", "--no-serve"],
                            input=json.dumps(moved, ensure_ascii=False).encode("utf-8"), env=_env(loop),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = " / ".join(result.stdout.decode("utf-8", "replace").strip().splitlines()[-3:])
        raise EnvironmentProblem(f"{SECOND.name}を用意できません (the second city's setup failed): {tail}")


def second_city_logins(data: Path) -> list[dict]:
    path = _loopback(data).root / f"{SECOND.id}-data" / "demo-logins.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def serve_second_city(data: Path, host: str, port: int) -> subprocess.Popen[bytes]:
    """Serve あおば町 (`yakuba serve`, gunicorn) from its own data folder and profile."""
    return subprocess.Popen([sys.executable, "-m", "yakuba.cli", "serve", "--host", host, "--port", str(port),
                             "--workers", "1"], env=_env(_loopback(data)))
