"""The core's exceptions: Japanese messages that name what failed, distinct CLI exit codes."""

from __future__ import annotations

import re

from yakuba.privacy import errors
from yakuba.privacy.errors import (
    CertificateError,
    DecryptionError,
    KeyringError,
    PrivacyError,
    ReplayError,
    TamperedError,
    WrongRecipientError,
)

ALL = [PrivacyError, KeyringError, DecryptionError, TamperedError, WrongRecipientError,
       ReplayError, CertificateError]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_it_gives_each_kind_its_own_exit_code() -> None:
    codes = [cls.exit_code for cls in ALL]
    assert PrivacyError.exit_code == 1
    assert len(set(codes)) == len(codes)
    assert 0 not in codes and 2 not in codes  # 0 is success, 2 is argparse's usage error


def test_it_derives_every_kind_from_privacy_error() -> None:
    assert all(issubclass(cls, PrivacyError) for cls in ALL)
    assert issubclass(WrongRecipientError, DecryptionError)
    assert set(errors.__all__) == {cls.__name__ for cls in ALL}


def test_it_has_a_japanese_default_message_for_each_kind() -> None:
    for cls in ALL:
        assert JAPANESE.search(cls().message), cls


def test_it_carries_what_and_where_and_shows_the_detail_after_the_message() -> None:
    error = TamperedError(
        "ファイル files/a.pdf のハッシュ値が違います", where="files/a.pdf", detail="sha256 mismatch"
    )
    assert error.where == "files/a.pdf"
    assert str(error) == "ファイル files/a.pdf のハッシュ値が違います (sha256 mismatch)"
    assert str(TamperedError("x")) == "x"
