"""What the debit screens accept in a POST (through ``yakuba.web.cleaned``): a date, nothing personal."""

from __future__ import annotations

import datetime as dt

from django import forms

ISO_DATE = "YYYY-MM-DD の形で入力してください。"


class IsoDateField(forms.DateField):
    """A date as `<input type="date">` sends it: ISO 8601 (``date.fromisoformat``), nothing else."""

    input_formats = ["iso"]
    default_error_messages = {"required": ISO_DATE, "invalid": ISO_DATE}

    def strptime(self, value: str, format: str) -> dt.date:
        return dt.date.fromisoformat(value)


class RunForm(forms.Form):
    """A new run: the day to debit (a bank holiday moves to the next business day)."""

    debit_date = IsoDateField(label="引落日")


class RetryForm(forms.Form):
    """A 再振替 of a reconciled run's code-1 items."""

    retry_date = IsoDateField(label="再振替日")
