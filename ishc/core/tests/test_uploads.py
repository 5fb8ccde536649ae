"""Finding 6 of the capabilities issue: uploads.

The club regulations upload stored HTML, SVG, ELF programs and 200 MB files under the uploader's
name; a zip-bomb .xlsx sent to the member importer ran the worker out of memory and ended in HTTP
500, as did any .xlsx missing a workbook part (KeyError); a .docx whose [Content_Types].xml
inflates to 300 MB was accepted; a PDF/HTML polyglot and a file named `a"b\\r\\nX-Evil: 1;.pdf`
were stored, the name going back into Content-Disposition. Every malicious file is built here.
"""

import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ishc.board.models import DocumentVersion
from ishc.clubs.tests.xlsx import book, member
from ishc.core import uploads

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _small_limits(settings, tmp_path):
    # The same rules as production at a scale a test can build: members may inflate to 4 MB.
    settings.UPLOAD_MAX_INFLATED_MB = 4
    settings.MEDIA_ROOT = tmp_path


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _lie_about_size(data: bytes, name: str, declared: int) -> bytes:
    """Rewrite the uncompressed size a zip declares for one member (local header and central
    directory), keeping its real stream: what a crafted bomb does to pass a size check."""
    raw = bytearray(data)
    encoded = name.encode()
    local = raw.find(b"PK\x03\x04")
    while local >= 0:
        name_len = struct.unpack_from("<H", raw, local + 26)[0]
        if raw[local + 30 : local + 30 + name_len] == encoded:
            struct.pack_into("<I", raw, local + 22, declared)
        local = raw.find(b"PK\x03\x04", local + 4)
    central = raw.find(b"PK\x01\x02")
    while central >= 0:
        name_len = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46 : central + 46 + name_len] == encoded:
            struct.pack_into("<I", raw, central + 24, declared)
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


def _xlsx_bomb(lie: bool = False) -> bytes:
    """A member template whose sheet carries 40 MB of blanks after the data."""
    good = zipfile.ZipFile(io.BytesIO(book("members", [])))
    parts = {n: good.read(n) for n in good.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet] + b" " * (40 * MB)
    data = _zip(parts)
    return _lie_about_size(data, sheet, 2000) if lie else data


def _docx_bomb() -> bytes:
    types = f'<Types><Override ContentType="{DOCX_MAIN}"/></Types>'.encode()
    return _zip({"[Content_Types].xml": types + b" " * (30 * MB), "word/document.xml": b"<w/>"})


def _without(data: bytes, part: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    return _zip({n: source.read(n) for n in source.namelist() if n != part})


# The checking module itself


@pytest.mark.parametrize("lie", [False, True], ids=["declared", "lying"])
def test_it_refuses_a_zip_bomb_without_inflating_it_whole(lie):
    with pytest.raises(ValidationError) as e:
        uploads.open_archive(io.BytesIO(_xlsx_bomb(lie)))
    assert e.value.code in ("bomb", "damaged")


def test_it_refuses_a_docx_whose_content_types_inflate_to_megabytes():
    with pytest.raises(ValidationError) as e:
        uploads.check_document(SimpleUploadedFile("quyet-dinh.docx", _docx_bomb()))
    assert e.value.code == "bomb"


def test_it_refuses_a_pdf_that_is_also_a_web_page():
    polyglot = b"%PDF-1.4\n%<html><body><script>alert(document.cookie)</script>\n" + PDF
    with pytest.raises(ValidationError) as e:
        uploads.check_document(SimpleUploadedFile("bao-cao.pdf", polyglot))
    assert e.value.code == "markup"


def test_it_cleans_a_name_that_would_add_a_header():
    name = uploads.clean_name('a"b\r\nX-Evil: 1;.pdf', "pdf")
    assert name == "a b X-Evil 1.pdf"
    header = uploads.content_disposition("Quy chế CLB Đồng Tâm.pdf")
    assert header.startswith('attachment; filename="Quy che CLB ong Tam.pdf"; ')
    assert "filename*=UTF-8''Quy%20ch%E1%BA%BF%20CLB%20%C4%90%E1%BB%93ng%20T%C3%A2m.pdf" in header
    assert uploads.clean_name("../../etc/passwd") == "passwd"


# The member importer


def _import(client, data: bytes):
    return client.post(
        reverse("clubs:import", args=["members"]),
        {"file": SimpleUploadedFile("danh-sach.xlsx", data)},
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: _xlsx_bomb(),
        lambda: _xlsx_bomb(lie=True),
        lambda: _without(book("members", []), "xl/_rels/workbook.xml.rels"),
        lambda: _without(book("members", []), "xl/worksheets/sheet1.xml"),
        lambda: _zip({"xl/workbook.xml": b"<not xml"}),
    ],
    ids=["bomb", "lying-bomb", "no-rels", "no-sheet", "broken-xml"],
)
def test_it_answers_a_bad_workbook_with_a_clear_message_never_500(client, world, build):
    client.force_login(world.club)
    response = _import(client, build())
    assert response.status_code == 200
    report = response.context["report"]
    assert not report.ok
    message = report.errors[0].message
    assert message and "KeyError" not in message and "Error" not in message
    # In Vietnamese, like the rest of the page.
    assert any(word in message for word in ("tệp", "Tệp", "Excel"))


