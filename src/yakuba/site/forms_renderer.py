"""The form renderer: Django's own Jinja2 form templates, and Django templates for every other widget.

A page with many forms spends most of its time rendering them through Django templates: the consult case
page has sixteen, and the Jinja2 versions that Django ships of its form templates (the same HTML) render it
in about two thirds of the time (bench/consult_case_page.py). Widgets whose templates exist only as Django
templates (the admin's related-object wrapper, the filtered select) are rendered by the Django engine.
"""

from __future__ import annotations

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist
from django.utils.functional import cached_property


class FormRenderer(BaseRenderer):
    """Jinja2 first (Django's built-in form and widget templates), then Django templates."""

    @cached_property
    def _jinja2(self) -> Jinja2:
        return Jinja2()

    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str):  # type: ignore[no-untyped-def]
        try:
            return self._jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
