"""Submitting a report closes its month to new entries, with no gap: an entry being written
while the report is submitted is either frozen into the figures or refused, never left out. And
nothing that locks for a club deadlocks with an entry of that club being committed."""

import datetime
import threading
import time
import uuid

import pytest
from django.db import connection, transaction

from ishc.core.tests.test_once import postgres_only
from ishc.finance import services as finance
from ishc.reports.services import transition


def _someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def while_an_entry_is_uncommitted(world, action) -> dict:
    """Run `action` in a thread while the treasurer's entry of 250,000 ₫ (activity fund,
    20/03/2026) is written but not committed; let the entry commit once `action` waits on a
    lock (or has finished). Returns {"entry": "committed", "result": what action returned}."""
    written, release, out = threading.Event(), threading.Event(), {}

    def treasurer():
        try:
            with transaction.atomic():
                finance.record_entry(
                    world.club,
                    world.A,
                    fund_kind="activity",
                    kind="income",
                    amount=250_000,
                    date=datetime.date(2026, 3, 20),
                    category="golden_heart",
                )
                written.set()
                release.wait(20)
            out["entry"] = "committed"
        finally:
            connection.close()

    def other():
        try:
            out["result"] = action()
        finally:
            connection.close()

    first = threading.Thread(target=treasurer)
    first.start()
    assert written.wait(20)
    second = threading.Thread(target=other)
    second.start()
    deadline = time.monotonic() + 10
    while second.is_alive() and not _someone_waits_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    release.set()
    first.join(30)
    second.join(30)
    return out


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_freezes_an_entry_committed_while_the_report_was_being_submitted(world, report):
    out = while_an_entry_is_uncommitted(world, lambda: transition(world.club, report, "submit"))
    assert out["entry"] == "committed"
    assert out["result"].figures["activity_balance"] == 250_000


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_lets_a_meeting_day_batch_and_an_entry_of_the_same_club_both_commit(world, report):
    from ishc.activities.meetingday import LineIn, sync
    from ishc.activities.tests.factories import member

    hoa = member(world.A, "Lê Thị Hoa")
    fee = LineIn(uuid=uuid.uuid4(), field="fee", member=hoa.pk, value="20.000")
    out = while_an_entry_is_uncommitted(
        world,
        # On the day of the month's meeting (the fixture's).
        lambda: sync(
            world.club, world.A, datetime.date(2026, 3, 1), datetime.date(2026, 3, 10), [fee]
        ),
    )
    assert out["entry"] == "committed"
    assert [a["status"] for a in out["result"].answers] == ["applied"]
