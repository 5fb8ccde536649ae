"""Import clubs, members or targets from an .xlsx file, with the same checks as the upload page.

    python manage.py import_xlsx members danh-sach.xlsx --dry-run
    python manage.py import_xlsx targets chi-tieu.xlsx --user tinh_tq

Every error is printed as "sheet, row, column: message"; the exit status is non-zero if there
is any, and nothing is written. Runs with national scope (it is an administrator's tool); pass
--user to act as (and be limited to the area of) a user, and to record them in the audit log.

A member row that may be a registered person (same name without diacritics, or same name with
another birth) is an error here, as there is nobody to ask: give the row the member's code, or
pass --new-when-unsure to add every such row as a new member.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ishc.accounts.models import User
from ishc.clubs import importer


class Command(BaseCommand):
    help = "Import clubs, members or targets from .xlsx (validate all rows, then write all)."

    def add_arguments(self, parser):
        # Every kind of the importer, the targets (registered by ishc.indicators) included.
        parser.add_argument("kind", choices=list(importer.SHEETS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Validate only; write nothing.")
        parser.add_argument("--user", help="Act as this user (their area and audit name).")
        parser.add_argument(
            "--new-when-unsure",
            action="store_true",
            help="Add rows that may be a registered member as new members.",
        )

    def handle(self, kind, file, dry_run, user=None, new_when_unsure=False, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user {user!r}")
        data = file.read_bytes()
        decisions = None
        if new_when_unsure and kind == "members":
            near = importer.validate(kind, actor, data).near
            decisions = {row["row_number"]: "new" for row in near}
        report = importer.run(
            kind, actor, data, commit=not dry_run, filename=file.name, decisions=decisions
        )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(report.errors)} error(s); nothing was written.")
        if dry_run:
            self.stdout.write(
                f"{len(report.rows)} rows valid ({report.new_rows} new, "
                f"{report.existing_rows} existing); dry run, nothing written."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{report.created} created, {report.updated} updated.")
            )
