"""Print a loan schedule as CSV, from the same function the app uses to store schedules."""

import csv
import datetime
import sys
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from ishc.finance.schedule import METHODS, build_schedule


class Command(BaseCommand):
    help = "Print a loan's repayment schedule as CSV: no,due_date,principal,interest,total,balance"

    def add_arguments(self, parser):
        parser.add_argument("--principal", type=int, required=True, help="whole VND")
        parser.add_argument("--annual-rate", required=True, help="% a year, e.g. 6 or 7.2")
        parser.add_argument("--months", type=int, required=True)
        parser.add_argument("--method", choices=METHODS, required=True)
        parser.add_argument("--start", required=True, help="disbursement date, YYYY-MM-DD")

    def handle(self, *args, **opts):
        try:
            rate = Decimal(opts["annual_rate"])
            start = datetime.date.fromisoformat(opts["start"])
            rows = build_schedule(opts["principal"], rate, opts["months"], opts["method"], start)
        except (ValueError, InvalidOperation) as error:
            raise CommandError(str(error)) from None
        writer = csv.writer(
            self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout, lineterminator="\n"
        )
        writer.writerow(["no", "due_date", "principal", "interest", "total", "balance"])
        for r in rows:
            writer.writerow(
                [r.no, r.due_date.isoformat(), r.principal, r.interest, r.total, r.balance]
            )
