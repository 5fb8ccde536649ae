from django.urls import reverse


def test_it_finds_communes_without_diacritics(client, world):
    client.force_login(world.central)
    response = client.get(reverse("geo:search"), {"q": "ngoc duong"})
    assert response.status_code == 200
    assert list(response.context["units"]) == [world.c1]


def test_it_limits_the_picker_to_the_users_scope(client, world):
    client.force_login(world.outsider)
    response = client.get(reverse("geo:search"), {"q": "xa"})
    assert list(response.context["units"]) == []
    response = client.get(reverse("geo:search"), {"province": world.Q.pk})
    assert list(response.context["units"]) == [world.c3]


def test_it_lists_a_province_s_communes(client, world):
    client.force_login(world.province)
    response = client.get(
        reverse("geo:search"), {"commune__province": world.P.pk, "field": "commune"}
    )
    assert {u.name for u in response.context["units"]} == {"Xã Ngọc Đường", "Xã Phú Linh"}


def test_it_requires_log_in(client, world):
    assert client.get(reverse("geo:search"), {"q": "xa"}).status_code == 302
