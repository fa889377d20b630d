"""Shared by the account commands: print a new device's secret once, and nothing else of it."""

from __future__ import annotations

from typing import Any

from yakuba.accounts.actions.factor import do_enroll


def enroll_and_show(command: Any, user: Any) -> None:
    """A new confirmed TOTP device for `user` (the old one removed), its secret on stdout once."""
    device, secret = do_enroll(user, None, name="shell")
    out = command.stdout
    out.write(f"二段階認証の端末を登録しました: {user.get_username()}")
    out.write(f"  秘密鍵 (base32, TOTP 30秒・6桁): {secret}")
    out.write(f"  認証アプリ用 URI: {device.config_url}")
    out.write("  この秘密鍵はここに一度だけ表示されます。認証アプリに登録したら、この画面を閉じてください。")
