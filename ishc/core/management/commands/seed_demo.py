from django.core.management.base import BaseCommand
from django.db import transaction

from ishc.core.demo import DEMO_PASSWORD, build


class Command(BaseCommand):
    help = "Create (or keep) the demo clubs, members and one user per role, and print the logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            ctx = build()
        self.stdout.write("")
        self.stdout.write(f"{'user name':<14} {'role':<24} area")
        self.stdout.write("-" * 70)
        for username, role, area in ctx.logins:
            self.stdout.write(f"{username:<14} {role:<24} {area}")
        self.stdout.write(f"\nPassword for every demo user: {DEMO_PASSWORD}")
