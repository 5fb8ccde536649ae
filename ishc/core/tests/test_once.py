"""Once-only submits (ishc/core/once.py): the same token sent twice writes once."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from ishc.core.models import Submission
from ishc.core.once import ONCE_FIELD, Result, run_once
from ishc.finance.models import Entry, EntryKind
from ishc.finance.tests.conftest import capital, fin  # noqa: F401  (fixture)

D = datetime.date
TOKEN = "3f2a9c1e5b7d4a60"


def _expense(**extra):
    return {
        "fund": "activity",
        "kind": "income",
        "category": "golden_heart",
        "amount": "250.000",
        "date": "2025-03-01",
        **extra,
    }


@pytest.mark.django_db
def test_it_runs_an_action_once_per_user_and_key(world):
    calls = []

    def action():
        calls.append(1)
        return Result(keep=True, status=302, location="/done/"), "value"

    first = run_once(world.club, TOKEN, "/x/", action)
    again = run_once(world.club, TOKEN, "/x/", action)
    other_user = run_once(world.commune, TOKEN, "/x/", action)
    assert first[0] is True and first[2] == "value"
    assert again[0] is False and again[1].location == "/done/"
    assert other_user[0] is True
    assert len(calls) == 2


@pytest.mark.django_db
def test_it_answers_a_repeated_token_with_the_first_result(fin, client):  # noqa: F811
    w = fin.w
    client.force_login(w.club)
    url = reverse("finance:entry_new", args=[w.A.pk])
    page = client.get(url).content.decode()
    assert f'name="{ONCE_FIELD}"' in page and "core/once.js" in page
    first = client.post(url, _expense(**{ONCE_FIELD: TOKEN}))
    second = client.post(url, _expense(**{ONCE_FIELD: TOKEN}), follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[0][0] == first["Location"]
    assert "không ghi lại lần thứ hai" in second.content.decode()
    assert Entry.objects.filter(kind=EntryKind.INCOME).count() == 1
    # A new token is a new entry.
    client.post(url, _expense(**{ONCE_FIELD: TOKEN + "b"}))
    assert Entry.objects.filter(kind=EntryKind.INCOME).count() == 2


@pytest.mark.django_db
def test_it_lets_a_refused_form_be_sent_again_with_its_token(fin, client):  # noqa: F811
    w = fin.w
    client.force_login(w.club)
    url = reverse("finance:entry_new", args=[w.A.pk])
    refused = client.post(url, _expense(amount="1,5", **{ONCE_FIELD: TOKEN}))
    assert refused.status_code == 200 and not Submission.objects.exists()
    assert client.post(url, _expense(**{ONCE_FIELD: TOKEN})).status_code == 302
    assert Entry.objects.filter(kind=EntryKind.INCOME).count() == 1


@pytest.mark.django_db
def test_it_refuses_a_key_reused_for_another_request(fin, client):  # noqa: F811
    w = fin.w
    client.force_login(w.club)
    client.post(reverse("finance:entry_new", args=[w.A.pk]), _expense(**{ONCE_FIELD: TOKEN}))
    response = client.post(
        reverse("finance:transfer", args=[w.A.pk]),
        {"from_fund": "activity", "amount": "1.000", "date": "2025-03-02", ONCE_FIELD: TOKEN},
    )
    assert response.status_code == 422
    assert Entry.objects.filter(kind=EntryKind.TRANSFER_OUT).count() == 0


def race_posts(user, url, data, n=4):
    """POST the same data (same token) from n threads with their own connections at once;
    returns the status codes."""
    barrier = threading.Barrier(n)
    codes = [None] * n

    def run(i):
        try:
            c = Client()
            c.force_login(user)
            barrier.wait()
            codes[i] = c.post(url, data).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return codes


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite runs one writer at a time, so there is no race to test",
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_writes_once_when_the_same_token_arrives_concurrently(fin):  # noqa: F811
    w = fin.w
    url = reverse("finance:entry_new", args=[w.A.pk])
    codes = race_posts(w.club, url, _expense(**{ONCE_FIELD: TOKEN}))
    assert codes == [302] * 4
    assert Entry.objects.filter(kind=EntryKind.INCOME).count() == 1
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_it_forgets_tokens_older_than_a_week_and_keeps_recent_ones(world):
    from django.core.management import call_command
    from django.utils import timezone

    def ok():
        return Result(keep=True, status=302, location="/done/"), None

    run_once(world.club, "old-token-0001", "/x/", ok)
    run_once(world.club, "new-token-0001", "/x/", ok)
    Submission.objects.filter(key="old-token-0001").update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    call_command("purge_submissions")
    assert list(Submission.objects.values_list("key", flat=True)) == ["new-token-0001"]
    # The recent token still answers a retry with the first result.
    assert run_once(world.club, "new-token-0001", "/x/", ok)[0] is False
