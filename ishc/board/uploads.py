"""Uploads are checked by what the bytes are, not by the name or the browser's claim.

An executable renamed "report.pdf" starts with "MZ" or "\\x7fELF" and is refused; an Office file
is a zip whose [Content_Types].xml names the main part of a Word, Excel or PowerPoint document.
Anything else is refused as an unsupported type, so the library only holds files that open in
ordinary readers.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Checked:
    content_type: str
    extension: str
    size: int
    sha256: str


_OFFICE = [
    (
        b"wordprocessingml.document.main",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        b"spreadsheetml.sheet.main",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        b"presentationml.presentation.main",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
]

_EXECUTABLE = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")


def _sniff(head: bytes, upload) -> tuple[str, str] | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif", "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                types = archive.read("[Content_Types].xml")
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
        for marker, content_type, extension in _OFFICE:
            if marker in types:
                return content_type, extension
    return None


def check_upload(upload) -> Checked:
    """Raise ValidationError (translated) unless the file is an allowed type within the size
    limit; otherwise return what it really is."""
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": upload.size / 1024 / 1024, "limit": settings.MAX_UPLOAD_MB},
            code="too_big",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    if head.startswith(_EXECUTABLE):
        raise ValidationError(
            _("This file is a program, not a document, whatever its name says. It was refused."),
            code="executable",
        )
    found = _sniff(head, upload)
    if found is None:
        raise ValidationError(
            _(
                "Only PDF, Word, Excel, PowerPoint and image files (PNG, JPEG, GIF, WebP) "
                "are accepted."
            ),
            code="type",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Checked(found[0], found[1], upload.size, digest.hexdigest())
