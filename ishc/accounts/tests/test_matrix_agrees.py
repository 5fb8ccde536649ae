"""The whole matrix, walked: for each capability, each user of the test world and the object in
question, the capability table, the page and the service give the same answer. A page that
showed a form the service then refused (or a service that accepted what the page hides) is the
drift the one table exists to prevent."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from ishc.accounts.permissions import can
from ishc.accounts.scope import editable
from ishc.activities import services as activities
from ishc.activities.models import Kind
from ishc.board import services as board
from ishc.clubs import importer
from ishc.clubs import services as clubs
from ishc.finance import services as finance
from ishc.finance.models import Category, EntryKind, FundKind
from ishc.geo.models import Level, Unit
from ishc.indicators import services as indicators
from ishc.reports import services as reports

USERS = ["central", "board", "province", "commune", "club", "viewer", "outsider", "nobody"]
TODAY = datetime.date(2025, 6, 10)


class _RollBack(Exception):
    pass


def _service_allows(call) -> bool:
    """Whether the service lets the user through its check (what it then writes is rolled back;
    a refusal of the data itself, after the check, counts as let through)."""
    try:
        with transaction.atomic():
            call()
            raise _RollBack
    except PermissionDenied:
        return False
    except ValidationError as error:
        return "outside your area" not in str(error)
    except (_RollBack, AssertionError):
        return True


def _own_commune(user, w):
    """A commune of the user's own area (a page with no object is about the user's area)."""
    return editable(user, Unit.objects.filter(level=Level.COMMUNE)).order_by("pk").first() or w.c1


# capability, object (an attribute of the world, or None), the page, the service call.
SCENARIOS = [
    (
        "finance.record",
        "A",
        lambda w: reverse("finance:entry_new", args=[w.A.pk]),
        lambda u, w: finance.record_entry(
            u,
            w.A,
            fund_kind=FundKind.IGF,
            kind=EntryKind.CAPITAL,
            amount=1_000,
            date=TODAY,
            category=Category.COMMUNE_PC,
        ),
    ),
    (
        "clubs.edit",
        "A",
        lambda w: reverse("clubs:edit", args=[w.A.pk]),
        lambda u, w: clubs.update_club(u, w.A, name="CLB A mới"),
    ),
    (
        "activities.record",
        "A",
        lambda w: reverse("activities:record_new", args=[w.A.pk, Kind.COMMUNICATION]),
        lambda u, w: activities.record_activity(u, w.A, kind=Kind.COMMUNICATION, on=TODAY),
    ),
    (
        "reports.commune_setting",
        "c1",
        lambda w: reverse("reports:communes"),
        lambda u, w: reports.set_commune_setting(u, w.c1, True),
    ),
    (
        "clubs.create",
        None,
        lambda w: reverse("clubs:create"),
        lambda u, w: clubs.create_club(u, registered=_own_commune(u, w), name="CLB mới"),
    ),
    (
        "clubs.import",
        None,
        lambda w: reverse("clubs:import", args=["members"]),
        lambda u, w: importer.commit_members(u, importer.Report(kind="members")),
    ),
    (
        "indicators.edit_targets",
        None,
        lambda w: reverse("indicators:target_new"),
        lambda u, w: indicators.create_target(u, unit=_own_commune(u, w)),
    ),
    (
        "board.record",
        None,
        lambda w: reverse("board:contribution_new"),
        lambda u, w: board.record_contribution(u, amount=0),
    ),
]


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize(
    ("cap", "obj", "page", "call"), SCENARIOS, ids=[s[0] + "-" + str(s[1]) for s in SCENARIOS]
)
def test_it_gives_one_answer_in_the_table_the_page_and_the_service(
    client, world, who, cap, obj, page, call
):
    user = getattr(world, who)
    target = getattr(world, obj) if obj else None
    allowed = can(user, cap, target)
    client.force_login(user)
    status = client.get(page(world)).status_code
    assert status in (200, 403, 404), status
    assert (status == 200) == allowed, f"page for {who}: {status}"
    assert _service_allows(lambda: call(user, world)) == allowed, f"service for {who}"
