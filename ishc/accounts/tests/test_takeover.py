"""The blocker of the capabilities issue: an officer must never reach an account above them.

A superuser made with `createsuperuser` (the README's deploy step) used to get the model's default
role and be listed, reset and handed over to any central officer; the admin log-in ignored the
lock-out; and user names differing only in case could sit side by side.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from ishc.accounts import services
from ishc.accounts.models import Role, User
from ishc.accounts.scope import manageable_users, scope_of


@pytest.fixture
def root(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "pw-root-long-enough")
    call_command("createsuperuser", "--noinput", username="root", email="root@example.vn")
    return User.objects.get(username="root")


def test_createsuperuser_gives_the_admin_role_and_the_whole_country(root):
    assert root.role == Role.ADMIN
    assert scope_of(root).national


def test_it_never_lists_a_superuser_or_staff_account_to_an_officer(world, root):
    staff = User.objects.create_user("staffer", password="x", role=Role.ADMIN, is_staff=True)
    assert root not in manageable_users(world.central)
    assert staff not in manageable_users(world.central)
    assert root not in manageable_users(root)


def test_a_central_officer_cannot_reset_the_superusers_password(client, world, root):
    client.force_login(world.central)
    assert "root" not in client.get(reverse("people")).content.decode()
    response = client.post(reverse("person_reset", args=[root.pk]))
    assert response.status_code == 404
    root.refresh_from_db()
    assert root.check_password("pw-root-long-enough")
    with pytest.raises(PermissionDenied):
        services.reset_password(world.central, root)
    with pytest.raises(PermissionDenied):
        services.set_active(world.central, root, False)


def test_the_admin_log_in_goes_through_the_same_lock_out(client, world, root, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(reverse("admin:login"), {"username": "root", "password": "wrong"})
    response = client.post(
        reverse("admin:login"), {"username": "root", "password": "pw-root-long-enough"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # Failures on either page count against the same name, in any letter case.
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        client.post(reverse("login"), {"username": "Commune", "password": "wrong"})
    response = client.post(
        reverse("admin:login"), {"username": "commune", "password": "pw-commune"}
    )
    assert "_auth_user_id" not in client.session


def test_user_names_are_unique_whatever_their_case(world, root):
    with pytest.raises(ValidationError):
        User(username="ROOT", role=Role.CLUB).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("Root", password="x", role=Role.CLUB)


def test_a_commune_officer_cannot_create_a_case_variant_of_an_existing_name(client, world, root):
    client.force_login(world.commune)
    response = client.post(
        reverse("person_add"),
        {
            "username": "Root",
            "first_name": "Lò Thị",
            "last_name": "Mai",
            "role": Role.CLUB,
            "club_code": world.A.code,
        },
    )
    assert "username" in response.context["form"].errors
    assert User.objects.filter(username__iexact="root").count() == 1


def test_log_in_accepts_the_name_in_another_case(client, world):
    response = client.post(reverse("login"), {"username": "COMMUNE", "password": "pw-commune"})
    assert response.status_code == 302


def test_the_service_refuses_a_role_above_the_manager(world):
    with pytest.raises(PermissionDenied):
        services.create_person(world.commune, club=world.A, username="boss", role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.create_person(world.province, unit=world.P, username="p2", role=Role.PROVINCE)
    assert not User.objects.filter(username__in=["boss", "p2"]).exists()


def test_the_service_refuses_an_assignment_outside_the_managers_area(world):
    with pytest.raises(PermissionDenied):
        services.create_person(world.province, unit=world.c3, username="x1", role=Role.COMMUNE)
    with pytest.raises(PermissionDenied):
        services.create_person(world.commune, club=world.B, username="x2", role=Role.CLUB)
    with pytest.raises(PermissionDenied):
        services.create_person(world.viewer, club=world.A, username="x3", role=Role.CLUB)
    assert not User.objects.filter(username__in=["x1", "x2", "x3"]).exists()


def test_the_service_refuses_flags_that_make_a_superuser(world):
    with pytest.raises(PermissionDenied):
        services.create_person(
            world.central, username="sneaky", role=Role.BOARD, is_superuser=True, is_staff=True
        )
    assert not User.objects.filter(username="sneaky").exists()


def test_the_service_still_creates_what_the_manager_may(world):
    user, password = services.create_person(
        world.commune, club=world.A, username="newclub", role=Role.CLUB, first_name="A"
    )
    assert user.check_password(password)
    assert user.assignments.get().club == world.A
