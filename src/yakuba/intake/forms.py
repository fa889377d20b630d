"""What the intake's screens accept, one form per POST (used through ``yakuba.web.cleaned``).

The rules and their Japanese messages belong to the actions' ``check_…`` (the demo and the tests
call them too); a form applies them to what was posted. No message repeats what was typed: a
file is named, a value never.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence, TypeVar

from django import forms

from yakuba.intake.actions import delivery, upload, verification
from yakuba.intake.errors import IntakeError
from yakuba.intake.models import FieldValue

T = TypeVar("T")

HINTS = {
    "checkbox": "チェックあり 1 ／ なし 0",
    "date": "例: 2023-05-01 または 令和5年5月1日",
    "month": "例: 2026-04",
    "postal": "7桁の数字",
    "phone": "数字のみ",
    "code": "4桁の施設コード",
    "digits": "数字のみ",
    "katakana": "カタカナ(姓と名の間に空白)",
    "kanji": "記入どおりに",
}
"""What the verification screen says under the value, by the field's type."""


def _checked(check: Callable[..., T], *args: Any) -> T:
    """An action's check, its refusal as the form's error."""
    try:
        return check(*args)
    except IntakeError as exc:
        raise forms.ValidationError(exc.message) from None


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class ScansField(forms.Field):
    """Every file posted under the name, read into memory (``InMemoryUploadHandler``) as ``Upload``s."""

    widget = MultipleFileInput

    def to_python(self, data: Any) -> list[upload.Upload]:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [upload.Upload(f.name or "", f.read()) for f in files]


class BatchUploadForm(forms.Form):
    """A 便's scans and its name. ``upload_handlers``: the request's, which say whether the upload
    stopped at the limit (then nothing of it is kept, and that is the one thing said)."""

    name = forms.CharField(required=False, strip=False)
    files = ScansField(required=False)

    def __init__(self, *args: Any, upload_handlers: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upload_handlers = upload_handlers

    @property
    def too_large(self) -> bool:  # known once the request's body was read (binding the form reads it)
        return any(getattr(h, "too_large", False) for h in self.upload_handlers)

    def clean_name(self) -> str:
        return self.cleaned_data["name"] if self.too_large else _checked(upload.check_name, self.cleaned_data["name"])

    def clean_files(self) -> list[upload.Upload]:
        if not self.too_large:
            _checked(upload.check_count, self.cleaned_data["files"])
        return self.cleaned_data["files"]

    def clean(self) -> dict[str, Any]:
        _checked(upload.check_total, self.too_large)
        return self.cleaned_data


class ExportForm(forms.Form):
    """Which city department the package is encrypted for (子ども家庭課 when none is chosen)."""

    recipient = forms.CharField(required=False, max_length=40)

    def clean_recipient(self) -> str:
        return self.cleaned_data["recipient"] or delivery.DEFAULT_RECIPIENT


class ReceiptForm(forms.Form):
    """The receipt the city returned for the batch's package (its bytes)."""

    receipt = forms.FileField(error_messages={
        "required": "市から返された受領書のファイルを選んでください。",
        "empty": "受領書のファイルが空です。市から返された受領書(JSON)を選んでください。",
        "invalid": "受領書のファイルを読めません。",
        "missing": "市から返された受領書のファイルを選んでください。",
    })

    def clean_receipt(self) -> bytes:
        return self.cleaned_data["receipt"].read()


class FieldValueForm(forms.Form):
    """A person's value for one field (kept as typed; the action stores its canonical form), and the
    queue they work in. An invalid value is shown on the field's own screen, not as a message."""

    value = forms.CharField(required=False, strip=False)
    scope = forms.CharField(required=False)

    def __init__(self, *args: Any, fv: FieldValue, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fv, self.user = fv, user

    def clean_value(self) -> str:
        raw = self.cleaned_data["value"]
        _checked(verification.check_verify, self.fv, self.user)
        _checked(verification.check_value, self.fv, raw)
        return raw

    def clean_scope(self) -> str:
        scope = self.cleaned_data["scope"]
        return scope if scope in verification.SCOPES else ""

    def error(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)
