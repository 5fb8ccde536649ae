"""`manage.py backup` and `manage.py restore`: a restore gives back exactly what was backed up,
database rows and uploaded files, on SQLite and on PostgreSQL."""

import hashlib
import io
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from ishc.audit.services import record
from ishc.board import services as board
from ishc.clubs.models import Club, Member
from ishc.clubs.tests.conftest import fill
from ishc.core.backup import EXCLUDED

pytestmark = pytest.mark.django_db(transaction=True)


def _fingerprint(media: Path) -> tuple[dict, dict]:
    """Every row of every backed-up model (foreign keys to content types and users by natural
    key, since content types are rebuilt by migrate) and every file's hash."""
    rows = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in EXCLUDED or meta.label_lower in EXCLUDED or meta.proxy:
            continue
        rows[meta.label] = serializers.serialize(
            "json", model._default_manager.order_by("pk"), use_natural_foreign_keys=True
        )
    files = {
        p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(media.rglob("*"))
        if p.is_file()
    }
    return rows, files


@pytest.fixture
def filled(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    fill(world.A, world.kinh, 5)
    board.create_document(
        world.central,
        upload=SimpleUploadedFile("Quyết định.pdf", b"%PDF-1.4\n%%EOF\n"),
        title="Quyết định số 1",
        doc_type="decision",
        issuer="TTg",
        issued_on="2025-01-01",
        language="vi",
    )
    record(world.commune, "clubs.club.updated", world.A, before={"name": "A"}, after={"name": "B"})
    return world


def test_a_restore_is_identical_to_what_was_backed_up(filled, settings, tmp_path):
    media = Path(settings.MEDIA_ROOT)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    before = _fingerprint(media)
    assert before[1], "the test needs an uploaded file"
    # Life goes on after the backup: a member leaves the database, a club is added, a file is
    # lost and a stray one appears.
    Member.objects.filter(pk=Member.objects.first().pk).delete()
    Club.objects.filter(pk=filled.B.pk).update(name="Đổi tên")
    next(p for p in media.rglob("*.pdf")).unlink()
    (media / "stray.txt").write_text("x")
    assert _fingerprint(media) != before
    call_command("restore", str(archive), yes=True, stdout=io.StringIO())
    assert _fingerprint(media) == before


def test_it_refuses_an_archive_that_would_write_outside_media(filled, tmp_path):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name in ["manifest.json", "data.json", "../../escape.txt"]:
            info = tarfile.TarInfo(name)
            info.size = 2
            tar.addfile(info, io.BytesIO(b"{}"))
    members = Member.objects.count()
    with pytest.raises(CommandError, match="unsafe entry"):
        call_command("restore", str(archive), yes=True)
    assert Member.objects.count() == members
    assert not (tmp_path.parent.parent / "escape.txt").exists()
