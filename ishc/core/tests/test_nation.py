"""The national data generator on a tiny nation: counts, determinism and the app's invariants."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Sum

from ishc.clubs.models import BoardPosition, Club, Member, Membership
from ishc.core.nation import Nation
from ishc.finance import ledger
from ishc.finance.models import Entry, EntryKind, Fund, Loan, LoanStatus
from ishc.indicators.figures import headcount
from ishc.reports.models import MonthlyReport

TODAY = datetime.date(2026, 6, 15)


def _fingerprint():
    return (
        list(Club.objects.order_by("code").values_list("code", "name", "commune_id", "founded_on")),
        list(Member.objects.order_by("pk").values_list("full_name", "birth_year", "sex")),
        list(Entry.objects.order_by("pk").values_list("date", "kind", "amount", "principal")),
    )


def test_it_builds_the_same_nation_for_a_seed(world):
    class Again(Exception):
        pass

    prints = []
    for _run in range(2):
        with pytest.raises(Again), transaction.atomic():
            Nation(4, 2, seed=7, today=TODAY).run()
            prints.append(_fingerprint())
            raise Again
    assert prints[0] == prints[1] and prints[0][1]


def test_it_builds_a_tiny_nation_that_keeps_the_apps_rules(world):
    Club.objects.all().delete()  # the world's own clubs have no members or money
    counts = Nation(12, 3, seed=3, today=TODAY, meeting_months=4).run()
    assert counts["clubs"] == Club.objects.count() == 12
    assert counts["members"] == Member.objects.count() == Membership.objects.count()
    assert Fund.objects.count() == 24 and BoardPosition.objects.count() == 36
    assert counts["loans"] == Loan.objects.count() > 0
    assert counts["entries"] == Entry.objects.count()
    assert counts["reports"] == MonthlyReport.objects.count() > 0
    assert counts["attendance"] > 0 and counts["readings"] > 0 and counts["meetings"] > 0
    # Clubs sit in their commune's province; sizes mostly in the 50–70 band.
    assert not Club.objects.exclude(province=F("commune__province")).exists()
    # Money: each club's balances are the sums of its entries, the income fund never negative,
    # a loan's outstanding principal matches its status.
    for club in Club.objects.all():
        balances = ledger.club_balances(club, TODAY)
        raw = Entry.objects.filter(club=club).values("fund__kind").annotate(s=Sum("amount"))
        assert balances == {row["fund__kind"]: row["s"] for row in raw}
        assert balances["igf"] >= 0
    for loan in Loan.objects.all():
        outstanding = ledger.loan_state(loan, TODAY).outstanding
        if loan.status == LoanStatus.ACTIVE:
            assert outstanding > 0
        else:
            assert outstanding == 0, loan.status
    assert Loan.objects.values("status").distinct().count() == len(LoanStatus.values) - 3
    # Reversals undo exactly one entry each.
    reversed_ = Entry.objects.filter(reverses__isnull=False)
    assert reversed_.exists()
    for entry in reversed_:
        assert entry.amount == -entry.reverses.amount
    assert (
        Entry.objects.filter(kind=EntryKind.WRITE_OFF).count()
        == Loan.objects.filter(status=LoanStatus.WRITTEN_OFF).count()
    )
    # The dashboards' head count is the plain count of current members of active clubs.
    count = headcount(Club.objects.all(), TODAY)
    active = Club.objects.filter(status="active")
    assert count["clubs"] == active.count()
    assert (
        count["members"]
        == Membership.objects.filter(club__in=active, joined_on__lte=TODAY)
        .exclude(left_on__lte=TODAY)
        .count()
    )
    by_state = dict(MonthlyReport.objects.values_list("status").annotate(n=Count("pk")))
    assert len(by_state) >= 3


def test_it_runs_as_a_command_and_refuses_a_seed_used_already(world, capsys):
    call_command("generate_national_data", clubs=2, years=1, seed=9, meeting_months=2)
    out = capsys.readouterr().out
    assert "2/2 clubs" in out and "clubs: 2" in out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_national_data", clubs=2, years=1, seed=9)
