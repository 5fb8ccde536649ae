"""The shared result cache (ishc.indicators.cache) with its per-unit versions
(ishc.core.versions): what is reused, what is recomputed, by whom, and what a page says meanwhile.
Versions move after commit, so the writes here run with on-commit callbacks executed."""

import datetime
import threading

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ishc.clubs.services import add_member, update_club
from ishc.core import versions
from ishc.indicators.cache import Results
from ishc.settings import caches_for

NATION = "/dashboard/nation/?programme=1336"


def _members(page):
    return next(h for h in page.context["headline"] if h["ind"].code == "members")["num"]


def _join(user, club, name="Ông Mới"):
    return add_member(
        user,
        club,
        joined_on=datetime.date(2025, 2, 1),
        full_name=name,
        sex="M",
        birth_year=1955,
        ethnicity=club.members.first().ethnicity,
    )


def test_it_reuses_results_until_a_change_commits(
    client, ledger, cached, django_capture_on_commit_callbacks
):
    client.force_login(ledger.central)
    first = client.get(NATION)
    with CaptureQueriesContext(connection) as again:
        second = client.get(NATION)
    assert _members(second) == _members(first) == 86
    with CaptureQueriesContext(connection) as uncached:
        cache.clear()
        client.get(NATION)
    assert len(again) < len(uncached) - 10
    with django_capture_on_commit_callbacks(execute=True):
        _join(ledger.central, ledger.C)
    assert _members(client.get(NATION)) == 87


def test_it_keeps_another_province_cached_after_a_write(
    client, ledger, cached, django_capture_on_commit_callbacks
):
    """A write in Hà Nội (club C) moves Hà Nội's and the nation's versions, not Tuyên Quang's."""
    w = ledger
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert Results().get("q", w.P, (), compute) == 1
    assert Results().get("q", w.Q, (), compute) == 2
    nation_before = versions.read(versions.keys_for(None))
    with django_capture_on_commit_callbacks(execute=True):
        _join(w.central, w.C)
    assert versions.read(versions.keys_for(None)) != nation_before
    assert Results().get("q", w.P, (), compute) == 1  # still cached
    assert Results().get("q", w.Q, (), compute) == 3  # recomputed
    assert Results().get("q", w.C, (), compute) == 4
    assert len(calls) == 4


def test_it_moves_no_version_for_a_change_that_rolls_back(ledger, cached):
    keys = versions.keys_for(ledger.C)
    before = versions.read(keys)
    with pytest.raises(RuntimeError), transaction.atomic():
        _join(ledger.central, ledger.C)
        raise RuntimeError
    assert versions.read(keys) == before


def test_it_serves_the_previous_result_while_one_request_recomputes(
    ledger, cached, django_capture_on_commit_callbacks
):
    """While one request recomputes an out-of-date result, another gets the previous one, with
    the time it was computed; nobody waits and only one computes."""
    w = ledger
    assert Results().get("q", None, (), lambda: "old") == "old"
    with django_capture_on_commit_callbacks(execute=True):
        _join(w.central, w.A)
    meanwhile = Results()

    def recompute():
        # A second request arriving during the recomputation.
        seen = meanwhile.get("q", None, (), lambda: pytest.fail("computed twice"))
        assert seen == "old"
        return "new"

    first = Results()
    assert first.get("q", None, (), recompute) == "new"
    assert first.stale_since is None
    assert meanwhile.stale_since is not None
    assert Results().get("q", None, (), lambda: pytest.fail("recomputed")) == "new"


def test_it_says_on_the_dashboard_from_when_the_figures_are(
    client, ledger, cached, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(ledger.central)
    client.get(NATION)
    with django_capture_on_commit_callbacks(execute=True):
        _join(ledger.central, ledger.C)
    # Another worker holds every recomputation (no lock can be taken): this request gets the
    # previous figures, marked with their time.
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    page = client.get(NATION)
    assert _members(page) == 86
    assert page.context["stale_since"] is not None
    assert "đang được cập nhật" in page.content.decode()  # the page speaks Vietnamese


def test_it_shares_the_cache_between_workers_and_servers(settings):
    """Redis when REDIS_URL is set, else the database table; never per-process memory."""
    assert caches_for("redis://127.0.0.1:6379/3")["default"]["BACKEND"].endswith("RedisCache")
    assert caches_for("")["default"]["BACKEND"].endswith("DatabaseCache")
    assert "locmem" not in settings.CACHES["default"]["BACKEND"].lower()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite runs one writer at a time, so commits cannot overtake",
)
def test_it_never_keeps_a_result_that_missed_a_change_committed_late(ledger, settings):
    """Transaction A writes first (lower audit id) and commits last; B commits in between and a
    dashboard is computed before A commits. After A commits, the result must be recomputed: the
    version moved by A's commit, not by its audit id (1,000,000 ₫ went missing this way)."""
    settings.ISHC = {**settings.ISHC, "DASHBOARD_CACHE_SECONDS": 600}
    cache.clear()
    w = ledger
    from ishc.clubs.models import Membership

    def count():
        return Membership.objects.filter(left_on__isnull=True).count()

    written, release, done = threading.Event(), threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                _join(w.central, w.A, "Bà Chậm")
                written.set()
                release.wait(20)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert written.wait(20)
    _join(w.central, w.C, "Ông Nhanh")  # B: commits first
    before = Results().get("count", None, (), count)
    release.set()
    assert done.wait(20)
    thread.join(20)
    after = Results().get("count", None, (), count)
    assert after == before + 1 == count()
    cache.clear()


def test_it_moves_every_version_of_a_change_in_one_statement(db, django_assert_num_queries):
    """An import touching 150 clubs moves some 170 versions: one upsert, not one per key."""
    versions.bump(["club:1", "unit:2"])
    keys = ["club:1", "club:3", "unit:2", versions.NATION]
    with django_assert_num_queries(1):
        versions.bump(keys + ["club:1"])  # a key named twice moves once
    assert versions.read(keys) == (2, 1, 2, 1)


def test_it_keeps_the_rest_of_the_country_cached_when_a_club_is_edited(
    ledger, cached, django_capture_on_commit_callbacks
):
    """Renaming a club in Hà Nội is a change to Hà Nội's figures alone; Tuyên Quang's results,
    and so 33 of the nation's 34 parts, stay cached."""
    w = ledger
    tuyen_quang, ha_noi = (
        versions.read(versions.keys_for(w.P)),
        versions.read(versions.keys_for(w.Q)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        update_club(w.central, w.C, name="CLB C đổi tên")
    assert versions.read(versions.keys_for(w.P)) == tuyen_quang
    assert versions.read(versions.keys_for(w.Q)) != ha_noi


def test_it_moves_the_versions_of_the_units_a_club_left(
    ledger, cached, django_capture_on_commit_callbacks
):
    """Club C moves from Ba Đình (Hà Nội) to Ngọc Đường (Tuyên Quang): both communes' and both
    provinces' figures change."""
    w = ledger
    units = [w.c3, w.Q, w.c1, w.P]
    before = [versions.read(versions.keys_for(u)) for u in units]
    untouched = versions.read(versions.keys_for(w.c2))
    with django_capture_on_commit_callbacks(execute=True):
        update_club(w.central, w.C, registered=w.c1)
    w.C.refresh_from_db()
    assert (w.C.commune_id, w.C.province_id) == (w.c1.pk, w.P.pk)
    after = [versions.read(versions.keys_for(u)) for u in units]
    assert all(a != b for a, b in zip(after, before, strict=True))
    assert versions.read(versions.keys_for(w.c2)) == untouched
