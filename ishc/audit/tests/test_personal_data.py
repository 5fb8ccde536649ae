"""Decree 13/2023 on personal data: who looked at or exported members' personal data is logged,
and the log is read by the province and the centre, each for its own area."""

import pytest
from django.urls import reverse

from ishc.accounts.models import Assignment, Role, User
from ishc.audit.models import AuditEntry, PersonalDataAccess
from ishc.clubs.tests.conftest import fill


@pytest.fixture
def members(world):
    return fill(world.A, world.kinh, 3)


def _browse_as_commune(client, world, members):
    client.force_login(world.commune)
    client.get(reverse("clubs:members"), {"club": world.A.pk})
    client.get(reverse("clubs:member", args=[members[0].pk]))
    client.get(reverse("clubs:members"), {"club": world.A.pk, "format": "xlsx"})


def test_it_logs_who_viewed_and_exported_members(client, world, members):
    versions = AuditEntry.objects.count()
    _browse_as_commune(client, world, members)
    log = list(PersonalDataAccess.objects.order_by("pk"))
    assert [(e.user, e.action) for e in log] == [
        (world.commune, "list"),
        (world.commune, "view"),
        (world.commune, "export"),
    ]
    assert log[0].rows == 3 and log[2].rows == 3
    assert log[1].member == members[0] and log[1].club == world.A
    assert all(e.club == world.A for e in log)
    # Reading is not a change: the dashboards' data version does not move.
    assert AuditEntry.objects.count() == versions


def test_the_province_and_the_centre_read_the_log_of_their_area(client, world, members):
    _browse_as_commune(client, world, members)
    url = reverse("audit:personal_data")
    for user in [world.province, world.central]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert len(response.context["page"]) == 3
        assert world.commune.username in response.content.decode()
    # A province officer elsewhere sees none of it.
    other = User.objects.create_user("province_q", password="x", role=Role.PROVINCE)
    Assignment.objects.create(user=other, unit=world.Q)
    client.force_login(other)
    assert len(client.get(url).context["page"]) == 0
    # Those below the province, and readers, may not read the log.
    for user in [world.commune, world.club, world.viewer, world.board, world.outsider]:
        client.force_login(user)
        assert client.get(url).status_code == 403, user