def test_it_still_imports_a_good_workbook(client, world):
    client.force_login(world.club)
    response = _import(client, book("members", [member(world.A)]))
    assert response.context["report"].ok, response.context["report"].errors


# The club regulations upload


def _regulations(client, world, content, name="quy-che.pdf"):
    return client.post(
        reverse("clubs:edit", args=[world.A.pk]),
        {
            "name": "CLB A",
            "commune": world.c1.pk,
            "cohort": "1336",
            "regulations_file": SimpleUploadedFile(name, content),
            "regulations_adopted": "2021-02-01",
        },
    )


@pytest.mark.parametrize(
    "content,name",
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "quy-che.html"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "quy-che.svg"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "quy-che.pdf"),
        (b"%PDF-1.4\n" + b"0" * (2 * MB), "quy-che-lon.pdf"),
    ],
    ids=["html", "svg", "elf", "too-big"],
)
def test_it_refuses_regulations_that_are_not_documents(client, world, settings, content, name):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(world.commune)
    response = _regulations(client, world, content, name)
    assert response.status_code == 200
    assert "regulations_file" in response.context["form"].errors
    world.A.refresh_from_db()
    assert not world.A.regulations_file


def test_it_stores_regulations_under_our_name_and_sends_a_clean_one(client, world):
    client.force_login(world.commune)
    assert _regulations(client, world, PDF, 'a"b\r\nX-Evil: 1;.pdf').status_code == 302
    world.A.refresh_from_db()
    assert "X-Evil" not in world.A.regulations_file.name
    response = client.get(reverse("clubs:regulations", args=[world.A.pk]))
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and '"b' not in disposition
    assert "filename*=UTF-8''" in disposition
    assert "X-Evil" not in response.headers or response.headers.get("X-Evil") is None
    assert response["X-Content-Type-Options"] == "nosniff"


# The board's document library


def _add_document(client, content, name):
    return client.post(
        reverse("board:document_new"),
        {
            "title": "Hướng dẫn",
            "doc_type": "guidance",
            "issuer": "TW Hội NCT",
            "number": "12/HD",
            "issued_on": "2025-03-01",
            "language": "vi",
            "file": SimpleUploadedFile(name, content),
        },
    )


@pytest.mark.parametrize(
    "build,name",
    [
        (_docx_bomb, "quyet-dinh.docx"),
        (lambda: b"%PDF-1.4\n<html><script>alert(1)</script></html>", "x.pdf"),
    ],
    ids=["docx-bomb", "polyglot"],
)
def test_the_library_refuses_bombs_and_polyglots(client, world, build, name):
    client.force_login(world.central)
    response = _add_document(client, build(), name)
    assert response.status_code == 400
    assert not DocumentVersion.objects.exists()


def test_the_library_sends_a_dangerous_name_back_harmless(client, world):
    client.force_login(world.central)
    assert _add_document(client, PDF, 'a"b\r\nX-Evil: 1;.pdf').status_code == 302
    version = DocumentVersion.objects.get()
    # Whatever part of the name the browser's multipart encoding let through, it is plain now.
    assert version.original_name.endswith(".pdf")
    assert not set(version.original_name) & set('"\\\r\n;:')
    response = client.get(reverse("board:download", args=[version.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert "filename*=UTF-8''a%20b" in disposition and '"b' not in disposition


def test_the_targets_import_refuses_a_bomb_before_it_is_read(client, world):
    client.force_login(world.central)
    response = client.post(
        reverse("indicators:target_import"),
        {"file": SimpleUploadedFile("chi-tieu.xlsx", _xlsx_bomb(lie=True))},
    )
    assert response.status_code == 200
    assert response.context["report"].errors[0].message.startswith("Tệp")
