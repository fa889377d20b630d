"""The accounts app's user error (利用者に示すエラー)."""

from __future__ import annotations

from yakuba.errors import YakubaError


class AccountsError(YakubaError):
    """A step on users, role grants or the second factor that cannot be done; the message says why."""

    code = "accounts.refused"


class WrongCode(AccountsError):
    """The second factor's code does not match (counted toward the lockout)."""

    code = "accounts.wrong_code"
    default_message = "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"
