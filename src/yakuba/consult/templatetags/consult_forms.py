"""`{{ form|with_ids:key }}`: a form rendered with ids of its own, so that the many forms of the
case page (several rendered once per plan, goal, consent or request) never share an element id;
otherwise a label's `for=` points at another form's field (screen readers and keyboard users
land in the wrong form)."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def with_ids(form: forms.BaseForm, key: Any) -> SafeString:
    form.auto_id = f"{type(form).__name__.lower()}-{key}-%s"
    return form.as_div()
