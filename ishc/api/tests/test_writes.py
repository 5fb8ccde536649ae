"""Writes: the same forms and services as the web, the same refusals; bad input is a 4xx naming
the field, in the caller's language, and nothing is written."""

import datetime

import pytest

from ishc.audit.models import AuditEntry
from ishc.clubs.models import Member
from ishc.finance.models import Entry
from ishc.finance.tests.conftest import active_loan, capital, make_member
from ishc.reports.models import MonthlyReport
from ishc.reports.services import create_report

MEMBER = {
    "full_name": "Nguyễn Thị Hoa",
    "sex": "F",
    "birth_year": 1955,
    "household": "poor",
    "joined_on": "2025-01-05",
}


def test_it_adds_a_member_through_the_service_with_an_audit_entry(world, as_):
    r = as_(world.club).post(
        f"/api/v1/clubs/{world.A.pk}/members", MEMBER | {"ethnicity_id": world.kinh.pk}
    )
    assert r.status_code == 201, r.content
    member = Member.objects.get(pk=r.json()["id"])
    assert member.club == world.A and member.periods.get().joined_on == datetime.date(2025, 1, 5)
    assert AuditEntry.objects.filter(action="clubs.member.created", object_id=str(member.pk))


@pytest.mark.parametrize(
    "who, status", [("viewer", 403), ("board", 403), ("outsider", 404), ("nobody", 404)]
)
def test_it_refuses_a_member_to_those_the_web_refuses(world, as_, who, status):
    r = as_(getattr(world, who)).post(
        f"/api/v1/clubs/{world.A.pk}/members", MEMBER | {"ethnicity_id": world.kinh.pk}
    )
    assert r.status_code == status
    assert r["Content-Type"] == "application/problem+json"
    assert not Member.objects.exists()


def test_it_changes_a_member_and_refuses_another_units(world, as_):
    member = make_member(world.A, "Nguyễn Thị Hoa", world.kinh)
    change = {k: v for k, v in MEMBER.items() if k != "joined_on"} | {
        "full_name": "Nguyễn Thị Huệ",
        "ethnicity_id": world.kinh.pk,
    }
    assert as_(world.outsider).put(f"/api/v1/members/{member.pk}", change).status_code == 404
    r = as_(world.commune).put(f"/api/v1/members/{member.pk}", change)
    assert r.status_code == 200 and r.json()["full_name"] == "Nguyễn Thị Huệ"


def test_it_names_the_field_the_form_refuses_in_vietnamese(world, as_):
    r = as_(world.club).post(
        f"/api/v1/clubs/{world.A.pk}/members",
        MEMBER | {"birth_year": None} | {"ethnicity_id": world.kinh.pk},
    )
    assert r.status_code == 422
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert "birth_year" in errors and "năm sinh" in errors["birth_year"].lower()
    assert not Member.objects.exists()


def test_it_speaks_english_to_a_caller_who_chose_it(world, as_, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = as_(world.club).post(f"/api/v1/clubs/{world.A.pk}/members", {"sex": "F"})
    assert r.status_code == 422
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert errors["full_name"] == "This field is required."


@pytest.mark.parametrize(
    "body, field, status",
    [
        ("{not json", "body", 400),
        (
            '{"full_name": 5, "sex": "F", "household": "poor", "joined_on": "2025-01-05"}',
            "full_name",
            422,
        ),
        (
            '{"full_name": "A", "sex": "X", "household": "poor", "joined_on": "2025-01-05"}',
            "sex",
            422,
        ),
        (
            '{"full_name": "A", "sex": "F", "household": "poor", "joined_on": "05/01/2025"}',
            "joined_on",
            422,
        ),
        ('{"full_name": "A", "sex": "F", "household": "poor"}', "joined_on", 422),
        (
            '{"full_name": "A\\u0000", "sex": "F", "household": "poor", "joined_on": "2025-01-05"}',
            "full_name",
            422,
        ),
        ("[]", "body", 422),
    ],
)
def test_it_answers_bad_input_with_a_4xx_naming_the_field(world, as_, body, field, status):
    r = as_(world.club).post(f"/api/v1/clubs/{world.A.pk}/members", raw_body=body)
    assert r.status_code == status, r.content
    assert r["Content-Type"] == "application/problem+json"
    fields = [e["field"] for e in r.json()["errors"]]
    assert any(f == field or f.startswith(field) for f in fields) or field == "body", fields
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/clubs/99999999", "/api/v1/clubs/0", "/api/v1/clubs/abc", f"/api/v1/clubs/{2**70}"],
)
def test_it_answers_unknown_or_impossible_ids_with_a_4xx(world, as_, url):
    r = as_(world.central).get(url)
    assert r.status_code in (404, 422)
    assert r["Content-Type"] == "application/problem+json"


