"""Two confirmations of one upload at the same moment, with real threads and connections
(issue 12, finding 5: two simultaneous confirms inserted 3,988 rows for 1,994 new members).

SQLite runs one writer at a time, so the race needs PostgreSQL."""

import threading

import pytest
from django.db import connection

from ishc.clubs import importer
from ishc.clubs.models import Member, Membership

from .xlsx import from_template, member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite runs one writer at a time, so there is no race to test",
    ),
]


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_it_imports_an_upload_once_when_confirmed_twice_at_once(world):
    rows = [member(world.A, f"Thành viên {i}", **{"Năm sinh": 1950 + i % 30}) for i in range(200)]
    data = from_template(world.commune, "members", rows)
    for _round in range(3):
        Membership.objects.all().delete()
        Member.objects.all().delete()
        token = importer.store_upload(world.commune, "members", "a.xlsx", data)
        confirm = lambda t=token: importer.confirm_upload(world.commune, "members", t, {})  # noqa: E731
        results = _race(confirm, confirm)
        committed = [r for r in results if r is not None and r.committed]
        assert len(committed) == 1 and results.count(None) == 1, results
        assert Member.objects.count() == 200 and Membership.objects.count() == 200
