import datetime

from ishc.indicators import catalogue
from ishc.indicators.figures import Figure, Period
from ishc.indicators.models import Programme, Target
from ishc.indicators.targets import assess

D = datetime.date
PHASE = Period.span(D(2021, 1, 1), D(2025, 12, 31), "1336")


def _target(indicator, comparison, value, high=None):
    return Target(
        programme=Programme.objects.get(code="1336"),
        indicator=indicator,
        comparison=comparison,
        value=value,
        value_high=high,
    )


def test_it_seeds_the_national_targets_of_1336_and_1648(db):
    codes = set(Target.objects.filter(programme__code="1336").values_list("indicator", flat=True))
    assert {
        "provinces_covered",
        "clubs_new",
        "members_new_clubs",
        "older_new_clubs",
        "clubs_maintained",
        "clubs_size_band",
        "members_women",
        "members_older",
        "members_younger",
        "clubs_well_managed",
        "members_borrowed",
        "clubs_both_funds",
    } == codes
    assert all(catalogue.get(code) for code in codes)
    assert (
        Target.objects.get(
            programme__code="1648", phase__name="2025–2030", indicator="clubs_new"
        ).value
        == 6000
    )
    assert (
        Target.objects.get(programme__code="1648", phase=None, indicator="clubs_new").value == 12000
    )


def test_it_counts_a_share_on_the_band_edge_as_met(db):
    band = _target("members_women", "band", 60, 70)
    ratio = catalogue.RATIO
    assert assess(band, Figure(30, 50, ratio), PHASE, D(2026, 1, 1)).status == "met"
    assert assess(band, Figure(35, 50, ratio), PHASE, D(2026, 1, 1)).status == "met"
    assert assess(band, Figure(29, 50, ratio), PHASE, D(2026, 1, 1)).status == "behind"
    assert assess(band, Figure(36, 50, ratio), PHASE, D(2026, 1, 1)).status == "behind"


def test_it_tells_on_track_from_behind_while_the_phase_runs(db):
    target = _target("clubs_new", "at_least", 3000)
    middle = D(2023, 7, 2)  # half of the phase gone
    assert assess(target, Figure(1600), PHASE, middle).status == "on_track"
    assert assess(target, Figure(1400), PHASE, middle).status == "behind"
    a = assess(target, Figure(3021), PHASE, D(2024, 1, 1))
    assert a.status == "met" and round(a.achieved) == 101
    assert assess(target, Figure(None), PHASE, middle).status == "no_data"
    assert assess(target, Figure(5), PHASE, D(2020, 1, 1)).status == "not_started"
    share = _target("clubs_maintained", "at_least", 100)
    assert assess(share, Figure(8, 9, catalogue.RATIO), PHASE, middle).status == "behind"


def test_it_reads_at_most_targets(db):
    target = _target("par30", "at_most", 5)
    assert assess(target, Figure(4, 100, catalogue.RATIO), PHASE, D(2026, 1, 1)).status == "met"
    assert assess(target, Figure(6, 100, catalogue.RATIO), PHASE, D(2026, 1, 1)).status == "behind"
