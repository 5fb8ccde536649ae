import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ishc.geo.loader import DATA_DIR, DataError, load


class Command(BaseCommand):
    help = "Load (or refresh) administrative units, their 2025 succession and ethnic groups."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)

    def handle(self, *args, data_dir: Path, **options):
        try:
            result = load(data_dir)
        except DataError as exc:
            raise CommandError(f"Nothing was changed. Problems in the data files:\n{exc}") from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False))
