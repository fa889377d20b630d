"""Forms over declared personal data: a field the user may not see is neither shown nor accepted."""

from __future__ import annotations

from typing import Any, Sequence

from django import forms
from django.db import models, transaction
from django.http import HttpRequest

from yakuba.audit.log import record
from yakuba.audit.reveal import visible_fields
from yakuba.personal import declaration_for


def form_for(user: Any, model: type[models.Model], fields: Sequence[str]) -> type[forms.ModelForm]:
    """A ModelForm limited to the fields this user's role may see (masked ones are left out whole:
    their values are not rendered, and posted values for them are ignored)."""
    return forms.modelform_factory(model, fields=visible_fields(user, model, fields))


def save_audited(request: HttpRequest, form: forms.ModelForm) -> models.Model:
    """Save and log, in one transaction, which fields changed (names and categories, no values)."""
    changed = list(form.changed_data)
    with transaction.atomic():
        instance = form.save()
        if changed:
            categories = {d.category.value for f in changed if (d := declaration_for(type(instance), f))}
            record("personal.change", request=request, target=instance, categories=categories,
                   detail={"fields": changed})
    return instance
