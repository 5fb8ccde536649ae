"""A retried write with the same Idempotency-Key returns the first response and writes nothing
more — through ishc.core.once, the web forms' mechanism."""

import datetime

import pytest

from ishc.audit.models import AuditEntry
from ishc.core.models import Submission
from ishc.finance.models import Entry
from ishc.finance.tests.conftest import active_loan, capital, make_member


@pytest.fixture
def loan(world):
    member = make_member(world.A, "Nguyễn Thị Hoa", world.kinh)
    capital(world.central, world.A, 5_000_000)
    return active_loan(world.central, world.A, member, 1_000_000, datetime.date(2025, 1, 10))


def _repay(caller, loan, key, amount=100_000):
    return caller.post(
        f"/api/v1/loans/{loan.pk}/repayments",
        {"amount": amount, "on": "2025-02-10"},
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_it_records_a_retried_repayment_once_and_answers_the_first_response(world, as_, loan):
    caller = as_(world.club)
    entries, audits = Entry.objects.count(), AuditEntry.objects.count()
    first = _repay(caller, loan, "repay-2025-02-10-hoa")
    assert first.status_code == 201
    written = Entry.objects.count() - entries
    assert written >= 1
    again = _repay(caller, loan, "repay-2025-02-10-hoa")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Entry.objects.count() == entries + written
    assert AuditEntry.objects.count() == audits + 1
    assert Submission.objects.filter(user=world.club, key="repay-2025-02-10-hoa").count() == 1


def test_it_forgets_the_key_of_a_refused_write(world, as_, loan):
    caller = as_(world.club)
    refused = _repay(caller, loan, "key-after-a-typo", amount=99_000_000)
    assert refused.status_code == 422
    assert not Submission.objects.filter(key="key-after-a-typo").exists()
    assert _repay(caller, loan, "key-after-a-typo").status_code == 201


def test_it_refuses_a_key_reused_for_another_request(world, as_, loan):
    caller = as_(world.club)
    assert _repay(caller, loan, "one-key-two-uses").status_code == 201
    r = caller.post(
        f"/api/v1/clubs/{world.A.pk}/fund-entries",
        {
            "fund": "igf",
            "kind": "income",
            "category": "member_fees",
            "amount": 10_000,
            "date": "2025-02-10",
        },
        HTTP_IDEMPOTENCY_KEY="one-key-two-uses",
    )
    assert r.status_code == 422
    assert r["Content-Type"] == "application/problem+json"


def test_it_refuses_a_malformed_key_naming_the_header(world, as_, loan):
    r = _repay(as_(world.club), loan, "short")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "Idempotency-Key"


def test_it_keeps_keys_apart_per_person(world, as_, loan):
    assert _repay(as_(world.club), loan, "shared-key-123").status_code == 201
    assert _repay(as_(world.central), loan, "shared-key-123").status_code == 201
    assert Submission.objects.filter(key="shared-key-123").count() == 2


def test_it_guards_a_session_write_with_the_same_key_once(world, client, loan):
    client.force_login(world.club)
    url = f"/api/v1/loans/{loan.pk}/repayments"
    body = {"amount": 100_000, "on": "2025-02-10"}
    before = Entry.objects.count()
    first = client.post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="web-session-key"
    )
    again = client.post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="web-session-key"
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Entry.objects.count() - before == len(first.json()["entry_ids"])
