"""The request being served, for what happens below a view (a model's save hooks audit who did it).

`AccessMiddleware` sets it for the length of each request; outside one (the shell, a command,
`createsuperuser`) it is None and the audit entry says so.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

_request: ContextVar[Any] = ContextVar("yakuba_request", default=None)


def current_request() -> Any:
    return _request.get()


def serving(request: Any) -> Any:
    """Set the current request; returns the token to give back to `done`."""
    return _request.set(request)


def done(token: Any) -> None:
    _request.reset(token)
