import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ishc.clubs.services import add_member

NATION = "/dashboard/nation/?programme=1336"


@pytest.fixture
def cached(settings):
    cache.clear()
    settings.ISHC = {**settings.ISHC, "DASHBOARD_CACHE_SECONDS": 600}
    yield
    cache.clear()


def _members(page):
    return next(h for h in page.context["headline"] if h["ind"].code == "members")["num"]


def test_it_reuses_results_until_the_next_audited_change(client, ledger, cached):
    client.force_login(ledger.central)
    first = client.get(NATION)
    with CaptureQueriesContext(connection) as again:
        second = client.get(NATION)
    assert _members(second) == _members(first) == 86
    with CaptureQueriesContext(connection) as uncached:
        cache.clear()
        client.get(NATION)
    assert len(again) < len(uncached) - 10
    add_member(
        ledger.central,
        ledger.C,
        joined_on=datetime.date(2025, 2, 1),
        full_name="Ông Mới",
        sex="M",
        birth_year=1955,
        ethnicity=ledger.kinh,
    )
    assert _members(client.get(NATION)) == 87
