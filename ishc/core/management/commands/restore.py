from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ishc.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with those of an archive made by `backup`. "
        "Everything recorded since that backup is lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask for confirmation (scripts)"
        )

    def handle(self, *args, archive, yes=False, **options):
        if not yes:
            answer = input(
                "This replaces the whole database and MEDIA_ROOT with the backup. Type 'yes': "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            manifest = restore(Path(archive))
        except BackupError as e:
            raise CommandError(f"Restore refused: {e}. Nothing was changed.") from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"Restored {rows} rows and {len(manifest['media'])} files from {manifest['created']}."
        )
