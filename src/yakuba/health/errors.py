"""Errors of the 健康情報システム: one line, Japanese first. Pure: no Django."""

from __future__ import annotations

from yakuba.errors import YakubaError


class HealthError(YakubaError):
    """A health record, an import file or the growth reference is not acceptable."""

    code = "health.error"
    default_message = "健診記録を処理できませんでした (health record refused)"