@pytest.fixture
def loan(world):
    member = make_member(world.A, "Nguyễn Thị Hoa", world.kinh)
    capital(world.central, world.A, 5_000_000)
    return active_loan(world.central, world.A, member, 1_000_000, datetime.date(2025, 1, 10))


def test_it_records_a_repayment_like_the_loan_page(world, as_, loan):
    r = as_(world.club).post(
        f"/api/v1/loans/{loan.pk}/repayments", {"amount": 100_000, "on": "2025-02-10"}
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["total"] == 100_000 and body["interest"] + body["principal"] == 100_000
    assert Entry.objects.filter(loan=loan, date=datetime.date(2025, 2, 10)).count() == len(
        body["entry_ids"]
    )


@pytest.mark.parametrize("who, status", [("commune", 403), ("viewer", 403), ("outsider", 404)])
def test_it_refuses_a_repayment_to_those_the_web_refuses(world, as_, loan, who, status):
    before = Entry.objects.count()
    r = as_(getattr(world, who)).post(
        f"/api/v1/loans/{loan.pk}/repayments", {"amount": 100_000, "on": "2025-02-10"}
    )
    assert r.status_code == status
    assert Entry.objects.count() == before


def test_it_passes_on_the_ledgers_refusal_with_its_field(world, as_, loan):
    r = as_(world.club).post(
        f"/api/v1/loans/{loan.pk}/repayments", {"amount": 50_000_000, "on": "2025-02-10"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "amount"


def test_it_records_a_fund_entry(world, as_):
    r = as_(world.club).post(
        f"/api/v1/clubs/{world.A.pk}/fund-entries",
        {
            "fund": "igf",
            "kind": "capital",
            "category": "commune_pc",
            "amount": 2_000_000,
            "date": "2025-01-02",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == 2_000_000
    assert (
        as_(world.outsider)
        .post(
            f"/api/v1/clubs/{world.A.pk}/fund-entries",
            {
                "fund": "igf",
                "kind": "capital",
                "category": "commune_pc",
                "amount": 1,
                "date": "2025-01-02",
            },
        )
        .status_code
        == 404
    )


def test_it_takes_report_steps_only_at_the_right_level(world, as_):
    report = create_report(world.club, world.A, datetime.date(2025, 1, 1))
    MonthlyReport.objects.filter(pk=report.pk).update(
        difficulties="Không", proposals="Không", no_meeting_reason="Mưa bão"
    )
    url = f"/api/v1/reports/{report.pk}/steps"
    assert as_(world.outsider).post(url, {"action": "submit"}).status_code == 404
    assert as_(world.viewer).post(url, {"action": "submit"}).status_code == 403
    r = as_(world.club).post(url, {"action": "submit"})
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    # The province cannot skip the commune; the commune approves.
    assert as_(world.province).post(url, {"action": "approve"}).status_code == 422
    r = as_(world.commune).post(url, {"action": "approve"})
    assert r.json()["status"] == "commune_ok"
    assert [t["action"] for t in r.json()["timeline"]] == ["create", "submit", "approve"]


def test_it_takes_the_web_session_and_checks_csrf_on_writes(world, client):
    from django.test import Client

    client.force_login(world.club)
    assert client.get("/api/v1/clubs").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.club)
    r = strict.post(f"/api/v1/clubs/{world.A.pk}/members", MEMBER, content_type="application/json")
    assert r.status_code == 403
    assert not Member.objects.exists()
