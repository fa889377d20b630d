"""A city's 中間サーバー as a service: its core (`core.Intermediate`), its WSGI app and server.
Pure: no Django. docs/linkage/services.md."""

from yakuba.linkage.intermediate.core import Intermediate

__all__ = ["Intermediate"]
