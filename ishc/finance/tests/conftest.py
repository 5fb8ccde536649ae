import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from ishc.clubs.services import add_member
from ishc.finance import services
from ishc.finance.models import Category, EntryKind, FundKind

D = datetime.date
JOINED = D(2021, 2, 1)
CAPITAL_ON = D(2024, 12, 1)


def make_member(club, name, ethnicity, joined=JOINED):
    return add_member(
        None, club, joined_on=joined, full_name=name, sex="F", birth_year=1955, ethnicity=ethnicity
    )


def capital(user, club, amount, on=CAPITAL_ON, fund=FundKind.IGF):
    return services.record_entry(
        user,
        club,
        fund_kind=fund,
        kind=EntryKind.CAPITAL,
        amount=amount,
        date=on,
        category=Category.COMMUNE_PC,
    )


def applied_loan(user, club, member, amount, on, months=12, rate="6", method="declining"):
    return services.apply_loan(
        user,
        club,
        member=member,
        amount=amount,
        purpose="Nuôi lợn",
        applied_on=on,
        months=months,
        annual_rate=rate,
        method=method,
    )


def active_loan(user, club, member, amount, on, months=12, rate="6", method="declining"):
    loan = applied_loan(user, club, member, amount, on, months, rate, method)
    services.approve_loan(user, loan, on=on, meeting="Họp tháng")
    services.disburse(user, loan, on=on)
    loan.refresh_from_db()
    return loan


@pytest.fixture
def fin(world):
    f = SimpleNamespace(w=world)
    f.a1 = make_member(world.A, "Nguyễn Thị Hoa", world.kinh)
    f.a2 = make_member(world.A, "Trần Văn Sơn", world.kinh)
    f.b1 = make_member(world.B, "Lê Thị Mai", world.kinh)
    f.c1 = make_member(world.C, "Phạm Thị Lan", world.kinh)
    return f


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are asserted in English (the msgids); Vietnamese is checked on its own."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
