"""Finding 4 of the capabilities issue: the lock-out was by user name only.

A stranger's 30 wrong passwords locked `viewer` out of every address, the failure counter was a
read-modify-write without a lock, and every failure cost a full argon2 hash. Now the lock is on
the pair (user name, address) with a cool-off, the counter is one locked row, and a locked pair or
an address spraying many names is refused before any password is hashed.
"""

import datetime
import threading

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ishc.accounts import lockout

A, B = "203.0.113.7", "198.51.100.20"


def _login(client, username, password, address=A, path="login"):
    return client.post(
        reverse(path), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_does_not_lock_the_real_user_out_of_their_own_address(client, world, settings):
    settings.LOGIN_MAX_FAILURES = 5
    for _ in range(30):
        _login(client, "viewer", "wrong", A)
    assert not _logged_in(client)
    # From the stranger's address the right password is refused…
    refused = _login(client, "viewer", "pw-viewer", A)
    assert not _logged_in(client)
    assert refused.context["form"].errors["__all__"][0].startswith(("Too many", "Đăng nhập sai"))
    # …but the officer at her own desk gets in.
    assert _login(client, "viewer", "pw-viewer", B).status_code == 302
    assert _logged_in(client)


def test_it_counts_failures_in_any_letter_case_and_on_the_admin_page(client, world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    _login(client, "Viewer", "wrong")
    _login(client, "VIEWER", "wrong", path="admin:login")
    _login(client, "viewer", "wrong")
    assert lockout.failures("viewer", A) == 3
    _login(client, "viewer", "pw-viewer")
    assert not _logged_in(client)


def test_it_lets_the_pair_in_again_after_the_cool_off(client, world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCK_MINUTES = 15
    for _ in range(3):
        _login(client, "viewer", "wrong")
    _login(client, "viewer", "pw-viewer")
    assert not _logged_in(client)
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert _login(client, "viewer", "pw-viewer").status_code == 302


def test_it_refuses_a_locked_pair_before_hashing_the_password(client, world, settings, monkeypatch):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        _login(client, "viewer", "wrong")
    hashed = []
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        hashed.append(username)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    for _ in range(5):
        _login(client, "viewer", "pw-viewer")
    assert hashed == []
    assert not _logged_in(client)


def test_it_slows_an_address_that_sprays_many_names_before_hashing(
    client, world, settings, monkeypatch
):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_MAX_ADDRESS_FAILURES = 8
    for n in range(8):
        _login(client, f"guess{n}", "wrong")
    hashed = []
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        hashed.append(username)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    response = _login(client, "guess99", "wrong")
    assert hashed == []
    assert response.context["form"].errors["__all__"][0].startswith(("Too many", "Đăng nhập sai"))
    # Another address is not slowed.
    assert _login(client, "viewer", "pw-viewer", B).status_code == 302


def test_it_takes_the_address_from_the_proxy_only_when_told_there_is_one(rf, settings):
    request = rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    settings.BEHIND_PROXY = False
    assert lockout.client_ip(request) == "127.0.0.1"
    settings.BEHIND_PROXY = True
    # The proxy appends the address it saw; anything before it is what the client claimed.
    assert lockout.client_ip(request) == "198.51.100.9"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite runs one writer at a time, so there is no race to test",
)
def test_it_counts_concurrent_failures_exactly(world, settings):
    settings.LOGIN_MAX_FAILURES = 1000
    n = 12
    barrier = threading.Barrier(n)
    codes = []

    def attempt():
        try:
            barrier.wait()
            codes.append(_login(Client(), "viewer", "wrong").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert codes == [200] * n
    assert lockout.failures("viewer", A) == n
