"""The register for the city's own profile and this code (`current_register`), and as HTML and PDF (the
template `council/register.html`). Needs Django: the declarations are read from the installed models."""

from __future__ import annotations

from yakuba.council.register import COLUMNS, NOT_WRITTEN, Register, build, cell, load_city

__all__ = ["current_register", "to_html", "to_pdf"]


def current_register(source: str = "") -> Register:
    from yakuba.cityprofile.load import current
    from yakuba.personal import declared_fields

    profile = current()
    return build(profile.city.name, declared_fields(), city_part=load_city(profile.folder), source=source)


def to_html(register: Register) -> str:
    from django.template.loader import render_to_string

    files = [(f, [(label, cell(f, name), cell(f, name) == NOT_WRITTEN) for name, label in COLUMNS
                  if name != "exempt" or f.exempt]) for f in register.files]
    return render_to_string("council/register.html", {"register": register, "files": files})


def to_pdf(register: Register) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    return HTML(string=to_html(register)).write_pdf()  # type: ignore[no-any-return]
