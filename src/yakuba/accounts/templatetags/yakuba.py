from __future__ import annotations

from typing import Any

from django import template

from yakuba.wareki import to_wareki

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def wareki(value: Any) -> str:
    """A date as citizens read it: 令和8年11月26日."""
    return to_wareki(value) if value else ""
