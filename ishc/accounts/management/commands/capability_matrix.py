"""Print the role × capability matrix from ishc.accounts.permissions, or write it into
docs/architecture.md between its markers (a test fails when the doc and the table differ)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ishc.accounts.permissions import matrix_markdown

START, END = "<!-- capability matrix: start -->\n", "<!-- capability matrix: end -->"


class Command(BaseCommand):
    help = "Print (or --write into docs/architecture.md) the role × capability matrix."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="Update docs/architecture.md.")

    def handle(self, write, **options):
        table = matrix_markdown()
        if not write:
            self.stdout.write(table, ending="")
            return
        path = Path(settings.BASE_DIR) / "docs" / "architecture.md"
        text = path.read_text()
        head, rest = text.split(START, 1)
        _old, tail = rest.split(END, 1)
        path.write_text(head + START + table + END + tail)
        self.stdout.write(f"{path} updated")
