from django.urls import reverse


def test_it_lists_the_clubs_in_scope_with_balances(fin, client):
    client.force_login(fin.w.commune)
    response = client.get(reverse("finance:index"))
    assert response.status_code == 200
    assert b"CLB A" in response.content and b"CLB C" not in response.content


def test_it_explains_when_no_unit_is_assigned(fin, client):
    client.force_login(fin.w.nobody)
    assert client.get(reverse("finance:index")).status_code == 403
