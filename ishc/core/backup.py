"""Backup and restore of the whole system: the database and the uploaded files, in one archive.

Why Django's dumpdata/loaddata rather than pg_dump: the same archive works on SQLite and
PostgreSQL and moves a pilot's SQLite data to a production PostgreSQL; it needs no database
client on the server; and it is checked on load by the same model constraints. pg_dump remains
the faster choice for a very large PostgreSQL database (docs/security.md says how).

The archive (.tar.gz) holds:
- manifest.json: format, when, the applied migrations, row counts per model, and the size and
  SHA-256 of every uploaded file;
- data.json: every table except those rebuilt by `migrate` (content types, permissions), open
  sessions and log-in failure counters; foreign keys to content types and users are written by
  their natural keys so that they survive a re-numbered content type;
- media/…: MEDIA_ROOT as it was.

Restore refuses an archive made at other migrations (run the matching version's `migrate`
first), empties the database, loads data.json in one transaction, then swaps MEDIA_ROOT for the
archive's files, and finally checks row counts and file hashes against the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "ishc-backup-1"
# Rebuilt by migrate, or not worth keeping (sessions: everyone logs in again after a restore;
# axes: failure counters).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]


class BackupError(Exception):
    """A message for the person running the command."""


def _models():
    excluded = {e for e in EXCLUDED if "." not in e}
    excluded_models = {e for e in EXCLUDED if "." in e}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in excluded or meta.label_lower in excluded_models:
            continue
        if meta.proxy or not meta.managed:
            continue
        yield model


def _migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in _models()}


def _media_files(root: Path) -> dict[str, dict]:
    files = {}
    if not root.exists():
        return files
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256()
            with path.open("rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
            rel = path.relative_to(root).as_posix()
            files[rel] = {"size": path.stat().st_size, "sha256": digest.hexdigest()}
    return files


def backup(target: Path) -> dict:
    """Write the archive to `target`; return its manifest."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        # One read-consistent picture of the database (PostgreSQL: one transaction's snapshot).
        with transaction.atomic():
            call_command(
                "dumpdata",
                exclude=EXCLUDED,
                natural_foreign=True,
                output=str(data),
                format="json",
                verbosity=0,
            )
            manifest = {
                "format": FORMAT,
                "created": datetime.datetime.now(datetime.UTC).isoformat(),
                "database": connections[DEFAULT_DB_ALIAS].vendor,
                "migrations": _migrations(),
                "counts": _counts(),
                "media": _media_files(media),
            }
        with tarfile.open(target, "w:gz") as tar:
            body = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
            tar.add(data, arcname="data.json")
            for rel in manifest["media"]:
                tar.add(media / rel, arcname=f"media/{rel}")
    return manifest


def _safe_members(tar: tarfile.TarFile):
    """Only plain files and folders under media/, with no absolute path and no "..": an archive
    cannot write outside MEDIA_ROOT."""
    for member in tar.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"unsafe entry in the archive: {member.name}")
        yield member


def restore(source: Path) -> dict:
    """Replace the database and MEDIA_ROOT with the archive's content; return its manifest."""
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(source, "r:gz") as tar, tempfile.TemporaryDirectory() as tmp:
        members = list(_safe_members(tar))
        names = {m.name for m in members}
        if not {"manifest.json", "data.json"} <= names:
            raise BackupError("not an ISHC backup: manifest.json or data.json is missing")
        manifest = json.load(tar.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["migrations"] != _migrations():
            raise BackupError(
                "the backup was made at other migrations than this database's: install the "
                "version of ISHC that made it and run `migrate`, then restore"
            )
        staged = Path(tmp)
        for member in members:
            if member.isfile():
                target = staged / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
        restored_media = staged / "media"
        restored_media.mkdir(exist_ok=True)
        if _media_files(restored_media) != manifest["media"]:
            raise BackupError("the uploaded files in the archive do not match its manifest")
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(staged / "data.json"), verbosity=0)
            if _counts() != manifest["counts"]:
                raise BackupError("the restored rows do not match the manifest's counts")
        # The database is in; now the files, swapped in whole.
        old = media.with_name(media.name + ".before-restore")
        if old.exists():
            shutil.rmtree(old)
        if media.exists():
            media.rename(old)
        shutil.copytree(restored_media, media)
        if old.exists():
            shutil.rmtree(old)
    return manifest
