import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.urls import reverse

from ishc.accounts.models import Role, User


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_logs_in_and_lands_on_home(client, world):
    response = _login(client, "commune", "pw-commune")
    assert response.status_code == 302
    assert response.url == reverse("home")
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "Xã Ngọc Đường" in page.content.decode()


def test_it_locks_out_after_repeated_failures(client, world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        assert _login(client, "commune", "wrong").status_code == 200
    response = _login(client, "commune", "pw-commune")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["__all__"][0].startswith(("Too many", "Đăng nhập sai"))


def test_it_resets_the_count_after_a_success(client, world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    _login(client, "commune", "wrong")
    _login(client, "commune", "wrong")
    assert _login(client, "commune", "pw-commune").status_code == 302
    client.logout()
    _login(client, "commune", "wrong")
    assert _login(client, "commune", "pw-commune").status_code == 302


def test_it_explains_a_missing_assignment(client, world):
    client.force_login(world.nobody)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "core/no_scope.html" in [t.name for t in response.templates]


def test_it_sends_anonymous_users_to_log_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hashes_passwords_with_argon2_by_default(db, settings):
    from django.conf import settings as live

    from ishc import settings as project

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS
    user = User.objects.create_user("hashme", password="s3cret-pass", role=Role.VIEWER)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert live.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_it_mails_a_password_reset_link(client, world):
    world.commune.email = "xuan@example.org"
    world.commune.save()
    response = client.post(reverse("password_reset"), {"email": "xuan@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


@pytest.mark.parametrize("username", ["central", "board", "province", "commune", "club", "viewer"])
def test_every_role_lands_on_its_home_page(client, world, username):
    client.force_login(getattr(world, username))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["user"].username == username
