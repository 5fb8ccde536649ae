"""Small hand-built data on top of the `world` fixture, every figure worked out by hand in
test_figures.py.

On 31/12/2024:
- A (c1, launched 2021): 50 members: 30 women, 35 aged 60+ and 15 younger, i.e. exactly on the
  lower or upper edge of every band; 2 of them joined in August 2024. One more member joined on
  1/7/2024 and left on 15/11/2024, and one joins only in 2025.
- B (c2, 2021): 10 members, 9 women; two exactly 60 on 31/12/2024 (one known by birth year only,
  one born 31/12/1964), one born 1/1/1965 (59); 3 Tày (minority); 4 in difficult circumstances.
- C (c3 in the other province, 2021): 20 members, 10 women, 10 aged 60+.
- D registered under a legacy commune that became c1, launched 10/5/2023, cohort 1533: 5 women
  aged 40, joined 1/6/2023.
- E (c2, launched 1/3/2022, mountainous) dissolved on 30/6/2024: 8 men aged 70 whose periods
  were never closed.
"""

import datetime
from itertools import count

import pytest
from django.core.cache import cache

from conftest import make_club, make_unit
from ishc.board.models import Contribution
from ishc.clubs.models import ClubStatus, ClubStatusChange, Cohort, Household, Member, Membership
from ishc.finance.tests.conftest import active_loan, capital
from ishc.geo.models import Level, Scheme

D = datetime.date
_names = count(1)


def person(club, *, joined, left=None, sex="F", year=1950, birth_date=None, **fields):
    member = Member.objects.create(
        club=club,
        full_name=f"Hội viên {next(_names)}",
        sex=sex,
        birth_year=birth_date.year if birth_date else year,
        birth_date=birth_date,
        ethnicity=fields.pop("ethnicity"),
        **fields,
    )
    Membership.objects.create(member=member, club=club, joined_on=joined, left_on=left)
    return member


@pytest.fixture
def ledger(world):
    w = world
    kinh = {"ethnicity": w.kinh}
    early = D(2021, 2, 1)
    # A: 30 women (20 older, 10 younger) and 20 men (15 older, 5 younger) = 35 older, 15 younger.
    for _i in range(20):
        person(w.A, joined=early, birth_date=D(1950, 1, 1), **kinh)
    for i in range(10):
        person(w.A, joined=early if i else D(2024, 8, 1), birth_date=D(1990, 5, 5), **kinh)
    for i in range(15):
        person(w.A, joined=early if i else D(2024, 8, 1), sex="M", birth_date=D(1950, 1, 1), **kinh)
    for _i in range(5):
        person(w.A, joined=early, sex="M", birth_date=D(1990, 1, 1), **kinh)
    person(w.A, joined=D(2024, 7, 1), left=D(2024, 11, 15), sex="M", year=1980, **kinh)
    person(w.A, joined=D(2025, 1, 5), year=1950, **kinh)

    # B: 10 members.
    person(w.B, joined=early, year=1964, **kinh)  # 60 by birth year
    person(w.B, joined=early, birth_date=D(1964, 12, 31), **kinh)  # 60 on the day
    person(w.B, joined=early, birth_date=D(1965, 1, 1), household=Household.POOR, **kinh)
    for i in range(6):
        person(
            w.B,
            joined=early,
            year=1985,
            ethnicity=w.tay if i < 3 else w.kinh,
            household=Household.NEAR_POOR if i < 2 else Household.AVERAGE,
            disabled=(i == 5),
        )
    person(w.B, joined=early, sex="M", year=1985, **kinh)

    # C: 20 members, 10 women, 10 older.
    for i in range(20):
        person(w.C, joined=early, sex="F" if i < 10 else "M", year=1950 if i % 2 else 1990, **kinh)

    legacy = make_unit(Scheme.LEGACY, Level.COMMUNE, 9001, "Xã Cũ")
    w.D = make_club("CLB D", w.c1, founded_on=D(2023, 5, 10))
    w.D.registered_unit = legacy
    w.D.cohort = Cohort.P1533
    w.D.save()
    for _i in range(5):
        person(w.D, joined=D(2023, 6, 1), year=1984, **kinh)

    w.E = make_club("CLB E", w.c2, founded_on=D(2022, 3, 1), mountainous=True)
    ClubStatusChange.objects.create(club=w.E, status=ClubStatus.ACTIVE, since=D(2022, 3, 1))
    ClubStatusChange.objects.create(club=w.E, status=ClubStatus.DISSOLVED, since=D(2024, 6, 30))
    w.E.status = ClubStatus.DISSOLVED
    w.E.save()
    for _i in range(8):
        person(w.E, joined=D(2022, 3, 1), sex="M", year=1954, **kinh)
    return w


@pytest.fixture(autouse=True)
def _no_result_cache(settings):
    # Database rows are rolled back between tests and audit ids may repeat, so a cached result
    # could outlive its data; test_cache.py turns the cache on where it is the subject.
    settings.ISHC = {**settings.ISHC, "DASHBOARD_CACHE_SECONDS": 0}


@pytest.fixture
def cached(settings):
    """The shared result cache on (the suite runs with it off), empty before and after."""
    cache.clear()
    settings.ISHC = {**settings.ISHC, "DASHBOARD_CACHE_SECONDS": 86400}
    yield
    cache.clear()


@pytest.fixture
def country(ledger):
    """The indicators' ledger with money in two provinces and resources given to a club, to a
    province and to the programme nationally (which is in no province)."""
    w = ledger
    a_member, c_member = w.A.members.first(), w.C.members.first()
    capital(w.central, w.A, 20_000_000, on=D(2024, 1, 10))
    capital(w.central, w.C, 5_000_000, on=D(2024, 2, 10))
    active_loan(w.central, w.A, a_member, 3_000_000, D(2024, 2, 1))
    active_loan(w.central, w.C, c_member, 2_000_000, D(2024, 3, 1))
    for amount, where in [
        (4_000_000, {"club": w.A}),
        (7_000_000, {"unit": w.Q}),
        (9_000_000, {}),  # to the programme nationally
    ]:
        Contribution.objects.create(
            received_on=D(2024, 6, 1),
            source_type="enterprise",
            source_name="Công ty",
            kind="cash",
            amount=amount,
            purpose="loan_capital",
            **where,
        )
    return w
