import datetime

import pytest
from django.urls import reverse

from ishc.clubs.models import Member

from .conftest import fill


def _names(response):
    return {c.name for c in response.context["page"]}


def test_it_answers_404_for_a_club_of_another_province(client, world):
    """A commune officer of one province trying a club of another province by URL gets 404."""
    client.force_login(world.outsider)
    assert client.get(reverse("clubs:detail", args=[world.A.pk])).status_code == 404
    assert client.get(reverse("clubs:detail", args=[world.C.pk])).status_code == 200


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("central", 200),
        ("province", 200),
        ("commune", 200),
        ("club", 200),
        ("viewer", 200),
        ("outsider", 404),
    ],
)
def test_it_scopes_the_club_page(client, world, user, status):
    client.force_login(getattr(world, user))
    assert client.get(reverse("clubs:detail", args=[world.A.pk])).status_code == status


def test_it_scopes_the_club_list(client, world):
    for user, names in [
        (world.central, {"CLB A", "CLB B", "CLB C"}),
        (world.province, {"CLB A", "CLB B"}),
        (world.commune, {"CLB A"}),
        (world.club, {"CLB A"}),
        (world.outsider, {"CLB C"}),
    ]:
        client.force_login(user)
        assert _names(client.get(reverse("clubs:list"))) == names, user
    client.force_login(world.nobody)
    assert client.get(reverse("clubs:list")).status_code == 403


def test_it_requires_log_in(client, world):
    for url in [reverse("clubs:list"), reverse("clubs:detail", args=[world.A.pk])]:
        assert client.get(url).status_code == 302


def test_it_searches_clubs_without_diacritics(client, world):
    world.A.name = "CLB LTHTGN thôn Nà Thác"
    world.A.save()
    client.force_login(world.central)
    assert _names(client.get(reverse("clubs:list"), {"q": "na thac"})) == {world.A.name}


def test_it_filters_clubs_outside_bands(client, world, day):
    fill(world.A, world.kinh, 50, women=30, older=30)
    fill(world.B, world.kinh, 50, women=10, older=30)
    client.force_login(world.province)
    response = client.get(reverse("clubs:outside"), {"on": "30/06/2025"})
    assert _names(response) == {"CLB B"}
    response = client.get(reverse("clubs:list"), {"on": "2025-06-30", "problem": "older"})
    assert _names(response) == set()


def test_it_filters_clubs_by_unit(client, world):
    client.force_login(world.province)
    assert _names(client.get(reverse("clubs:list"), {"commune": world.c2.pk})) == {"CLB B"}
    # A unit outside the user's scope is not a valid choice: the filter is ignored, the scope
    # still applies.
    assert _names(client.get(reverse("clubs:list"), {"commune": world.c3.pk})) == {
        "CLB A",
        "CLB B",
    }


def test_it_pins_the_club_list_queries(client, world, django_assert_max_num_queries):
    from ishc.clubs.models import Club

    for i in range(6):
        club = Club.objects.create(
            name=f"CLB thêm {i}", code=f"T-X{i}", commune=world.c2, province=world.P, cohort="1336"
        )
        fill(club, world.kinh, 3)
    fill(world.A, world.kinh, 10)
    client.force_login(world.province)
    # The page's rows, then their composition in one more query (whatever the number of clubs).
    with django_assert_max_num_queries(8):
        response = client.get(reverse("clubs:list"))
    assert len(response.context["page"]) == 8


def test_it_shows_breadcrumbs_to_filtered_lists(client, world):
    client.force_login(world.central)
    crumbs = client.get(reverse("clubs:detail", args=[world.A.pk])).context["breadcrumbs"]
    assert [c["label"] for c in crumbs][1:] == ["Tỉnh Tuyên Quang", "Xã Ngọc Đường", "CLB A"]
    assert crumbs[2]["url"].endswith(f"commune={world.c1.pk}")


def test_it_scopes_the_member_list_and_pages(client, world, day):
    a = fill(world.A, world.kinh, 2)
    c = fill(world.C, world.kinh, 1)
    client.force_login(world.commune)
    response = client.get(reverse("clubs:members"))
    assert {m.pk for m in response.context["page"]} == {m.pk for m in a}
    assert client.get(reverse("clubs:member", args=[c[0].pk])).status_code == 404
    assert client.get(reverse("clubs:member", args=[a[0].pk])).status_code == 200
    client.force_login(world.outsider)
    assert client.get(reverse("clubs:member", args=[a[0].pk])).status_code == 404


def test_it_pins_the_member_list_queries(client, world, django_assert_max_num_queries):
    fill(world.A, world.kinh, 30)
    client.force_login(world.province)
    # + 1: the line in the personal-data log (Decree 13/2023); + 1: the page's ids are chosen
    # before its rows are loaded.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("clubs:members"))
    assert len(response.context["page"]) == 25


def test_it_filters_members(client, world):
    fill(world.A, world.kinh, 4, women=1, older=2)
    fill(world.A, world.tay, 1, household="poor")
    client.force_login(world.club)
    url = reverse("clubs:members")

    def count(**params):
        return client.get(url, params).context["page"].paginator.count

    assert count() == 5
    assert count(sex="F") == 1
    assert count(age="older") == 2
    assert count(age="younger") == 3
    assert count(ethnicity="minority") == 1
    assert count(household="poor") == 1
    assert count(q="THANH VIEN") == 5


