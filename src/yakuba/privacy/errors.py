"""The privacy core's own exceptions (個人情報保護コアの例外), of the one family ``yakuba.errors.YakubaError``.

Every exception carries

- ``message`` — one line in Japanese, fit to show a user (職員・委託先の担当者), naming what failed:
  a file inside a package, a chunk of an encrypted file, a field of a certificate, an audit entry;
- ``where`` — the same "what" in machine form (``"files/scan-0001.png"``, ``"chunk 3"``,
  ``"field operator"``), or ``None``;
- ``detail`` — optional English detail for logs and developers.

The CLI prints ``str(error)`` as one line and exits with ``error.exit_code``:

=====================  =========  ====================================================
exception              exit code  meaning
=====================  =========  ====================================================
PrivacyError           1          any other failure of the privacy core (bad input)
KeyringError           3          the keyring is missing, incomplete, unreadable
DecryptionError        4          a key does not open the data (wrong key, wrong id)
TamperedError          5          a signature, a hash, a size or the format is wrong
WrongRecipientError    6          a package is not addressed to this organisation/key
ReplayError            7          a package was already accepted, or is older
CertificateError       8          an erasure certificate is forged, altered or garbled
=====================  =========  ====================================================

Exit code 2 is left to argument errors (argparse's convention).
"""

from __future__ import annotations

from typing import ClassVar

from yakuba.errors import YakubaError

__all__ = [
    "PrivacyError",
    "KeyringError",
    "DecryptionError",
    "TamperedError",
    "WrongRecipientError",
    "ReplayError",
    "CertificateError",
]


class PrivacyError(YakubaError):
    """Base of every error the privacy core raises on bad input or bad data."""

    exit_code: ClassVar[int] = 1
    code: ClassVar[str] = "privacy"
    default_message: ClassVar[str] = "個人情報保護の処理に失敗しました"



class KeyringError(PrivacyError):
    """The keyring (鍵束) cannot be opened, created, backed up or restored."""

    exit_code = 3
    default_message = "鍵束を開けません"


class DecryptionError(PrivacyError):
    """The key at hand does not open the data (誤った鍵・誤った対象ID)."""

    exit_code = 4
    default_message = "復号できません"


class TamperedError(PrivacyError):
    """Signature, hash, size or format check failed: the data was altered (改ざん) or is garbled."""

    exit_code = 5
    default_message = "データが改ざんされているか、壊れています"


class WrongRecipientError(DecryptionError):
    """A hand-over package (受け渡しパッケージ) is not for this organisation or this key."""

    exit_code = 6
    default_message = "この受け渡しパッケージは当組織宛てではありません"


class ReplayError(PrivacyError):
    """A package was already accepted, or its sequence number is not newer (再送・リプレイ)."""

    exit_code = 7
    default_message = "この受け渡しパッケージは受け入れ済みか、古いものです"


class CertificateError(PrivacyError):
    """An erasure certificate (消去証明書) is forged, altered or garbled."""

    exit_code = 8
    default_message = "消去証明書を検証できません"
