from django.urls import reverse

from ishc.accounts.models import Role, User
from ishc.accounts.scope import manageable_users
from ishc.audit.models import AuditEntry


def _add(client, **data):
    base = {
        "username": "new",
        "first_name": "Lò Thị",
        "last_name": "Mai",
        "organisation": "",
        "phone": "",
        "email": "",
    }
    return client.post(reverse("person_add"), base | data)


def test_it_lets_a_province_officer_add_a_commune_officer_of_her_province(client, world):
    client.force_login(world.province)
    response = _add(client, role=Role.COMMUNE, commune=world.c2.pk)
    assert response.status_code == 200
    password = response.context["password"]
    new = User.objects.get(username="new")
    assert new.role == Role.COMMUNE
    assert [a.unit for a in new.assignments.all()] == [world.c2]
    assert new.check_password(password)
    assert AuditEntry.objects.filter(action="accounts.user.created", object_id=str(new.pk)).exists()


def test_it_adds_a_club_board_member_by_club_code(client, world):
    client.force_login(world.commune)
    response = _add(client, role=Role.CLUB, club_code=world.A.code)
    assert response.status_code == 200
    assert User.objects.get(username="new").assignments.get().club == world.A


def test_it_refuses_a_unit_outside_the_officers_area(client, world):
    client.force_login(world.province)
    response = _add(client, role=Role.COMMUNE, commune=world.c3.pk)
    assert "commune" in response.context["form"].errors
    response = _add(client, role=Role.CLUB, club_code=world.C.code)
    assert response.context["form"].errors["club_code"]
    assert not User.objects.filter(username="new").exists()


def test_it_refuses_a_role_at_or_above_the_officers_own(client, world):
    client.force_login(world.province)
    response = _add(client, role=Role.PROVINCE, province=world.P.pk)
    assert "role" in response.context["form"].errors
    client.force_login(world.commune)
    response = _add(client, role=Role.COMMUNE, commune=world.c1.pk)
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="new").exists()


def test_it_lists_only_the_people_below_and_inside(world):
    assert set(manageable_users(world.province)) == {world.commune, world.club, world.viewer}
    assert set(manageable_users(world.commune)) == {world.club}
    assert set(manageable_users(world.outsider)) == set()
    assert world.board in set(manageable_users(world.central))
    assert world.central not in set(manageable_users(world.central))
    assert set(manageable_users(world.club)) == set()


def test_it_resets_a_password_and_blocks_log_in(client, world):
    client.force_login(world.commune)
    response = client.post(reverse("person_reset", args=[world.club.pk]))
    world.club.refresh_from_db()
    assert world.club.check_password(response.context["password"])
    client.post(reverse("person_active", args=[world.club.pk]), {"active": "0"})
    world.club.refresh_from_db()
    assert world.club.is_active is False


def test_it_answers_404_for_someone_elses_people(client, world):
    client.force_login(world.outsider)
    assert client.post(reverse("person_reset", args=[world.club.pk])).status_code == 404
    client.force_login(world.commune)
    assert (
        client.post(reverse("person_active", args=[world.province.pk]), {"active": "0"}).status_code
        == 404
    )
    world.province.refresh_from_db()
    assert world.province.is_active


def test_it_turns_away_roles_that_manage_nobody(client, world):
    client.force_login(world.club)
    assert client.get(reverse("people")).status_code == 403
    assert client.get(reverse("person_add")).status_code == 403
    client.force_login(world.viewer)
    assert client.get(reverse("people")).status_code == 403


def test_the_people_page_lists_the_officers_people(client, world, django_assert_max_num_queries):
    client.force_login(world.province)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("people"))
    assert {p.username for p in response.context["page"]} == {"commune", "club", "viewer"}


def test_it_searches_people_by_name(client, world):
    client.force_login(world.province)
    response = client.get(reverse("people"), {"q": "viewer"})
    assert [p.username for p in response.context["page"]] == ["viewer"]
