import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ishc.audit.models import AuditEntry
from ishc.board.models import Document
from ishc.core.uploads import check_document as check_upload

from .conftest import PDF


def _office(main: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", f'<Types><Override ContentType="{main}"/></Types>')
        z.writestr("word/document.xml", "<w/>")
    return out.getvalue()


DOCX = _office("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
XLSX = _office("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@pytest.mark.parametrize(
    "content,ext",
    [
        (PDF, "pdf"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
        (PNG, "png"),
        (b"\xff\xd8\xff\xe0" + b"0" * 20, "jpg"),
    ],
)
def test_it_recognises_allowed_types_by_their_bytes(content, ext):
    assert check_upload(SimpleUploadedFile("x.bin", content)).extension == ext


@pytest.mark.parametrize(
    "content,code",
    [
        (b"MZ\x90\x00" + b"\x00" * 60, "executable"),
        (b"\x7fELF\x02\x01", "executable"),
        (b"#!/bin/sh\nrm -rf /\n", "executable"),
        (b"PK\x03\x04not really a zip", "damaged"),
        (_office("application/x-msdownload"), "type"),
        (b"<html><script>", "type"),
        (b"", "empty"),
    ],
)
def test_it_refuses_other_files_whatever_their_name(content, code):
    with pytest.raises(ValidationError) as e:
        check_upload(SimpleUploadedFile("guidance.pdf", content, content_type="application/pdf"))
    assert e.value.code == code


def _add(client, content=PDF, name="huong-dan.pdf", **extra):
    data = {
        "title": "Hướng dẫn quản lý Quỹ tăng thu nhập",
        "doc_type": "guidance",
        "issuer": "TW Hội NCT",
        "number": "12/HD-NCT",
        "issued_on": "2025-03-01",
        "language": "vi",
        "file": SimpleUploadedFile(name, content),
        **extra,
    }
    return client.post(reverse("board:document_new"), data)


def test_it_adds_a_national_document_for_central(world, client):
    client.force_login(world.central)
    response = _add(client, public="on")
    assert response.status_code == 302
    doc = Document.objects.get()
    assert doc.level == "national" and doc.public and doc.versions.count() == 1
    assert AuditEntry.objects.filter(action="board.document.created").exists()


def test_it_refuses_a_disguised_executable_in_the_library(world, client):
    client.force_login(world.central)
    response = _add(client, content=b"MZ" + b"\x00" * 100)
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_it_refuses_uploads_outside_scope_and_from_readers(world, client):
    client.force_login(world.outsider)
    assert _add(client, commune=world.c1.pk).status_code == 400
    client.force_login(world.board)
    assert _add(client).status_code == 403
    assert not Document.objects.exists()


def _doc(world, client, user, **extra):
    client.force_login(user)
    assert _add(client, **extra).status_code == 302
    return Document.objects.latest("pk")


def test_it_scopes_documents_and_downloads(world, client):
    internal_p = _doc(world, client, world.province, province=world.P.pk, title="Nội bộ tỉnh")
    public_nat = _doc(world, client, world.central, public="on", title="Công khai")
    internal_nat = _doc(world, client, world.central, title="Nội bộ TW")
    version_p = internal_p.versions.get()
    for user, seen in (
        (world.commune, {"Nội bộ tỉnh", "Công khai"}),
        (world.province, {"Nội bộ tỉnh", "Công khai"}),
        (world.outsider, {"Công khai"}),
        (world.board, {"Nội bộ tỉnh", "Công khai", "Nội bộ TW"}),
    ):
        client.force_login(user)
        response = client.get(reverse("board:documents"))
        assert {d.title for d in response.context["documents"]} == seen, user
    client.force_login(world.outsider)
    assert client.get(reverse("board:download", args=[version_p.pk])).status_code == 404
    assert client.get(reverse("board:document", args=[internal_p.pk])).status_code == 404
    assert client.get(reverse("board:document", args=[internal_nat.pk])).status_code == 404
    response = client.get(reverse("board:download", args=[public_nat.versions.get().pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(world.commune)
    assert client.get(reverse("board:download", args=[version_p.pk])).status_code == 200
    assert client.get(reverse("board:document", args=[internal_p.pk])).status_code == 200
    client.force_login(world.nobody)
    assert client.get(reverse("board:download", args=[version_p.pk])).status_code == 403


def test_it_searches_without_diacritics(world, client):
    _doc(world, client, world.central, public="on")
    client.force_login(world.commune)
    response = client.get(reverse("board:documents") + "?q=quan ly quy")
    assert len(response.context["documents"]) == 1
    response = client.get(reverse("board:documents") + "?q=12/hd")
    assert len(response.context["documents"]) == 1
    response = client.get(reverse("board:documents") + "?q=dao tao")
    assert len(response.context["documents"]) == 0


def test_it_keeps_versions(world, client):
    doc = _doc(world, client, world.province, province=world.P.pk)
    url = reverse("board:version_new", args=[doc.pk])
    client.force_login(world.province)
    client.post(url, {"file": SimpleUploadedFile("v2.docx", DOCX), "note": "Sửa mục 3"})
    assert list(doc.versions.values_list("number", flat=True)) == [2, 1]
    assert doc.versions.first().original_name == "v2.docx"
    client.post(url, {"file": SimpleUploadedFile("v3.pdf", b"MZ" + b"0" * 50)})
    assert doc.versions.count() == 2
    for user in (world.outsider, world.viewer):
        client.force_login(user)
        response = client.post(url, {"file": SimpleUploadedFile("v9.pdf", PDF)})
        assert response.status_code == 404
    assert doc.versions.count() == 2
    assert AuditEntry.objects.filter(action="board.document.version_added").count() == 1


def test_it_does_not_expose_files_under_a_media_url(world, client, settings):
    doc = _doc(world, client, world.central, public="on")
    name = doc.versions.get().file.name
    assert name.startswith("private/board/")
    assert client.get("/" + settings.MEDIA_URL + name).status_code == 404
