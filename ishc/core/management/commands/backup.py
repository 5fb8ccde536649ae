from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from ishc.core.backup import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files (MEDIA_ROOT) into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="file to write (default: ishc-backup-<date-time>.tar.gz here)",
        )

    def handle(self, *args, archive=None, **options):
        name = archive or f"ishc-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        manifest = backup(Path(name))
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"{name}: {rows} rows, {len(manifest['media'])} uploaded files")
