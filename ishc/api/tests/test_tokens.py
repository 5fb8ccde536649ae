import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone

from ishc.api.models import ApiToken, hash_key
from ishc.api.tokens import create_token, revoke_token
from ishc.audit.models import AuditEntry
from ishc.clubs.models import Member

from .conftest import Caller

MEMBER = {
    "full_name": "Nguyễn Thị Hoa",
    "sex": "F",
    "birth_year": 1955,
    "household": "poor",
    "joined_on": "2025-01-05",
}


def test_it_stores_only_a_hash_and_shows_the_token_once(world):
    token, raw = create_token(world.club, name="Điện thoại CLB")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw.startswith("ishc_") and len(raw) > 40
    assert stored.key_hash == hash_key(raw) and raw not in stored.key_hash
    assert stored.hint == raw[:10]
    assert AuditEntry.objects.filter(action="api.token.created", object_id=str(token.pk)).exists()


def test_it_records_when_a_token_was_last_used(world, client):
    token, raw = create_token(world.club, name="phone")
    assert token.last_used_at is None
    Caller(client, raw).get("/api/v1/clubs")
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("case", ["revoked", "expired", "unknown", "missing", "inactive"])
def test_it_refuses_a_token_that_is_not_usable_with_401_problem(world, client, case):
    token, raw = create_token(world.club, name="phone")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if case == "revoked":
        revoke_token(world.club, token)
    elif case == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_on=timezone.localdate() - datetime.timedelta(days=1)
        )
    elif case == "unknown":
        headers = {"HTTP_AUTHORIZATION": "Bearer ishc_not-a-real-token"}
    elif case == "missing":
        headers = {}
    elif case == "inactive":
        world.club.is_active = False
        world.club.save()
    r = client.get("/api/v1/clubs", **headers)
    assert r.status_code == 401
    assert r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 401 and body["title"] and body["detail"]
    # The refusal is in the caller's language: Vietnamese unless English was chosen.
    assert "mã" in body["detail"].lower() or "đăng nhập" in body["detail"].lower()


def test_it_lets_a_token_expiring_today_work_until_the_day_ends(world, client):
    token, raw = create_token(world.club, name="phone")
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate())
    assert Caller(client, raw).get("/api/v1/clubs").status_code == 200


def test_it_refuses_every_write_with_a_read_only_token_and_writes_nothing(world, as_):
    caller = as_(world.club, read_only=True)
    assert caller.get("/api/v1/members").status_code == 200
    r = caller.post(f"/api/v1/clubs/{world.A.pk}/members", MEMBER | {"ethnicity_id": world.kinh.pk})
    assert r.status_code == 403
    assert r["Content-Type"] == "application/problem+json"
    assert not Member.objects.exists()


def test_it_refuses_an_expiry_in_the_past(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        create_token(world.club, name="x", expires_on=timezone.localdate())


def test_it_never_lets_someone_revoke_another_persons_token(world):
    from django.core.exceptions import ValidationError

    token, _raw = create_token(world.club, name="phone")
    with pytest.raises(ValidationError):
        revoke_token(world.commune, token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_limits_requests_per_token_in_the_shared_cache(world, as_, settings):
    settings.ISHC = {**settings.ISHC, "API_REQUESTS_PER_MINUTE": 3}
    first, second = as_(world.club), as_(world.club)
    assert [first.get("/api/v1/clubs").status_code for _ in range(3)] == [200, 200, 200]
    r = first.get("/api/v1/clubs")
    assert r.status_code == 429
    assert r["Content-Type"] == "application/problem+json"
    assert 1 <= int(r["Retry-After"]) <= 61
    # Another token of the same person has its own budget.
    assert second.get("/api/v1/clubs").status_code == 200
    # Counted where every worker process sees it, never in this process's memory.
    assert "LocMem" not in type(caches["default"]).__name__


def test_it_makes_lists_and_revokes_tokens_on_the_profile_page(world, client):
    client.force_login(world.club)
    r = client.post(
        "/accounts/profile/",
        {"name": "Cơ sở dữ liệu tỉnh", "read_only": "on", "once_token": "t" * 32},
    )
    assert r.status_code == 200
    raw = r.context["new_key"]
    token = ApiToken.objects.get(user=world.club)
    assert token.read_only and token.key_hash == hash_key(raw)
    assert raw in r.content.decode()
    page = client.get("/accounts/profile/").content.decode()
    # Listed by name and hint, never shown again in full; in Vietnamese.
    assert "Cơ sở dữ liệu tỉnh" in page and token.hint in page and raw not in page
    assert "Thu hồi" in page and "chỉ đọc" in page
    client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Caller(client, raw).get("/api/v1/clubs").status_code == 401


def test_it_lets_nobody_revoke_another_persons_token_from_the_page(world, client):
    token, _raw = create_token(world.club, name="phone")
    client.force_login(world.commune)
    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_refuses_a_token_without_a_name_on_the_page(world, client):
    client.force_login(world.club)
    r = client.post("/accounts/profile/", {"name": " "})
    assert r.status_code == 200 and r.context["new_key"] is None
    assert not ApiToken.objects.exists()


def test_it_creates_the_shared_cache_table_after_migrate(db, settings):
    # The test runner makes cache tables itself; a real `migrate` only has the post_migrate hook.
    from django.db import connection

    from ishc.core.apps import _create_cache_table

    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")
    assert table not in connection.introspection.table_names()
    _create_cache_table()
    assert table in connection.introspection.table_names()
