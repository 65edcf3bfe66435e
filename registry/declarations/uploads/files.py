"""Uploaded files as a whole: their name, size and bytes, read as text or checked as a PDF."""

from __future__ import annotations

from collections.abc import Iterable

MB = 1024 * 1024
PDF_MAGIC = b"%PDF-"


class UploadError(Exception):
    """The file as a whole can't be read: each message says why, for the file field."""

    def __init__(self, message: str, *more: str):
        self.message = message
        self.messages = [message, *more]
        super().__init__("; ".join(self.messages))


def size_text(max_bytes: int) -> str:
    """A size limit in words: 20 MB, 512 KB, 100 bytes."""
    if max_bytes >= MB:
        return f"{max_bytes // MB} MB"
    return f"{max_bytes // 1024} KB" if max_bytes >= 1024 else f"{max_bytes:,} bytes"


def read_text_upload(upload, *, max_bytes: int, extensions: Iterable[str]) -> str:
    """Return the text of an uploaded file, or raise UploadError saying what is wrong with it.

    1. The name must end in one of the extensions (the browser's content type can't be trusted).
    2. The file must not be empty or larger than max_bytes.
    3. Its bytes must be UTF-8 text (a byte-order mark is allowed), with no NUL bytes.
    """
    extensions = tuple(extensions)
    kinds = " or ".join(ext.lstrip(".").upper() for ext in extensions)
    if not (upload.name or "").lower().endswith(extensions):
        raise UploadError(f"The selected file must be a {kinds} file")
    if upload.size == 0:
        raise UploadError("The selected file is empty")
    if upload.size > max_bytes:
        raise UploadError(f"The selected file must be smaller than {size_text(max_bytes)}")
    raw = b"".join(upload.chunks())
    if b"\x00" in raw:
        raise UploadError(f"The selected file must be a {kinds} file: it is not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(
            "The selected file must be saved as UTF-8 text (in a spreadsheet, save as 'CSV UTF-8')"
        ) from None
    if not text.strip():
        raise UploadError("The selected file is empty")
    return text


def check_pdf(upload, *, max_bytes: int) -> None:
    """Raise UploadError unless the upload is a PDF (by its first bytes) within the size limit."""
    if upload.size == 0:
        raise UploadError("The selected file is empty")
    if upload.size > max_bytes:
        raise UploadError(f"The selected file must be smaller than {size_text(max_bytes)}")
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise UploadError("The selected file must be a PDF")
