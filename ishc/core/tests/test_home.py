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
