from ishc.audit.models import AuditEntry
from ishc.audit.services import diff, history, record, snapshot


def test_it_records_who_what_and_the_changed_values(world):
    before = snapshot(world.A)
    world.A.name = "CLB A mới"
    world.A.save()
    entry = record(
        world.commune, "clubs.club.updated", world.A, before=before, after=snapshot(world.A)
    )
    assert entry.user_name == "commune"
    assert entry.club_id == world.A.pk
    assert entry.data["changes"] == {"name": ["CLB A", "CLB A mới"]}
    assert list(history(world.A)) == [entry]


def test_it_records_system_actions_without_a_user(world):
    entry = record(None, "clubs.club.created", world.B, after=snapshot(world.B))
    assert entry.user is None and entry.user_name == "system"
    assert entry.data["after"]["name"] == "CLB B"


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}


def test_the_log_itself_is_scoped(world):
    from ishc.accounts.scope import visible

    record(world.central, "clubs.club.updated", world.A)
    record(world.central, "clubs.club.updated", world.C)
    assert visible(world.commune, AuditEntry.objects.all()).get().club == world.A


def test_it_lists_the_log_of_the_users_area_only(client, world):
    from django.urls import reverse

    record(world.central, "clubs.club.updated", world.A)
    record(world.central, "clubs.club.updated", world.C)
    client.force_login(world.commune)
    response = client.get(reverse("audit:entries"))
    assert response.status_code == 200
    assert [e.club for e in response.context["page"]] == [world.A]
    client.force_login(world.outsider)
    assert [e.club for e in client.get(reverse("audit:entries")).context["page"]] == [world.C]
    client.force_login(world.central)
    assert len(client.get(reverse("audit:entries"), {"action": "clubs."}).context["page"]) == 2
    client.force_login(world.nobody)
    assert client.get(reverse("audit:entries")).status_code == 403
