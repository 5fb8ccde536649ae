"""Once-only submits, per form family: the same token posted twice (and, on PostgreSQL, four
times at once) writes one row. Every family that writes is here: finance, activities (records,
meetings, home-care visits), clubs, reports, board and accounts."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from ishc.accounts.models import Role, User
from ishc.activities.models import ActivityRecord, Meeting, Visit
from ishc.activities.services import add_cared_person, add_home_care_volunteer
from ishc.activities.tests.factories import member
from ishc.board.models import Contribution
from ishc.clubs.models import Member
from ishc.core.once import ONCE_FIELD
from ishc.finance.models import Entry, EntryKind, Loan
from ishc.finance.tests.conftest import active_loan, capital
from ishc.reports.models import MonthlyReport

from .test_once import postgres_only, race_posts

TOKEN = "7c1d0e4b9a2f4e11"
TODAY = datetime.date.today().isoformat()


def _finance_entry(world):
    url = reverse("finance:entry_new", args=[world.A.pk])
    data = {
        "fund": "activity",
        "kind": "expense",
        "category": "visits",
        "amount": "100.000",
        "date": "2025-03-01",
    }
    capital(world.club, world.A, 1_000_000, fund="activity")
    return world.club, url, data, lambda: Entry.objects.filter(kind=EntryKind.EXPENSE).count()


def _finance_repayment(world):
    hoa = member(world.A, "Nguyễn Thị Hoa")
    capital(world.club, world.A, 10_000_000)
    loan = active_loan(
        world.club, world.A, hoa, 1_200_000, datetime.date(2025, 1, 1), rate="0", method="flat"
    )
    url = reverse("finance:loan_action", args=[loan.pk, "repay"])
    data = {"repay-on": "2025-02-01", "repay-amount": "100.000"}

    def count():
        return Entry.objects.filter(kind=EntryKind.PRINCIPAL).count()

    count.page = reverse("finance:loan", args=[loan.pk])
    return world.club, url, data, count


def _finance_loan_application(world):
    hoa = member(world.A, "Nguyễn Thị Hoa")
    url = reverse("finance:loan_new", args=[world.A.pk])
    data = {
        "member": hoa.pk,
        "amount": "3.000.000",
        "purpose": "Trồng nấm",
        "months": 6,
        "monthly_rate": "0.5",
        "method": "declining",
        "applied_on": "2025-03-01",
    }
    return world.club, url, data, Loan.objects.count


def _activity_record(world):
    url = reverse("activities:record_new", args=[world.A.pk, "fundraising"])
    data = {"on": "2026-03-02", "title": "Quyên góp", "participants": 6, "value_vnd": "300.000"}
    return world.club, url, data, ActivityRecord.objects.count


def _meeting(world):
    hoa = member(world.A, "Nguyễn Thị Hoa")
    url = reverse("activities:meeting_new", args=[world.A.pk])
    data = {"held_on": "2026-03-12", f"att_{hoa.pk}": "on"}
    return world.club, url, data, Meeting.objects.count


def _home_care_visit(world):
    hoa = member(world.A, "Nguyễn Thị Hoa")
    since = datetime.date(2026, 1, 1)
    volunteer = add_home_care_volunteer(world.club, world.A, member=hoa, since=since)
    person = add_cared_person(
        world.club, world.A, full_name="Cụ Tư", reason="bedridden", since=since
    )
    url = reverse("activities:homecare_add", args=[world.A.pk, "visit"])
    data = {
        "visit-person": person.pk,
        "visit-volunteer": volunteer.pk,
        "visit-on": TODAY,
        "visit-services": "Nấu cơm",
    }

    def count():
        return Visit.objects.count()

    count.page = reverse("activities:homecare", args=[world.A.pk])
    return world.club, url, data, count


def _club_member(world):
    url = reverse("clubs:member_add", args=[world.A.pk])
    data = {
        "full_name": "Hoàng Thị Lan",
        "sex": "F",
        "birth_year": "1958",
        "ethnicity": world.tay.pk,
        "household": "near_poor",
        "joined_on": "15/03/2025",
    }
    return world.club, url, data, Member.objects.count


def _report(world):
    url = reverse("reports:club", args=[world.A.pk])
    return world.club, url, {"month": "2026-03"}, MonthlyReport.objects.count


def _contribution(world):
    data = {
        "received_on": "2025-06-01",
        "source_type": "enterprise",
        "source_name": "Công ty Sữa Việt",
        "kind": "cash",
        "amount": "15.000.000",
        "purpose": "loan_capital",
        "commune": world.c1.pk,
    }
    return world.commune, reverse("board:contribution_new"), data, Contribution.objects.count


def _person(world):
    data = {
        "username": "new",
        "first_name": "Lò Thị",
        "last_name": "Mai",
        "organisation": "",
        "phone": "",
        "email": "",
        "role": Role.COMMUNE,
        "commune": world.c2.pk,
    }
    return world.province, reverse("person_add"), data, User.objects.count


FAMILIES = {
    "finance-entry": _finance_entry,
    "finance-repayment": _finance_repayment,
    "finance-loan": _finance_loan_application,
    "activity-record": _activity_record,
    "meeting": _meeting,
    "home-care-visit": _home_care_visit,
    "club-member": _club_member,
    "report": _report,
    "board-contribution": _contribution,
    "accounts-person": _person,
}


@pytest.mark.django_db
@pytest.mark.parametrize("family", FAMILIES)
def test_it_writes_once_when_a_form_is_sent_twice(family, world, client):
    user, url, data, count = FAMILIES[family](world)
    before = count()
    client.force_login(user)
    page = getattr(count, "page", url)
    assert f'name="{ONCE_FIELD}"' in client.get(page).content.decode()
    first = client.post(url, {**data, ONCE_FIELD: TOKEN})
    assert count() == before + 1, first.content.decode()[:2000]
    second = client.post(url, {**data, ONCE_FIELD: TOKEN})
    assert second.status_code == 302
    assert count() == before + 1


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("family", FAMILIES)
def test_it_writes_once_when_a_form_is_sent_four_times_at_once(family, world):
    user, url, data, count = FAMILIES[family](world)
    before = count()
    codes = race_posts(user, url, {**data, ONCE_FIELD: TOKEN})
    assert all(code in (200, 302) for code in codes), codes
    assert count() == before + 1
    if connection.vendor == "postgresql":
        assert codes.count(302) >= 3
