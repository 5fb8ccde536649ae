import datetime

import pytest

from ishc.board import figures
from ishc.board.models import Contribution, Event


def _give(world, n, **fields):
    for i in range(n):
        Contribution.objects.create(
            received_on=datetime.date(2024 + i % 2, 3, 1),
            source_type=fields.get("source_type", "enterprise"),
            source_name=f"Công ty {i}",
            kind="cash",
            amount=1_000_000,
            purpose="loan_capital",
            club=fields.get("club"),
            unit=fields.get("unit"),
        )


def test_it_sums_resources_by_source_province_and_year(world):
    _give(world, 2, club=world.A)  # counts in P through the club
    _give(world, 1, unit=world.c3, source_type="province_budget")  # Q through the commune
    _give(world, 1, unit=world.P, source_type="international_org")  # P itself
    _give(world, 1, source_type="association")  # national
    assert figures.resources_by_source() == {
        "enterprise": 2_000_000,
        "province_budget": 1_000_000,
        "international_org": 1_000_000,
        "association": 1_000_000,
    }
    assert figures.resources_by_province() == {
        world.P.pk: 3_000_000,
        world.Q.pk: 1_000_000,
        None: 1_000_000,
    }
    assert figures.resources_by_year() == {2024: 4_000_000, 2025: 1_000_000}
    assert figures.resources_by_source(year=2025) == {"enterprise": 1_000_000}
    assert figures.resources_by_province_and_source()[(world.P.pk, "enterprise")] == 2_000_000


def test_it_counts_events_and_participants_by_province(world):
    day = datetime.date(2025, 5, 1)
    Event.objects.create(
        held_on=day,
        unit=world.c1,
        event_type="training",
        topic="a",
        participants=30,
        women=20,
        older=18,
    )
    Event.objects.create(
        held_on=day,
        unit=world.P,
        event_type="training",
        topic="b",
        participants=10,
        women=5,
        older=4,
    )
    Event.objects.create(
        held_on=day, event_type="communication", topic="c", participants=100, women=60, older=70
    )
    got = figures.events_by_province()
    assert got[(world.P.pk, "training")] == {
        "events": 2,
        "participants": 40,
        "women": 25,
        "older": 22,
    }
    assert got[(None, "communication")]["events"] == 1
    assert figures.events_by_province(year=2024) == {}


@pytest.mark.parametrize("size", [2, 30])
def test_it_runs_one_query_per_figure_whatever_the_size(world, size, django_assert_num_queries):
    _give(world, size, club=world.A)
    _give(world, size, unit=world.c3)
    for i in range(size):
        Event.objects.create(
            held_on=datetime.date(2025, 1, 1),
            unit=world.c1,
            event_type="training",
            topic=str(i),
            participants=5,
            women=3,
            older=2,
        )
    for fn in (
        figures.resources_by_source,
        figures.resources_by_province,
        figures.resources_by_year,
        figures.resources_by_province_and_source,
        figures.events_by_province,
    ):
        with django_assert_num_queries(1):
            fn()
