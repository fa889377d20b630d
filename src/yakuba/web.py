"""Where a user error becomes a page, for every app: the one place, as ``cli.main`` is for the command.

A view never catches a ``YakubaError`` itself. It validates its input with a form
(:func:`cleaned`, which raises :class:`FormInvalid`) and calls an action (``check_…``/``do_…``) that
raises the app's own ``YakubaError`` when the step cannot be done. :func:`user_errors` around the
view turns either into the message (in Japanese, as the error says it) on the page the person
came from, and logs the error's code and place — never the values typed in:

    @allow(Role.CITY_STAFF)
    @require_POST
    @user_errors("admission:round")           # back to the round, with the view's ``pk``
    def approve(request, pk): ...

``back`` is a URL name, reversed with those of the view's keyword arguments that it takes, or a
callable ``back(request, **kwargs) -> url`` where the page depends on the object.
"""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any, Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from yakuba.errors import YakubaError
from yakuba.uploads import UploadTooLarge, stopped

logger = logging.getLogger("yakuba.web")

View = Callable[..., HttpResponse]
Back = str | Callable[..., str]

__all__ = ["FormInvalid", "cleaned", "user_errors", "back_url", "file_response"]


class FormInvalid(YakubaError):
    """What was posted does not pass the view's form; the message names the fields and why."""

    code = "form.invalid"
    default_message = "入力内容を確認してください。"


def form_message(form: forms.BaseForm) -> str:
    """One line naming each field in error with its first message (values are never repeated)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and form.fields[name].label else None
        text = str(errors[0]) if errors else ""
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts) or FormInvalid.default_message


def cleaned(form_class: type[forms.BaseForm], request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
    """The cleaned data of ``form_class`` bound to the request's POST (and files), or FormInvalid."""
    form = form_class(request.POST, request.FILES or None, **kwargs)
    if not form.is_valid():
        handler = stopped(request)
        if handler is not None and not hasattr(form, "too_large"):  # a form may say its own limit (intake)
            raise UploadTooLarge(handler.limit)
        raise FormInvalid(form_message(form), where=",".join(form.errors))
    return form.cleaned_data


def back_url(back: Back, request: HttpRequest, kwargs: dict[str, Any]) -> str:
    """The page to go back to: ``back`` reversed with the view's arguments it takes, or called."""
    if callable(back):
        return back(request, **kwargs)
    try:
        return reverse(back, kwargs=kwargs) if kwargs else reverse(back)
    except NoReverseMatch:
        return reverse(back)


def user_errors(back: Back) -> Callable[[View], View]:
    """Show a ``YakubaError`` raised by the view as a message on ``back``, and log its code."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except YakubaError as exc:
                logger.info("refused %s: %s at %s", view.__qualname__, exc.code, exc.where or "-")
                messages.error(request, exc.one_line())
                return redirect(back_url(back, request, kwargs))

        return wrapper

    return decorate


def file_response(data: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    """A file for the browser: downloaded (attachment) or shown in place (inline)."""
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
