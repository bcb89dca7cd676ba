"""Checking and storing uploaded files.

Limits come from settings with defaults: ``ATTACHMENT_MAX_BYTES`` (20 MB) and
``ATTACHMENT_ALLOWED_TYPES`` (keys of ``TYPES``: pdf, doc, docx, xls, xlsx, jpg, png, txt,
ofd). The type is sniffed from the bytes (magic numbers, the members of a ZIP container) and
must agree with the file name's extension: a renamed executable is refused, whatever it is
called. ``check_upload`` refuses before anything is written; ``store`` writes the file and the
row, and ``removed_on_error`` removes written files again when the transaction fails.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from sanxing.core.errors import BusinessError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# type key → (extensions it may carry, content type)
TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": (("pdf",), "application/pdf"),
    "doc": (("doc",), "application/msword"),
    "xls": (("xls",), "application/vnd.ms-excel"),
    "docx": (
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "jpg": (("jpg", "jpeg"), "image/jpeg"),
    "png": (("png",), "image/png"),
    "txt": (("txt",), "text/plain"),
    "ofd": (("ofd",), "application/ofd"),
}
DEFAULT_ALLOWED = tuple(TYPES)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    type_key: str
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def allowed_types() -> tuple[str, ...]:
    return tuple(getattr(settings, "ATTACHMENT_ALLOWED_TYPES", DEFAULT_ALLOWED))


def _extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def _zip_members(content: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return []


def sniff(content: bytes, name: str = "") -> str | None:
    """The type key of the bytes, or None when they are none of the known types. Where the
    bytes alone cannot tell (the old OLE2 Office formats), the name's extension decides."""
    head = content[:8]
    if content.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head == OLE2:
        return "xls" if _extension(name) == "xls" else "doc"
    if head.startswith(b"PK\x03\x04"):
        members = _zip_members(content)
        if "OFD.xml" in members or "ofd.xml" in members:
            return "ofd"
        if any(m.startswith("word/") for m in members):
            return "docx"
        if any(m.startswith("xl/") for m in members):
            return "xlsx"
        return None
    if b"\x00" not in content:
        for encoding in ("utf-8", "gb18030"):
            try:
                content.decode(encoding)
            except UnicodeDecodeError:
                continue
            return "txt"
    return None


def _clean_name(name: str) -> str:
    name = PurePath((name or "").replace("\\", "/")).name.strip()
    return name[:255] or "file"


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


def check_upload(name: str, content: bytes, *, field: str = "attachments") -> CheckedFile:
    """The file checked against the limits, or a BusinessError saying what is wrong."""
    name = _clean_name(name)
    limit = max_bytes()
    if len(content) > limit:
        raise BusinessError(
            _("“%(name)s” is larger than %(max)s MB: attach a smaller file.")
            % {"name": name, "max": _megabytes(limit)},
            field=field,
            code="file_too_large",
        )
    if not content:
        raise BusinessError(
            _("“%(name)s” is empty.") % {"name": name}, field=field, code="file_empty"
        )
    allowed = allowed_types()
    allowed_names = ", ".join(e for key in allowed for e in TYPES[key][0])
    type_key = sniff(content, name)
    if type_key is None or type_key not in allowed:
        raise BusinessError(
            _("“%(name)s” is not a file type that can be attached. Allowed: %(types)s.")
            % {"name": name, "types": allowed_names},
            field=field,
            code="file_type",
        )
    if _extension(name) not in TYPES[type_key][0]:
        raise BusinessError(
            _("The content of “%(name)s” does not match its name. Allowed: %(types)s.")
            % {"name": name, "types": allowed_names},
            field=field,
            code="file_type",
        )
    return CheckedFile(
        name=name,
        content=content,
        type_key=type_key,
        content_type=TYPES[type_key][1],
        sha256=hashlib.sha256(content).hexdigest(),
    )


def check_uploaded_file(upload: Any, *, field: str = "attachments") -> CheckedFile:
    """A Django ``UploadedFile`` checked without reading more than the limit."""
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise BusinessError(
            _("“%(name)s” is larger than %(max)s MB: attach a smaller file.")
            % {"name": _clean_name(name), "max": _megabytes(max_bytes())},
            field=field,
            code="file_too_large",
        )
    upload.seek(0)
    content = upload.read(max_bytes() + 1)
    return check_upload(name, content, field=field)


@contextmanager
def removed_on_error() -> Iterator[list[tuple[Any, str]]]:
    """Wrap a transaction that stores files: if it fails, the files it wrote are removed.

    with removed_on_error() as written, transaction.atomic():
        store(congress_id=…, checked=…, by=…, written=written)
    """
    written: list[tuple[Any, str]] = []
    try:
        yield written
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def store(
    *, congress_id: int, checked: CheckedFile, by: Any, written: list[tuple[Any, str]]
) -> Any:
    """Write the file and its row; the file is listed in ``written`` for ``removed_on_error``."""
    from sanxing.documents.models import Attachment

    attachment = Attachment(
        congress_id=congress_id,
        original_name=checked.name,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    attachment.file.save(checked.sha256, ContentFile(checked.content), save=False)
    written.append((attachment.file.storage, attachment.file.name))
    attachment.save()
    return attachment
