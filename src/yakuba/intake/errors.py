"""The intake's user errors: one Japanese line each, all of them ``YakubaError``.

A view never catches them: a step refused inside a POST becomes a message on the page the person
came from (``yakuba.web.user_errors``). Two kinds also say what the web answers when no page is to
go back to — a field or image this user may not receive (403, and the refusal is audited where
it is raised), and an image that is not there (any more) (404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from yakuba.errors import YakubaError


class IntakeError(YakubaError):
    """A step of the intake refused; `str()` is one Japanese line for the user."""

    code = "intake.refused"
    default_message = "この操作はできません。"


class FieldRefused(IntakeError, PermissionDenied):
    """This user may not receive this field (a personal field for an operator): 403 where not caught."""

    code = "intake.field_refused"
    default_message = "この欄は委託先責任者だけが扱います。"


class ImageMissing(IntakeError, Http404):
    """The page or field has no image (not read, or erased after the city's receipt): 404 where not caught."""

    code = "intake.image_missing"
    default_message = "このページには画像がありません。"
