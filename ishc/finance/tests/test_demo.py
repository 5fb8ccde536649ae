"""The demo shows loans in every state, with arrears relative to today, and can be re-run."""

from django.utils import timezone

from ishc.core import demo
from ishc.finance import ledger
from ishc.finance.models import Entry, Loan, LoanStatus, WriteOff, WriteOffStatus
from ishc.geo.loader import DATA_DIR, load


def test_it_builds_loans_in_every_state_once(db):
    load(DATA_DIR)
    ctx = demo.build()
    statuses = set(Loan.objects.values_list("status", flat=True))
    assert statuses == set(LoanStatus.values) - {LoanStatus.REJECTED}
    assert Loan.objects.filter(schedule_version__gt=1).exists()  # rescheduled
    assert WriteOff.objects.filter(status=WriteOffStatus.PENDING).exists()
    today = timezone.localdate()
    loans = ledger.with_arrears(Loan.objects.filter(club=ctx.objects["club"]), today)
    assert set(loans.values_list("bucket", flat=True)) == {0, 1, 2, 3, 4}
    entries = Entry.objects.count()
    demo.build()
    assert Entry.objects.count() == entries
