from django.urls import reverse


def test_it_gives_a_club_board_its_monthly_round(client, world):
    client.force_login(world.club)
    response = client.get(reverse("home"))
    [task] = response.context["club_tasks"]
    assert task["club"] == world.A
    urls = [url for _label, _icon, url in task["links"]]
    # The whole meeting (attendance, health, repayments, fees) is one tap away, first.
    assert urls[0] == reverse("meetingday:current", args=[world.A.pk])


def test_it_shows_no_club_round_to_officers_or_read_only_users(client, world):
    for user in (world.commune, world.central, world.viewer, world.board):
        client.force_login(user)
        assert client.get(reverse("home")).context["club_tasks"] == []


def test_it_counts_only_what_is_in_the_users_area(client, world):
    client.force_login(world.province)
    assert client.get(reverse("home")).context["counts"]["clubs"] == 2
    client.force_login(world.outsider)
    assert client.get(reverse("home")).context["counts"]["clubs"] == 1


def test_it_does_not_count_the_country_on_every_load(
    client, world, settings, django_capture_on_commit_callbacks
):
    """A national user's home page counted every membership period on each load (10–18 req/s at
    national size): the counts now come from the shared cache until a change in the area."""
    import datetime

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ishc.clubs.services import add_member

    settings.ISHC = {**settings.ISHC, "DASHBOARD_CACHE_SECONDS": 600}
    cache.clear()
    client.force_login(world.central)
    first = client.get(reverse("home")).context["counts"]
    with CaptureQueriesContext(connection) as again:
        assert client.get(reverse("home")).context["counts"] == first
    assert not [q for q in again.captured_queries if "clubs_membership" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        add_member(
            world.central,
            world.C,
            joined_on=datetime.date(2025, 2, 1),
            full_name="Ông Mới",
            sex="M",
            birth_year=1955,
            ethnicity=world.kinh,
        )
    assert client.get(reverse("home")).context["counts"]["members"] == first["members"] + 1
    cache.clear()
