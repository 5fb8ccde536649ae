"""Every uploaded file is checked here, by what its bytes are, before anything reads it whole.

Used by the document library, the club regulations and the Excel importers (members, clubs,
targets), so that one set of rules holds everywhere:

- size: at most MAX_UPLOAD_MB as sent;
- type: taken from the first bytes, never from the name or the browser's claim. A program
  renamed "report.pdf" is refused; so is a PDF that also carries HTML or SVG markup (a polyglot
  that a browser or an old viewer might run as a page);
- archives (every Office file is a zip): before any reader opens one, each member is inflated
  *in a stream* with a cap, counting bytes, so a zip bomb is refused after at most
  UPLOAD_MAX_INFLATED_MB of work and constant memory. The declared sizes in the zip's directory
  are checked first (cheap), then the real inflated size is measured, because a crafted file can
  declare small sizes and inflate to gigabytes in a reader that trusts the stream; a member whose
  real size differs from the declared one is refused as damaged. A member inflating more than
  UPLOAD_MAX_RATIO times its compressed size (beyond the first megabyte) is refused too;
- names: what the browser sent is reduced to a plain, short name (no path, no quotes, no control
  characters) before it is stored or shown, and sent back with RFC 6266 `filename*` (UTF-8), so a
  name can never add a header.

Every refusal is a ValidationError with a message for the user in their language.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

MB = 1024 * 1024
log = logging.getLogger(__name__)


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
# Markup that makes a file renderable as a web page. A real PDF keeps its text in compressed
# streams, so none of these appears in its raw bytes by accident.
_MARKUP = re.compile(rb"<\s*(?:html|script|svg|body|iframe|!doctype\s+html)[\s>/]", re.I)
# Content-types in an Office package are one short XML file; more is not an Office file.
_CONTENT_TYPES_MAX = 1 * MB


def _damaged() -> ValidationError:
    return ValidationError(
        _("The file is damaged and cannot be opened. Save it again and upload the new copy."),
        code="damaged",
    )


def _bomb() -> ValidationError:
    return ValidationError(
        _(
            "The file unpacks to far more data than a document of its size holds, which is how "
            "harmful files are built. It was refused; save it again from Word or Excel."
        ),
        code="bomb",
    )


def check_size(upload) -> None:
    limit = settings.MAX_UPLOAD_MB * MB
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": upload.size / MB, "limit": settings.MAX_UPLOAD_MB},
            code="too_big",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")


def _inflate_counting(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> int:
    """Inflate one member in 1 MB steps and return its real size, refusing past `cap`.

    zipfile stops reading at the size the directory declares; a copy of the entry declaring
    cap + 1 makes it read the real stream instead, which is what a reader that trusts the
    stream (calamine, a browser's viewer) would get."""
    probe = copy.copy(info)
    probe.file_size = cap + 1
    size = 0
    with archive.open(probe) as stream:
        while chunk := stream.read(MB):
            size += len(chunk)
            if size > cap:
                raise _bomb()
    return size


def open_archive(fileobj) -> zipfile.ZipFile:
    """Open a zip after checking every member without inflating any of them whole."""
    member_cap = settings.UPLOAD_MAX_INFLATED_MB * MB
    ratio = settings.UPLOAD_MAX_RATIO
    try:
        archive = zipfile.ZipFile(fileobj)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _damaged() from None
    if len(infos) > settings.UPLOAD_MAX_MEMBERS:
        raise _bomb()
    if sum(i.file_size for i in infos) > member_cap:
        raise _bomb()
    for info in infos:
        if info.file_size > MB and info.file_size > ratio * max(info.compress_size, 1):
            raise _bomb()
        if info.flag_bits & 0x1:
            raise ValidationError(
                _(
                    "The file is protected by a password. Remove the password, save and upload "
                    "again."
                ),
                code="encrypted",
            )
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        try:
            size = _inflate_counting(archive, info, member_cap - total)
        except ValidationError:
            raise
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError):
            raise _damaged() from None
        except Exception:  # zlib.error and friends from a crafted stream
            raise _damaged() from None
        if size != info.file_size:
            raise _damaged()
        if size > MB and size > ratio * max(info.compress_size, 1):
            raise _bomb()
        total += size
    return archive


def _office_type(upload) -> tuple[str, str] | None:
    upload.seek(0)
    archive = open_archive(upload)
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return None
    if info.file_size > _CONTENT_TYPES_MAX:
        return None
    types = archive.read(info)
    for marker, content_type, extension in _OFFICE:
        if marker in types:
            return content_type, extension
    return None


def _has_markup(upload) -> bool:
    upload.seek(0)
    tail = b""
    for chunk in upload.chunks():
        if _MARKUP.search(tail + chunk):
            return True
        tail = chunk[-64:]
    return False


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
        return _office_type(upload)
    return None


def check_document(upload) -> Checked:
    """A document for the library or a club's regulations: PDF, Word, Excel, PowerPoint or an
    image. Raise ValidationError (translated) unless it is one; otherwise say what it is."""
    check_size(upload)
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
    if found[1] in ("pdf", "png", "jpg", "gif", "webp") and _has_markup(upload):
        raise ValidationError(
            _(
                "This file also holds web-page code, which a document never needs. It was "
                "refused; print it to PDF again and upload the new copy."
            ),
            code="markup",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Checked(found[0], found[1], upload.size, digest.hexdigest())


_UNSAFE = re.compile(r"[^\w .()+,-]+")


def clean_name(name: str, extension: str = "", default: str = "tep") -> str:
    """A name safe to store and to show: no folder, no quotes or control characters, at most
    100 characters, ending in `extension` (the detected type) when one is given. Vietnamese
    letters stay."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    stem = name.rsplit(".", 1)[0] if extension and "." in name else name
    stem = _UNSAFE.sub(" ", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" .-")[:100] or default
    return f"{stem}.{extension}" if extension else stem


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    """RFC 6266: a plain ASCII fallback in `filename` and the real name in `filename*`."""
    filename = clean_name(filename)
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'["\\]', "", ascii_name).strip() or "file"
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send_file(request, stored, filename: str, content_type: str | None = None):
    """A stored file as an attachment with a safe name; a record whose file is gone from
    MEDIA_ROOT (a database restored without its files, a disk cleaned by hand) answers a page
    that says so, with status 404, and is logged for the administrator instead of a 500."""
    try:
        handle = stored.open("rb")
    except OSError:
        log.error("stored file missing: %s (%s)", stored.name, request.path)
        return render(request, "core/file_missing.html", status=404)
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response
