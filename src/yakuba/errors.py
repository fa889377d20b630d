"""The one family of user errors (利用者に示すエラー). Pure: no Django.

Every error that a person can cause or fix — bad input, a refused action, a tampered package, a
missing setting — is a ``YakubaError``. The cores (``privacy``, ``zengin``, ``allocation``,
``ocr``, ``relay``) and the Django apps derive their own kinds from it, and it is turned into
what the person sees in exactly two places:

- the ``yakuba`` command (``yakuba.cli.main``): one line on stderr, exit with ``exit_code``;
- the web (``yakuba.web.user_errors``): the message shown on the page the person came from.

Each error carries

- ``message`` — one line in Japanese, fit to show to staff, naming what failed;
- ``where`` — the same "what" in machine form (a file, ``"record 7"``, ``"row 3"``, a field), or None;
- ``detail`` — optional English detail for logs and developers;
- ``code`` — a short stable name of the kind, for logs and tests (``"privacy.tampered"``);
- ``exit_code`` — what the command exits with (the README's table; 2 is argparse's usage error).
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["YakubaError", "EnvironmentProblem", "UsageError", "EXIT_OK", "EXIT_FAIL", "EXIT_USAGE"]

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class YakubaError(Exception):
    """Base of every error that a user can cause or fix; never a bug."""

    exit_code: ClassVar[int] = EXIT_FAIL
    code: ClassVar[str] = "error"
    default_message: ClassVar[str] = "処理できませんでした"

    def __init__(
        self, message: str | None = None, *, where: str | None = None, detail: str | None = None
    ) -> None:
        self.message: str = message or self.default_message
        self.where: str | None = where
        self.detail: str | None = detail
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.detail:
            return f"{self.message} ({self.detail})"
        return self.message

    def one_line(self) -> str:
        """The message as one line (what the CLI prints and the web shows)."""
        return " ".join(str(self).split())


class EnvironmentProblem(YakubaError):
    """The installation is not ready: the database unreachable or not migrated, a bad setting."""

    code = "environment"
    default_message = "実行環境の準備ができていません"


class UsageError(YakubaError):
    """A command-line option with a value the command cannot use (``--dpi 0``, ``--today 2024-13-45``,
    an unknown ``--engine``): exit 2, as argparse's own usage errors."""

    exit_code = EXIT_USAGE
    code = "usage"
    default_message = "指定が正しくありません (bad option)"
