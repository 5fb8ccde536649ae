"""Every page of the registry renders for the user who may see it, and answers 404 to one from
another province."""

import datetime

import pytest
from django.urls import reverse

from ishc.clubs import services
from ishc.clubs.models import Position, VolunteerKind


@pytest.fixture
def setup(world):
    m = services.add_member(
        world.central,
        world.A,
        joined_on=datetime.date(2024, 1, 1),
        full_name="Hà Thị Lan",
        sex="F",
        birth_year=1950,
        ethnicity=world.tay,
    )
    term = services.add_board_term(
        world.central, world.A, m, position=Position.CHAIR, started_on=datetime.date(2024, 1, 1)
    )
    group = services.save_group(world.central, world.A, name="Tổ 1", leader=m)
    role = services.add_volunteer(
        world.central, world.A, m, kind=VolunteerKind.CULTURE, started_on=datetime.date(2024, 1, 1)
    )
    return world, m, term, group, role


def _urls(world, m, term, group, role):
    a = world.A.pk
    return [
        reverse("clubs:list"),
        reverse("clubs:outside"),
        reverse("clubs:to_confirm"),
        reverse("clubs:members"),
        reverse("clubs:import", args=["members"]),
        reverse("clubs:template", args=["members"]),
    ], [
        reverse("clubs:detail", args=[a]),
        reverse("clubs:edit", args=[a]),
        reverse("clubs:status", args=[a]),
        reverse("clubs:member_add", args=[a]),
        reverse("clubs:board_add", args=[a]),
        reverse("clubs:group_add", args=[a]),
        reverse("clubs:volunteer_add", args=[a]),
        reverse("clubs:board_end", args=[term.pk]),
        reverse("clubs:group_edit", args=[group.pk]),
        reverse("clubs:volunteer_end", args=[role.pk]),
        reverse("clubs:member", args=[m.pk]),
        reverse("clubs:member_edit", args=[m.pk]),
        reverse("clubs:member_leave", args=[m.pk]),
        reverse("clubs:member_rejoin", args=[m.pk]),
        reverse("clubs:member_move", args=[m.pk]),
    ]


def test_it_renders_every_page_for_the_club_s_officers(client, setup):
    world, *objects = setup
    general, of_club_a = _urls(world, *objects)
    for user in (world.central, world.commune, world.club):
        client.force_login(user)
        for url in general + of_club_a:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
            assert response.status_code == 200, (user, url)


def test_it_hides_every_page_of_club_a_from_another_province(client, setup):
    world, *objects = setup
    _general, of_club_a = _urls(world, *objects)
    client.force_login(world.outsider)
    for url in of_club_a:
        assert client.get(url).status_code == 404, url


def test_it_shows_but_does_not_let_read_only_users_change(client, setup):
    world, *objects = setup
    _general, of_club_a = _urls(world, *objects)
    client.force_login(world.viewer)
    readable = {
        reverse("clubs:detail", args=[world.A.pk]),
        reverse("clubs:member", args=[objects[0].pk]),
    }
    for url in of_club_a:
        assert client.get(url).status_code == (200 if url in readable else 404), url
