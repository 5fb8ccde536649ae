"""National figures kept as the sum of their provinces' (ishc.indicators.cache.Results.national):
the sum is exactly what one computation over the whole country gives, and after a write in one
province only that province is computed again."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from ishc.accounts.scope import scope_of
from ishc.clubs.models import Club, Membership
from ishc.finance.figures import ARREARS_TOTALS
from ishc.finance.tests.conftest import active_loan, capital
from ishc.indicators import catalogue, figures
from ishc.indicators.cache import Results
from ishc.indicators.figures import Period

from .test_cache import _join

D = datetime.date
PERIODS = [
    Period.year(2024),
    Period.month(2024, 12),
    Period.span(D(2021, 1, 1), D(2030, 12, 31), "2021–2030"),
]


def _figures(result, keys):
    out = {}
    for ind in catalogue.INDICATORS:
        fig = result.get(ind.code, total=True)
        out[(ind.code, "total")] = (fig.num, fig.den)
        for key in keys:
            fig = result.get(ind.code, key)
            out[(ind.code, key)] = (fig.num, fig.den)
        for name, table in (("cohort", result.by_cohort()), ("flag", result.by_flag())):
            for key, counters in table.items():
                fig = figures.figure(ind, counters)
                out[(ind.code, name, key)] = (fig.num, fig.den)
    return out


@pytest.mark.parametrize("by", ["province", "nation"])
def test_it_adds_up_the_provinces_to_what_the_whole_country_computes(country, cached, by):
    w = country
    keys = [w.P.pk, w.Q.pk, None]
    for period in PERIODS:
        whole = figures.compute(period, unit=None, by=by)
        combined = Results().compute(period, None, by, None)
        assert _figures(combined, keys) == _figures(whole, keys), period
        assert combined.total["resources"] == whole.total["resources"]
    assert whole.total["resources"] == 20_000_000  # the national 9,000,000 ₫ included
    assert whole.total["outstanding_principal"] > 0


def test_it_adds_up_the_trends_and_the_home_counts(country, cached):
    w = country
    days = figures.month_ends(2024) + [D(2025, 6, 30)]
    for ind in catalogue.INDICATORS:
        if not ind.trend:
            continue
        whole = figures.trend(ind.code, days, since=D(2024, 1, 1))
        combined = Results().trend(ind.code, days, None, D(2024, 1, 1))
        assert [(f.num, f.den) for f in combined] == [(f.num, f.den) for f in whole], ind.code

    every_club = Club.objects.all()
    headcount = Results().headcount(scope_of(w.central), every_club)
    assert (
        headcount
        == figures.headcount(every_club, timezone.localdate())
        == {"clubs": 4, "members": 86}
    )


def test_it_adds_up_the_national_arrears_from_the_provinces(client, country, cached, settings):
    """The national arrears page's buckets and totals, summed from the provinces, are those of
    one computation over the country (the cache off)."""
    client.force_login(country.central)

    def figures_on_page():
        page = client.get("/finance/arrears/", {"on": "30/06/2025"})
        total = {k: page.context["total"][k] or 0 for k in ARREARS_TOTALS}
        return [(b["n"], b["principal"]) for b in page.context["buckets"]], total

    combined = figures_on_page()
    settings.ISHC = {**settings.ISHC, "DASHBOARD_CACHE_SECONDS": 0}
    assert figures_on_page() == combined
    assert sum(n for n, _principal in combined[0]) == 2
    assert combined[1]["outstanding_principal"] > 0


@pytest.fixture
def computed(monkeypatch):
    """The units figures.compute() is called for, in order."""
    units = []
    compute = figures.compute

    def counting(period, *, unit=None, **kwargs):
        units.append(unit)
        return compute(period, unit=unit, **kwargs)

    monkeypatch.setattr(figures, "compute", counting)
    return units


def test_it_computes_again_only_the_province_that_changed(
    country, cached, computed, django_capture_on_commit_callbacks
):
    w = country
    period = Period.year(2025)
    before = Results().compute(period, None, "province", None)
    assert set(computed) == {w.P, w.Q}  # the two provinces, then summed
    computed.clear()
    assert Results().compute(period, None, "province", None).total == before.total
    assert computed == []  # the nation itself is cached

    with django_capture_on_commit_callbacks(execute=True):
        _join(w.central, w.C)  # Hà Nội
    after = Results().compute(period, None, "province", None)
    assert computed == [w.Q]  # Tuyên Quang came from the cache
    assert after.total["members"] == before.total["members"] + 1
    assert after.get("members", w.Q.pk).num == before.get("members", w.Q.pk).num + 1
    assert after.get("members", w.P.pk).num == before.get("members", w.P.pk).num


def test_it_computes_the_whole_country_at_once_with_the_cache_off(country, computed):
    Results().compute(Period.year(2025), None, "province", None)
    assert computed == [None]


def test_it_never_adds_up_a_province_s_previous_result(
    country, cached, django_capture_on_commit_callbacks
):
    """While another request recomputes Hà Nội's own page (it holds Hà Nội's lock), the nation
    is summed with Hà Nội computed afresh, not its previous result: the sum is stored as current
    and would otherwise miss the change until the next write."""
    w = country
    period = Period.year(2025)
    before = Results().compute(period, None, "province", None)
    with django_capture_on_commit_callbacks(execute=True):
        _join(w.central, w.C)
    parts = (period.start, period.end, "province", None)
    assert cache.add(Results()._key("compute", w.Q, parts) + ":lock", 1, 60)
    after = Results().compute(period, None, "province", None)
    assert after.total["members"] == before.total["members"] + 1
    assert Results().compute(period, None, "province", None).total == after.total


def test_it_merges_the_national_late_loans_from_the_provinces(
    client, country, cached, settings, monkeypatch
):
    """Pages of the national late-loan list, merged from each province's first late loans, are
    the pages of one ordering of the whole country, page after page: Hà Nội's oldest loan comes
    before Tuyên Quang's, its next one after them."""
    w = country
    for club, day in [(w.A, D(2024, 1, 5)), (w.C, D(2023, 12, 10)), (w.B, D(2024, 2, 10))]:
        capital(w.central, club, 5_000_000, on=day)
        borrower = Membership.objects.on(day).filter(club=club).order_by("-pk").first().member
        active_loan(w.central, club, borrower, 1_000_000, day)
    monkeypatch.setattr("ishc.finance.views.ARREARS_PAGE", 2)
    client.force_login(w.central)

    def pages():
        out = []
        for number in (1, 2, 3):
            page = client.get("/finance/arrears/", {"on": "30/06/2025", "page": number})
            out.append([loan.pk for loan in page.context["late"]])
        return out

    merged = pages()
    settings.ISHC = {**settings.ISHC, "DASHBOARD_CACHE_SECONDS": 0}
    whole = pages()
    assert merged == whole
    assert sum(len(p) for p in whole) == 5 and len(set(sum(whole, []))) == 5