def test_it_lets_a_club_board_member_add_a_member(client, world):
    client.force_login(world.club)
    url = reverse("clubs:member_add", args=[world.A.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "full_name": "Hoàng Thị Lan",
            "sex": "F",
            "birth_year": "1958",
            "ethnicity": world.tay.pk,
            "household": "near_poor",
            "joined_on": "15/03/2025",
        },
    )
    assert response.status_code == 302
    member = Member.objects.get(full_name="Hoàng Thị Lan")
    assert member.club == world.A
    assert member.periods.get().joined_on == datetime.date(2025, 3, 15)


def test_it_refuses_adding_to_a_club_of_another_unit(client, world):
    for user in [world.outsider, world.viewer, world.board]:
        client.force_login(user)
        assert client.get(reverse("clubs:member_add", args=[world.A.pk])).status_code == 404


def test_it_scopes_the_regulations_download(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.commune)
    document = SimpleUploadedFile(
        "quy-che.pdf", b"%PDF-1.4 quy che", content_type="application/pdf"
    )
    response = client.post(
        reverse("clubs:edit", args=[world.A.pk]),
        {
            "name": "CLB A",
            "commune": world.c1.pk,
            "cohort": "1336",
            "regulations_file": document,
            "regulations_adopted": "2021-02-01",
        },
    )
    assert response.status_code == 302
    url = reverse("clubs:regulations", args=[world.A.pk])
    for user, status in [(world.club, 200), (world.viewer, 200), (world.outsider, 404)]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert b"".join(response.streaming_content) == b"%PDF-1.4 quy che"
    assert client.get(reverse("clubs:regulations", args=[world.B.pk])).status_code == 404


def test_it_pins_the_club_page_queries(client, world, django_assert_max_num_queries):
    from ishc.clubs import services
    from ishc.clubs.models import Position, VolunteerKind

    members = fill(world.A, world.kinh, 12)
    for i, m in enumerate(members[:4]):
        services.add_board_term(
            None,
            world.A,
            m,
            position=Position.AREA,
            area=f"Lĩnh vực {i}",
            started_on=datetime.date(2024, 1, 1),
        )
        services.save_group(None, world.A, name=f"Tổ {i}", leader=m)
        services.add_volunteer(
            None, world.A, m, kind=VolunteerKind.HOME_CARE, started_on=datetime.date(2024, 1, 1)
        )
    client.force_login(world.commune)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("clubs:detail", args=[world.A.pk]))
    assert len(response.context["board"]) == 4


def test_it_counts_each_groups_members_on_the_club_page(client, world):
    from ishc.clubs import services

    members = fill(world.A, world.kinh, 5)
    first = services.save_group(None, world.A, name="Tổ 1", leader=members[0])
    for m in members[1:3]:
        services.update_member(None, m, group=first)
    services.save_group(None, world.A, name="Tổ 2", leader=members[3])
    services.save_group(None, world.A, name="Tổ 3")
    elsewhere = fill(world.B, world.kinh, 2)
    services.save_group(None, world.B, name="Tổ 1", leader=elsewhere[0])
    client.force_login(world.central)
    response = client.get(reverse("clubs:detail", args=[world.A.pk]))
    assert {g.name: g.size for g in response.context["groups"]} == {
        "Tổ 1": 3,
        "Tổ 2": 1,
        "Tổ 3": 0,
    }


def test_it_adds_the_registry_to_the_menu(client, world):
    client.force_login(world.club)
    names = [item["name"] for item in client.get(reverse("home")).context["shortcuts"]]
    assert "clubs:list" in names and "clubs:members" in names
    assert "clubs:to_confirm" not in names
    client.force_login(world.province)
    names = [item["name"] for item in client.get(reverse("home")).context["shortcuts"]]
    assert {"clubs:outside", "clubs:to_confirm"} <= set(names)


def test_it_lets_a_club_board_member_edit_the_club_but_not_move_it(client, world):
    client.force_login(world.club)
    url = reverse("clubs:edit", args=[world.A.pk])
    assert "commune" not in client.get(url).context["form"].fields
    response = client.post(url, {"name": "CLB A", "cohort": "1336", "meeting_day": "20"})
    assert response.status_code == 302
    world.A.refresh_from_db()
    assert (world.A.meeting_day, world.A.commune) == (20, world.c1)


def _membership_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "clubs_membership" in q["sql"]]


def test_it_counts_members_only_for_the_clubs_on_the_page(client, world):
    """A national list of 25 rows must not aggregate the whole country's membership periods:
    the page's clubs are chosen first, then composition is counted for exactly those."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ishc.clubs.models import Club

    for i in range(30):
        club = Club.objects.create(
            name=f"CLB thêm {i:02}", code=f"T-X{i}", commune=world.c2, province=world.P
        )
        fill(club, world.kinh, 2)
    client.force_login(world.central)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("clubs:list"))
    page_ids = {c.pk for c in response.context["page"]}
    assert len(page_ids) == 25
    counting = _membership_queries(captured)
    assert len(counting) == 1
    in_lists = re.findall(r"IN \(([\d, ]+)\)", counting[0])
    assert in_lists and {int(v) for v in in_lists[0].split(",")} == page_ids
    assert {c.size for c in response.context["page"] if c.name.startswith("CLB thêm")} == {2}
    # Sorting by size needs every club's count: still one query, and the sizes are right.
    response = client.get(reverse("clubs:list"), {"sort": "-size"})
    assert [c.size for c in response.context["page"]][:1] == [2]
