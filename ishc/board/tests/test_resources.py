import datetime

import pytest
from django.urls import reverse

from ishc.audit.models import AuditEntry
from ishc.board import access, figures
from ishc.board.models import Contribution, Event


def _post(client, **extra):
    data = {
        "received_on": "2025-06-01",
        "source_type": "enterprise",
        "source_name": "Công ty Sữa Việt",
        "kind": "cash",
        "amount": "15.000.000",
        "purpose": "loan_capital",
        **extra,
    }
    return client.post(reverse("board:contribution_new"), data)


def _give(unit=None, club=None, amount=1_000_000):
    return Contribution.objects.create(
        received_on=datetime.date(2025, 1, 1),
        source_type="individual",
        source_name="Bà Lan",
        kind="cash",
        amount=amount,
        purpose="activities",
        unit=unit,
        club=club,
    )


def test_it_records_a_contribution_to_a_commune_in_scope(world, client):
    client.force_login(world.commune)
    response = _post(client, commune=world.c1.pk)
    assert response.status_code == 302
    c = Contribution.objects.get()
    assert c.amount == 15_000_000 and c.unit == world.c1 and c.created_by == world.commune
    assert AuditEntry.objects.filter(action="board.contribution.recorded").exists()


def test_it_records_a_contribution_to_a_club_by_code(world, client):
    client.force_login(world.club)
    assert _post(client, club_code=world.A.code).status_code == 302
    assert Contribution.objects.get().club == world.A


def test_it_refuses_a_unit_outside_the_users_scope(world, client):
    client.force_login(world.outsider)
    response = _post(client, commune=world.c1.pk)
    assert response.status_code == 400
    assert world.c1.name in response.content.decode()
    response = _post(client, club_code=world.A.code)
    assert response.status_code == 400 and world.A.name in response.content.decode()
    assert not Contribution.objects.exists()


def test_it_refuses_a_national_contribution_from_a_local_officer(world, client):
    client.force_login(world.province)
    assert _post(client).status_code == 400
    client.force_login(world.central)
    assert _post(client).status_code == 302
    assert Contribution.objects.get().unit is None


@pytest.mark.parametrize("amount", ["-5000", "1500,5", "1.500.000,50", "0", "abc", "12.5"])
def test_it_refuses_negative_or_fractional_amounts(world, client, amount):
    client.force_login(world.central)
    response = _post(client, amount=amount)
    assert response.status_code == 400
    assert "amount" in response.context["form"].errors
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    "amount,expected", [("1,500,000", 1_500_000), ("2500000", 2_500_000), ("3 000 000", 3_000_000)]
)
def test_it_reads_grouped_amounts(world, client, amount, expected):
    client.force_login(world.central)
    assert _post(client, amount=amount).status_code == 302
    assert Contribution.objects.get().amount == expected


def test_it_refuses_recording_to_read_only_roles(world, client):
    for user in (world.board, world.viewer):
        client.force_login(user)
        assert client.get(reverse("board:contribution_new")).status_code == 403
        assert _post(client, commune=world.c1.pk).status_code == 403
    assert not Contribution.objects.exists()


def test_it_scopes_the_list_and_totals(world, client):
    a, c3, nat, p = _give(club=world.A), _give(unit=world.c3), _give(), _give(unit=world.P)
    assert set(access.contributions(world.commune)) == {a, nat}
    assert set(access.contributions(world.club)) == {a, nat}
    assert set(access.contributions(world.province)) == {a, nat, p}
    assert set(access.contributions(world.outsider)) == {c3, nat}
    assert access.contributions(world.central).count() == 4
    assert not access.contributions(world.nobody).exists()
    assert figures.resources_by_source(access.contributions(world.outsider)) == {
        "individual": 2_000_000
    }
    client.force_login(world.outsider)
    response = client.get(reverse("board:contributions"))
    assert response.status_code == 200 and response.context["total"] == 2_000_000
    client.force_login(world.province)
    assert client.get(reverse("board:contributions")).context["total"] == 3_000_000
    client.force_login(world.nobody)
    assert client.get(reverse("board:contributions")).status_code == 403


def test_it_pins_the_resources_page_query_count(world, client, django_assert_max_num_queries):
    for _ in range(30):
        _give(club=world.A)
        _give(unit=world.c3)
    client.force_login(world.central)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("board:contributions")).status_code == 200


def _event(client, **extra):
    data = {
        "held_on": "2025-05-05",
        "event_type": "training",
        "topic": "Quản lý quỹ",
        "participants": 40,
        "women": 25,
        "older": 30,
        **extra,
    }
    return client.post(reverse("board:event_new"), data)


def test_it_records_an_event_in_scope(world, client):
    client.force_login(world.province)
    assert _event(client, province=world.P.pk).status_code == 302
    event = Event.objects.get()
    assert event.unit == world.P
    assert AuditEntry.objects.filter(action="board.event.recorded").exists()


def test_it_refuses_counts_above_the_total_and_units_outside_scope(world, client):
    client.force_login(world.province)
    response = _event(client, province=world.P.pk, women=41)
    assert response.status_code == 400 and "women" in response.context["form"].errors
    client.force_login(world.outsider)
    assert _event(client, commune=world.c1.pk).status_code == 400
    client.force_login(world.viewer)
    assert _event(client, province=world.P.pk).status_code == 403
    assert not Event.objects.exists()


def test_it_lists_events_by_scope(world, client):
    day = datetime.date(2025, 1, 1)
    Event.objects.create(
        held_on=day,
        unit=world.c1,
        event_type="training",
        topic="P-event",
        participants=10,
        women=5,
        older=5,
    )
    Event.objects.create(
        held_on=day, event_type="communication", topic="National", participants=10, women=5, older=5
    )
    client.force_login(world.commune)
    response = client.get(reverse("board:events"))
    assert {e.topic for e in response.context["events"]} == {"P-event", "National"}
    client.force_login(world.outsider)
    response = client.get(reverse("board:events"))
    assert {e.topic for e in response.context["events"]} == {"National"}
    client.force_login(world.nobody)
    assert client.get(reverse("board:events")).status_code == 403


def test_it_pins_the_library_and_events_query_counts(world, client, django_assert_max_num_queries):
    from ishc.board.models import Document

    doc = Document.objects.create(
        title="Tài liệu", doc_type="training", level="national", public=True
    )
    for i in range(20):
        Document.objects.create(title=f"D{i}", doc_type="guidance", level="national", public=True)
        e = Event.objects.create(
            held_on=datetime.date(2025, 1, 1),
            unit=world.c1,
            event_type="training",
            topic=str(i),
            participants=5,
            women=3,
            older=2,
        )
        e.materials.add(doc)
    client.force_login(world.commune)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("board:documents")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("board:events")).status_code == 200


def test_it_pages_long_lists_and_keeps_the_filter(world, client):
    for _ in range(60):
        _give(club=world.A)
    client.force_login(world.central)
    first = client.get(reverse("board:contributions") + "?year=2025")
    assert len(first.context["rows"]) == 50
    assert "?year=2025&amp;page=2" in first.content.decode()
    second = client.get(reverse("board:contributions") + "?year=2025&page=2")
    assert len(second.context["rows"]) == 10
    assert client.get(reverse("board:contributions") + "?page=x").status_code == 200
