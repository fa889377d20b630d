"""Uploads kept in memory, for every screen: Django would spool a large upload to a temporary file
on disk, in plaintext — a scan, a tax office's 所得割額 file. Personal data exists on disk only
encrypted (`yakuba.vault`), so this is the site's only upload handler (``FILE_UPLOAD_HANDLERS``),
with a limit of ``YAKUBA_UPLOAD_LIMIT_MB`` (64 MB) for a request; a screen that takes more (the
intake's batches of scans) installs its own with a larger limit before it reads the request."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from yakuba.errors import YakubaError


class UploadTooLarge(YakubaError):
    """The request's files are over the handler's limit: nothing of them was kept."""

    code = "upload.too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"ファイルが大きすぎます(一度に送れるのは {max(1, limit // (1024 * 1024))}MB まで)。"
                         "ファイルを分けるか、システム管理者に相談してください。", where="files")


def stopped(request: Any) -> "InMemoryUploadHandler | None":
    """The handler that stopped this request's upload for its size, if one did (after the body was read)."""
    for handler in getattr(request, "_upload_handlers", None) or ():
        if getattr(handler, "too_large", False):
            return handler  # type: ignore[no-any-return]
    return None


class InMemoryUploadHandler(FileUploadHandler):
    """Every file of the request in memory, up to `limit` bytes in all; beyond it the upload stops
    and `too_large` says so (the view answers with a message, nothing is stored)."""

    def __init__(self, request: Any = None, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = limit if limit is not None else settings.YAKUBA_UPLOAD_LIMIT_MB * 1024 * 1024
        self.received = 0
        self.too_large = False
        self.buffer: BytesIO | None = None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        assert self.buffer is not None
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.buffer is None or self.too_large:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer, field_name=self.field_name, name=self.file_name, content_type=self.content_type,
            size=file_size, charset=self.charset, content_type_extra=self.content_type_extra,
        )
