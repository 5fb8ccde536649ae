import datetime

import pytest
from django.db.models import Q

from ishc.clubs.composition import (
    HIGH,
    LOW,
    OK,
    annotate_composition,
    band_counts,
    band_status,
    club_card,
    composition,
    outside_q,
    size_status,
)
from ishc.clubs.models import Club, Membership

from .conftest import fill


def _row(club, on):
    return composition(Club.objects.filter(pk=club.pk), on).get()


@pytest.mark.parametrize(("size", "status"), [(49, LOW), (50, OK), (70, OK), (71, HIGH)])
def test_it_puts_the_size_band_edges_inside(world, day, size, status):
    fill(world.A, world.kinh, size, women=size * 65 // 100, older=size * 65 // 100)
    row = _row(world.A, day)
    assert row["size"] == size
    assert size_status(row["size"]) == status


@pytest.mark.parametrize(("women", "status"), [(29, LOW), (30, OK), (35, OK), (36, HIGH)])
def test_it_puts_exactly_60_and_70_percent_inside(world, day, women, status):
    # 30 of 50 is exactly 60 %, 35 of 50 exactly 70 %.
    fill(world.A, world.kinh, 50, women=women, older=women)
    row = _row(world.A, day)
    assert (row["women"], row["older"], row["younger"]) == (women, women, 50 - women)
    assert band_status(row["women"], row["size"], (60, 70)) == status
    assert band_status(row["older"], row["size"], (60, 70)) == status
    lines = {line.name: line for line in club_card(world.A, day)}
    assert lines["women"].status == status
    assert lines["older"].status == status


def test_it_counts_only_periods_covering_the_date(world, day):
    members = fill(world.A, world.kinh, 3, women=3, older=1)
    Membership.objects.filter(member=members[0]).update(left_on=day)  # leaving day excluded
    Membership.objects.filter(member=members[1]).update(joined_on=day + datetime.timedelta(1))
    assert _row(world.A, day)["size"] == 1
    assert _row(world.A, day - datetime.timedelta(1))["size"] == 2


def test_it_counts_older_at_the_date_across_a_birthday(world, settings):
    (m,) = fill(world.A, world.kinh, 1)
    m.birth_date = datetime.date(1965, 7, 1)
    m.save()
    assert _row(world.A, datetime.date(2025, 6, 30))["older"] == 0
    assert _row(world.A, datetime.date(2025, 6, 30))["older_local"] == 1
    assert _row(world.A, datetime.date(2025, 7, 1))["older"] == 1
    settings.ISHC = {**settings.ISHC, "OLDER_AGE": 61}
    assert _row(world.A, datetime.date(2025, 7, 1))["older"] == 0


def test_it_counts_difficult_and_minority_members(world, day):
    fill(world.A, world.tay, 2, household="poor")
    fill(world.A, world.kinh, 3, disabled=True)
    fill(world.A, world.kinh, 4)
    row = _row(world.A, day)
    assert (row["size"], row["difficult"], row["minority"]) == (9, 5, 2)


def test_it_counts_clubs_within_bands_in_one_query(world, day, django_assert_num_queries):
    fill(world.A, world.kinh, 50, women=30, older=30)  # inside every band
    fill(world.B, world.kinh, 50, women=20, older=30)  # women low
    # world.C has no members: outside the size band, no shares.
    with django_assert_num_queries(1):
        counts = band_counts(Club.objects.all(), day)
    assert counts == {"clubs": 3, "size": 2, "women": 1, "older": 2, "younger": 2, "all": 1}
    with django_assert_num_queries(1):
        outside = set(
            annotate_composition(Club.objects.all(), day)
            .filter(outside_q())
            .values_list("name", flat=True)
        )
    assert outside == {"CLB B", "CLB C"}
    with django_assert_num_queries(1):
        women_low = list(
            annotate_composition(Club.objects.all(), day).filter(
                ~Q(pk=world.C.pk) & outside_q(["women"])
            )
        )
    assert women_low == [world.B]
