import datetime

from ishc.clubs.models import Club
from ishc.indicators import catalogue
from ishc.indicators.figures import Period, compute, month_ends, trend

from .conftest import person

D = datetime.date
Y2024 = Period.year(2024)
TODAY = D(2026, 1, 15)


def fig(result, code, key=None):
    f = result.get(code, key, total=key is None)
    return (f.num, f.den) if f.den is not None else f.num


def test_it_counts_clubs_with_the_dissolved_one_out_after_its_date(ledger):
    r = compute(Y2024, today=TODAY)
    assert fig(r, "clubs_total") == 5
    assert fig(r, "clubs_active") == 4
    assert fig(r, "clubs_maintained") == (4, 5)
    assert fig(r, "clubs_new") == 0
    r2023 = compute(Period.year(2023), today=TODAY)
    assert fig(r2023, "clubs_active") == 5
    assert fig(r2023, "clubs_new") == 1  # D


def test_it_counts_members_on_the_last_day_of_the_period(ledger):
    r = compute(Y2024, today=TODAY)
    # A 50 (the one who left on 15/11 and the one joining in 2025 are out), B 10, C 20, D 5;
    # E's 8 are out with their dissolved club.
    assert fig(r, "members") == 85
    assert fig(r, "members_women") == (30 + 9 + 10 + 5, 85)
    # Older: A 35, B 2 (60 by birth year, and 60 on the very day), C 10, D 0.
    assert fig(r, "members_older") == (47, 85)
    assert fig(r, "members_younger") == (38, 85)
    assert fig(r, "members_older_local") == (48, 85)  # and B's 59-year-old
    assert fig(r, "members_minority") == (3, 85)
    assert fig(r, "members_difficult") == (4, 85)  # 1 poor, 2 near-poor, 1 disabled
    assert fig(r, "members_per_club") == (85, 4)
    r2023 = compute(Period.year(2023), today=TODAY)
    assert fig(r2023, "members") == 48 + 10 + 20 + 5 + 8
    assert fig(r2023, "members_new_clubs") == 5
    assert fig(r2023, "older_new_clubs") == 0


def test_it_puts_a_share_exactly_on_a_band_edge_inside_the_band(ledger):
    r = compute(Y2024, unit=ledger.A, today=TODAY)
    assert fig(r, "members_women") == (30, 50)  # 60 %
    assert fig(r, "members_older") == (35, 50)  # 70 %
    assert fig(r, "members_younger") == (15, 50)  # 30 %
    for code in ("clubs_size_band", "clubs_women_band", "clubs_older_band", "clubs_younger_band"):
        assert fig(r, code) == (1, 1), code
    assert fig(r, "clubs_composition") == (1, 1)
    nation = compute(Y2024, today=TODAY)
    assert fig(nation, "clubs_composition") == (1, 4)
    assert nation.total["size_small"] == 3


def test_it_rolls_legacy_clubs_into_their_2025_commune(ledger):
    r = compute(Y2024, unit=ledger.c1, today=TODAY)
    assert fig(r, "clubs_active") == 2  # A and D (registered under the legacy commune)
    assert fig(r, "members") == 55
    assert fig(r, "communes_covered") == (1, 1)
    by_commune = compute(Y2024, unit=ledger.P, by="commune", today=TODAY)
    assert fig(by_commune, "members", ledger.c1.pk) == 55
    assert fig(by_commune, "members", ledger.c2.pk) == 10


def test_it_makes_province_rows_add_up_to_the_nation(ledger):
    nation = compute(Y2024, today=TODAY)
    provinces = compute(Y2024, by="province", today=TODAY)
    assert set(provinces.groups) == {ledger.P.pk, ledger.Q.pk}
    for ind in catalogue.INDICATORS:
        parts = [provinces.get(ind.code, pk) for pk in provinces.groups]
        whole = nation.get(ind.code, total=True)
        if whole.num is None:
            # Nothing measured yet anywhere (the rubric of 2024 was never computed).
            assert ind.measured and all(p.num is None for p in parts), ind.code
            continue
        assert sum(p.num or 0 for p in parts) == whole.num, ind.code
        if ind.den:
            assert sum(p.den or 0 for p in parts if p.num is not None) <= whole.den, ind.code
    assert fig(nation, "provinces_covered") == (2, 2)
    assert fig(nation, "communes_covered") == (3, 3)
    assert fig(provinces, "members", ledger.P.pk) == 65
    assert fig(provinces, "communes_covered", ledger.P.pk) == (2, 2)


def test_it_breaks_down_by_cohort_and_flag(ledger):
    r = compute(Period.year(2023), today=TODAY)
    cohorts = r.by_cohort()
    assert cohorts["1533"]["clubs_active"] == 1
    assert cohorts["1336"]["clubs_active"] == 4
    flags = r.by_flag()
    assert flags["mountainous"]["clubs_active"] == 1
    assert flags["mountainous"]["members"] == 8
    assert flags["none"]["members"] == 48 + 10 + 20 + 5


def test_it_follows_members_month_by_month(ledger):
    days = month_ends(2024, TODAY)
    points = trend("members", days, unit=ledger.A, since=D(2024, 1, 1))
    assert [p.num for p in points] == [48] * 6 + [49] + [51] * 3 + [50] * 2
    nation = trend("clubs_active", [D(2024, 5, 31), D(2024, 6, 30)], since=D(2024, 1, 1))
    assert [p.num for p in nation] == [5, 4]
    ratio = trend("members_women", [D(2024, 12, 31)], since=D(2024, 1, 1))
    assert (ratio[0].num, ratio[0].den) == (54, 85)


def test_it_answers_for_one_club_without_coverage(ledger):
    r = compute(Y2024, unit=ledger.B, today=TODAY)
    assert fig(r, "members") == 10
    assert r.get("provinces_covered", total=True).num is None


def test_it_keeps_the_number_of_queries_whatever_the_number_of_clubs(
    ledger, django_assert_num_queries
):
    # Clubs and members: four queries and the list of provinces; each other app's figures add
    # their own fixed number (funds 2, loans 7 — flows and borrowers, PAR30 and the on-time rate
    # each with their groups —, activities 6, reports 1, rubric 1, resources 1).
    with django_assert_num_queries(5):
        compute(Y2024, by="province", today=TODAY, codes=["members", "communes_covered"])
    with django_assert_num_queries(23):
        compute(Y2024, by="province", today=TODAY)
    for i in range(15):
        club = Club.objects.create(
            name=f"Thêm {i}",
            code=f"X-{i}",
            commune=ledger.c3,
            province=ledger.Q,
            cohort="1648",
            founded_on=D(2024, 2, 1),
        )
        person(club, joined=D(2024, 3, 1), ethnicity=ledger.kinh)
    with django_assert_num_queries(23):
        r = compute(Y2024, by="province", today=TODAY)
    assert fig(r, "clubs_new") == 15
    with django_assert_num_queries(1):
        trend("members_women", month_ends(2024, TODAY), since=D(2024, 1, 1))
