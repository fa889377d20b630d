"""What the admission screens share: who may use them, the menu section, uploads as files."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.roles import Role
from yakuba.admission.config import ORGANISATION

KODOMO = dict(departments=(ORGANISATION,))
ROLES = (Role.CITY_STAFF, Role.CITY_SUPERVISOR)
SECTION = _("保育所等の利用調整")


@contextmanager
def saved(upload: UploadedFile, suffix: str) -> Iterator[Path]:
    """The uploaded file as a temporary file of its own (the actions read paths), removed afterwards."""
    tmp = tempfile.NamedTemporaryFile(delete=False, suffix=suffix, prefix="admission-upload-")
    try:
        with tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
        yield Path(tmp.name)
    finally:
        Path(tmp.name).unlink(missing_ok=True)
