import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ishc.board.models import Contribution, ContributionKind, Purpose, SourceType
from ishc.finance import ledger, services
from ishc.finance.models import Category, Entry, EntryKind, FundKind

D = datetime.date


def _contribution(amount, *, club=None, unit=None, kind=ContributionKind.CASH):
    return Contribution.objects.create(
        received_on=D(2024, 11, 20),
        source_type=SourceType.INTERNATIONAL_ORG,
        source_name="HelpAge International",
        kind=kind,
        amount=amount,
        club=club,
        unit=unit,
        purpose=Purpose.LOAN_CAPITAL,
    )


def _capital(user, club, amount, contribution, kind=EntryKind.CAPITAL, category=Category.DONOR):
    return services.record_entry(
        user,
        club,
        fund_kind=FundKind.IGF,
        kind=kind,
        amount=amount,
        date=D(2024, 12, 1),
        category=category,
        contribution=contribution,
    )


def test_it_links_capital_to_the_contribution_it_comes_from(world):
    gift = _contribution(20_000_000, club=world.A)
    entry = _capital(world.club, world.A, 20_000_000, gift)
    assert entry.contribution == gift
    assert list(gift.capital_entries.all()) == [entry]


def test_it_lets_clubs_share_a_commune_allocation_but_not_overdraw_it(world):
    allocation = _contribution(30_000_000, unit=world.P)
    _capital(world.central, world.A, 20_000_000, allocation)
    with pytest.raises(ValidationError) as err:
        _capital(world.central, world.B, 15_000_000, allocation)
    assert re.search(r"10[.,]000[.,]000 ₫", str(err.value))
    assert Entry.objects.filter(club=world.B).count() == 0
    _capital(world.central, world.B, 10_000_000, allocation)


def test_a_reversal_gives_the_share_back(world):
    gift = _contribution(20_000_000, club=world.A)
    entry = _capital(world.club, world.A, 20_000_000, gift)
    services.reverse_entry(world.club, entry, date=D(2024, 12, 2), reason="Nhập nhầm số tiền")
    again = _capital(world.club, world.A, 20_000_000, gift)
    assert again.contribution == gift
    assert ledger.balance(entry.fund, D(2024, 12, 31)) == 20_000_000


@pytest.mark.parametrize(
    "case, message",
    [
        ("other club", "another club or unit"),
        ("in kind", "in kind"),
        ("expense", "Only capital"),
    ],
)
def test_it_refuses_a_contribution_that_does_not_fit(world, case, message):
    if case == "other club":
        gift, kind, category = (
            _contribution(5_000_000, club=world.C),
            EntryKind.CAPITAL,
            Category.DONOR,
        )
    elif case == "in kind":
        gift = _contribution(5_000_000, club=world.A, kind=ContributionKind.IN_KIND)
        kind, category = EntryKind.CAPITAL, Category.DONOR
    else:
        gift = _contribution(5_000_000, club=world.A)
        _capital(world.club, world.A, 1_000_000, gift)
        kind, category = EntryKind.EXPENSE, Category.OTHER
    before = Entry.objects.count()
    with pytest.raises(ValidationError) as err:
        _capital(world.club, world.A, 500_000, gift, kind=kind, category=category)
    assert message in str(err.value)
    assert Entry.objects.count() == before


def test_the_entry_form_offers_only_this_clubs_cash_contributions(client, world):
    mine = _contribution(5_000_000, club=world.A)
    provincial = _contribution(9_000_000, unit=world.P)
    _contribution(5_000_000, club=world.B)
    _contribution(5_000_000, club=world.A, kind=ContributionKind.IN_KIND)
    client.force_login(world.club)
    response = client.get(reverse("finance:entry_new", args=[world.A.pk]))
    assert set(response.context["form"].fields["contribution"].queryset) == {mine, provincial}
