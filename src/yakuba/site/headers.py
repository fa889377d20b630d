"""`Cache-Control: no-store` on every page and file the site itself answers.

Pages, downloads and crops may carry personal data, and a login page's form must not be kept
either: nothing Django answers may be stored by the browser or a proxy. Static files are answered
by WhiteNoise before this middleware (settings.MIDDLEWARE) and keep their long caching.
"""

from __future__ import annotations

from typing import Callable

from django.http import HttpRequest, HttpResponseBase


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"  # HTTP/1.0 caches
        return response
