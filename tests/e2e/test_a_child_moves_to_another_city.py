"""The whole move, end to end, as the demo runs it: `yakuba demo` starts みどり市 (its web server, worker,
SQLite database and keys), the hub and both cities' 中間サーバー (gunicorn, mutual TLS on loopback) and a
second city, あおば町 (its own process, database and keys), to which a child of みどり市 has moved.

あおば町's 健康増進センター logs in (password and TOTP), asks みどり市 for the child's checkups and sees
them; staff print the family's letter; the family opens their page with the one-time code and sees the
exchanges; the verifier command, run as the page tells the family, checks the log published by the city
— the checkpoint signed by the hub and cosigned by both cities — and each of the family's entries."""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from base64 import b32decode
from pathlib import Path

import requests

START_S = 420


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def totp(secret: str) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(b32decode(secret), step=30, digits=6).token():06d}"


def form_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30).text
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def post(session: requests.Session, url: str, form_url: str, data: dict) -> requests.Response:
    return session.post(url, data={"csrfmiddlewaretoken": form_token(session, form_url), **data}, timeout=60)


def log_in(base: str, login: dict) -> requests.Session:
    session = requests.Session()
    response = post(session, f"{base}/login/", f"{base}/login/",
                    {"username": login["username"], "password": login["password"]})
    assert "/login/code/" in response.url, response.url
    response = post(session, response.url, response.url, {"code": totp(login["totp_secret"])})
    assert "/login/" not in response.url, "the second factor was refused"
    return session


def wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"yakuba demo stopped: {log.read_text(errors='replace')[-3000:]}"
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise AssertionError(f"{url} did not answer: {log.read_text(errors='replace')[-3000:]}")


def test_it_works(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "demo.log"
    first, second = free_port(), free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "YAKUBA_CITY_PROFILE", "DJANGO_SETTINGS_MODULE")}
    env.update(YAKUBA_DATA=str(data), PYTHONPATH=str(Path(__file__).parents[2] / "src"))
    with open(log, "wb") as out:
        demo = subprocess.Popen([sys.executable, "-m", "yakuba.cli", "demo", "--port", str(first), "--second-port",
                                 str(second)], stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        a, b = f"http://127.0.0.1:{first}", f"http://127.0.0.1:{second}"
        wait_for(f"{b}/healthz", demo, log)
        wait_for(f"{a}/healthz", demo, log)
        logins = json.loads((data / "linkage" / "aoba-data" / "demo-logins.json").read_text(encoding="utf-8"))
        staff = log_in(b, next(x for x in logins if x["username"] == "health"))

        listing = staff.get(f"{b}/health/", timeout=30).text
        (pk,) = set(re.findall(r'/health/children/(\d+)/', listing))  # the one child who moved in
        child_url = f"{b}/health/children/{pk}/"
        page = staff.get(child_url, timeout=30).text
        assert "転入前の市町村への照会" in page and 'value="midori"' in page
        for kind in ("m3_4", "y3"):
            response = post(staff, f"{child_url}ask/", child_url, {"provider": "midori", "kind": kind})
            assert "の記録を受け取りました" in response.text, re.findall(r'class="notice[^"]*"[^>]*>([^<]+)', response.text)
        page = staff.get(child_url, timeout=30).text
        assert 'data-testid="received-m3_4"' in page and 'data-testid="received-y3"' in page
        assert "みどり市から" in page and "身長" in page

        letter = post(staff, f"{child_url}family-letter/", child_url, {}).text
        code = re.search(r'data-testid="family-code">([A-Z0-9-]+)<', letter).group(1)  # type: ignore[union-attr]
        view_key = re.search(r'data-testid="view-key">([A-Z2-7]+)<', letter).group(1)  # type: ignore[union-attr]

        family = requests.Session()
        records = post(family, f"{b}/family/", f"{b}/family/", {"code": code})
        assert records.url == f"{b}/family/records/", records.url
        rows = re.findall(r'data-entry="(\d+)" data-type="(\w+)"', records.text)
        # each ask (a query and its 提供), and each showing of the child's page after the first ask: one
        # staff read per 事務 received (a page fetched for its form token counts too)
        types = [t for _, t in rows]
        assert [t for t in types if t != "read"] == ["query", "provide", "query", "provide"], rows
        assert types[:3] == ["query", "provide", "read"] and types.count("read") >= 4, rows
        assert records.text.count("包含証明(確認済み)") == len(rows) and "みどり市" in records.text
        command = html.unescape(re.search(r'data-testid="verify-command">([^<]+)<', records.text).group(1))  # type: ignore[union-attr]
        args = shlex.split(command)
        assert args[:3] == ["yakuba", "linkage", "verify"] and f"--view-key" in args and view_key in args
        assert args.count("--witness") == 2  # both cities' witnesses must have cosigned

        deadline, result = time.monotonic() + 60, None
        while time.monotonic() < deadline:  # the hub asks the witnesses every 2 s in the demo
            result = subprocess.run([sys.executable, "-m", "yakuba.cli", *args[1:]], capture_output=True, text=True,
                                    env=env, timeout=60)
            if result.returncode == 0:
                break
            time.sleep(1)
        assert result is not None and result.returncode == 0, result.stderr if result else "not run"
        assert "cosigned by aoba.witness, midori.witness" in result.stdout
        assert f"{len(rows)} entries for this view key" in result.stdout
        assert result.stdout.count("(inclusion proof ok)") == len(rows)

        again = post(requests.Session(), f"{b}/family/", f"{b}/family/", {"code": code})
        assert "このコードは使えません" in again.text  # the code opened the page once
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        try:
            demo.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
