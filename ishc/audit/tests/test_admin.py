"""The Django admin never bypasses the services or the audit (finding 2 of the capabilities
issue): what has a service is read-only there; what remains (users, settings) is for superusers
only, and every change is audited with its before and after values, which also moves the
dashboard cache's version."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from ishc.accounts.models import Role, User
from ishc.audit.models import AuditEntry
from ishc.board.models import Contribution
from ishc.core import versions
from ishc.reports.models import RubricCriterion


@pytest.fixture
def contribution(world):
    return Contribution.objects.create(
        received_on=datetime.date(2025, 3, 1),
        source_type="donor",
        source_name="HelpAge",
        kind="cash",
        amount=1_000_000,
        club=world.A,
        purpose="igf",
    )


def test_it_refuses_to_rename_a_club_in_the_admin(admin_client, world):
    url = reverse("admin:clubs_club_change", args=[world.A.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and b'name="name"' not in page.content
    response = admin_client.post(url, {"name": "Đổi tên", "code": world.A.code})
    assert response.status_code == 403
    world.A.refresh_from_db()
    assert world.A.name == "CLB A"
    assert admin_client.post(reverse("admin:clubs_club_add"), {}).status_code == 403
    assert (
        admin_client.post(reverse("admin:clubs_club_delete", args=[world.A.pk])).status_code == 403
    )


def test_it_refuses_to_change_a_contribution_in_the_admin(admin_client, contribution):
    url = reverse("admin:board_contribution_change", args=[contribution.pk])
    response = admin_client.post(url, {"amount": "9000000"})
    assert response.status_code == 403
    contribution.refresh_from_db()
    assert contribution.amount == 1_000_000


@pytest.mark.parametrize(
    "label",
    [
        "clubs.club",
        "clubs.member",
        "geo.unit",
        "board.task",
        "board.contribution",
        "board.agency",
        "board.boardmember",
        "board.meeting",
        "board.document",
        "board.event",
        "finance.entry",
        "finance.loan",
        "reports.communesetting",
        "reports.monthlyreport",
        "activities.meeting",
    ],
)
def test_it_keeps_every_model_with_a_service_read_only_in_the_admin(label, rf, admin_user):
    from django.apps import apps
    from django.contrib import admin

    model = apps.get_model(label)
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return  # not in the admin at all: nothing to bypass
    request = rf.get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_it_audits_a_setting_changed_in_the_admin_and_moves_the_cache_version(
    admin_client, db, django_capture_on_commit_callbacks
):
    criterion = RubricCriterion.objects.order_by("pk").first()
    criterion.threshold = 6
    criterion.save()
    version = versions.read([versions.ALL])
    url = reverse("admin:reports_rubriccriterion_change", args=[criterion.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"code": criterion.code, "threshold": 9, "active": "on", "order": criterion.order}
        )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.reports.rubriccriterion.changed")
    assert entry.data["changes"]["threshold"] == [6, 9]
    assert entry.user_name == "admin"
    assert versions.read([versions.ALL]) > version


def test_it_audits_a_user_changed_in_the_admin_without_the_password(admin_client, world):
    url = reverse("admin:accounts_user_change", args=[world.viewer.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data |= {
        "role": Role.COMMUNE,
        "date_joined_0": "01/01/2025",
        "date_joined_1": "08:00:00",
        "assignments-TOTAL_FORMS": "0",
        "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
    }
    data.pop("groups", None), data.pop("user_permissions", None), data.pop("last_login", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="admin.accounts.user.changed")
    assert entry.data["changes"]["role"] == [Role.VIEWER, Role.COMMUNE]
    assert "password" not in str(entry.data)


def test_it_shows_users_and_settings_only_to_superusers(client, db):
    staff = User.objects.create_user("staffer", password="pw", role=Role.ADMIN, is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    client.force_login(staff)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:reports_rubriccriterion_changelist")).status_code == 403
