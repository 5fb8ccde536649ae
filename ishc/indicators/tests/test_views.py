import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_club
from ishc.clubs.services import add_member
from ishc.indicators.models import Target

from .conftest import person

NATION = "/dashboard/nation/?programme=1336"


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_it_sends_each_role_to_its_own_dashboard(client, world):
    assert get(client, world.central, "/dashboard/").url == "/dashboard/nation/"
    assert get(client, world.province, "/dashboard/").url == f"/dashboard/province/{world.P.pk}/"
    assert get(client, world.commune, "/dashboard/").url == f"/dashboard/commune/{world.c1.pk}/"
    assert get(client, world.club, "/dashboard/").url == f"/dashboard/club/{world.A.pk}/"
    assert get(client, world.nobody, "/dashboard/").status_code == 403


def test_it_shows_the_nation_to_the_board_and_not_to_a_province(client, world):
    assert get(client, world.board, NATION).status_code == 200
    assert get(client, world.central, NATION).status_code == 200
    assert get(client, world.province, NATION).status_code == 404
    client.logout()
    assert client.get(NATION).status_code == 302


@pytest.mark.parametrize(
    ("user", "level", "unit", "status"),
    [
        ("province", "province", "P", 200),
        ("outsider", "province", "P", 404),
        ("board", "province", "P", 200),
        ("province", "commune", "c1", 200),
        ("commune", "commune", "c1", 200),
        ("commune", "commune", "c2", 404),
        ("province", "club", "A", 200),
        ("club", "club", "A", 200),
        ("club", "club", "B", 404),
        ("outsider", "club", "A", 404),
        ("viewer", "club", "B", 200),
    ],
)
def test_it_scopes_every_dashboard(client, world, user, level, unit, status):
    url = reverse(f"indicators:{level}", args=[getattr(world, unit).pk])
    assert get(client, getattr(world, user), url).status_code == status
    assert get(client, getattr(world, user), url + "report/").status_code == status
    assert get(client, getattr(world, user), url + "export.xlsx").status_code == status


def test_it_shows_every_1336_target_with_status_and_definition(client, ledger):
    response = get(client, ledger.board, NATION)
    html = response.content.decode()
    cards = response.context["cards"]
    assert len(cards) == Target.objects.filter(programme__code="1336").count() == 12
    for card in cards:
        assert card["a"].status in {"met", "on_track", "behind", "no_data"}
        if card["a"].indicator:
            assert f"/dashboard/indicators/#{card['a'].indicator.code}" in html
    women = next(c["a"] for c in cards if c["a"].target.indicator == "members_women")
    # 1336 runs to 31/12/2025: members on that day are those of 2024 plus the one who joined A
    # in January 2025 (a woman): 55 women of 86.
    assert (women.figure.num, women.figure.den) == (55, 86)
    assert women.status == "met"  # 64.0 % is inside 60–70
    funds = next(c["a"] for c in cards if c["a"].target.indicator == "clubs_both_funds")
    assert (funds.figure.num, funds.status) == (0, "behind")  # no fund has any entry


def test_it_drills_from_a_province_to_a_club(client, ledger):
    client.force_login(ledger.province)
    page = client.get(f"/dashboard/province/{ledger.P.pk}/?programme=1336")
    rows = {r["name"]: r for r in page.context["rows"]}
    assert set(rows) == {"Xã Ngọc Đường", "Xã Phú Linh"}
    commune = client.get(rows["Xã Ngọc Đường"]["url"] + "?programme=1336")
    clubs = {r["name"]: r for r in commune.context["rows"]}
    assert set(clubs) == {"CLB A", "CLB D"}
    assert clubs["CLB D"]["cells"]["members"]["num"] == 5
    club = client.get(clubs["CLB A"]["url"] + "?programme=1336")
    assert club.status_code == 200
    shown = {c["a"].target.indicator for c in club.context["cards"]}
    assert "members_women" in shown and "provinces_covered" not in shown
    assert "clubs_new" not in shown  # a count of new clubs is no club's target
    assert [c["label"] for c in club.context["breadcrumbs"]] == [
        "Tỉnh Tuyên Quang",
        "Xã Ngọc Đường",
        "CLB A",
    ]


def test_it_sorts_the_province_table_by_any_indicator(client, ledger):
    client.force_login(ledger.central)
    up = client.get(NATION + "&sort=members")
    down = client.get(NATION + "&sort=-members")
    assert [r["name"] for r in up.context["rows"]] == ["Thành phố Hà Nội", "Tỉnh Tuyên Quang"]
    assert [r["name"] for r in down.context["rows"]] == ["Tỉnh Tuyên Quang", "Thành phố Hà Nội"]
    added = client.get(NATION + "&sort=-members_minority")
    assert "members_minority" in [c.code for c in added.context["columns"]]


def test_it_shows_a_new_entry_on_the_next_load(client, ledger):
    client.force_login(ledger.central)
    url = f"/dashboard/club/{ledger.B.pk}/?programme=1648"
    before = client.get(url).context["headline"]
    members = next(h for h in before if h["ind"].code == "members")["num"]
    add_member(
        ledger.central,
        ledger.B,
        joined_on=datetime.date(2025, 3, 1),
        full_name="Bà Mới",
        sex="F",
        birth_year=1950,
        ethnicity=ledger.kinh,
    )
    after = client.get(url).context["headline"]
    assert next(h for h in after if h["ind"].code == "members")["num"] == members + 1


def test_it_exports_the_numbers_of_the_screen(client, ledger):
    client.force_login(ledger.central)
    page = client.get(NATION)
    book = load_workbook(
        io.BytesIO(client.get("/dashboard/nation/export.xlsx?programme=1336").content)
    )
    assert {"Targets", "Indicators", "Units", "Trend", "Breakdowns", "Composition"} <= set(
        book.sheetnames
    ) or len(book.sheetnames) >= 6
    sheet = book.worksheets[1]  # indicators
    values = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    for h in page.context["headline"]:
        assert values[h["ind"].code][2] == h["num"]
        assert values[h["ind"].code][3] == h["den"]
    one = load_workbook(
        io.BytesIO(client.get("/dashboard/nation/export.xlsx?programme=1336&sheet=units").content)
    )
    assert len(one.worksheets) == 1
    rows = list(one.worksheets[0].iter_rows(min_row=4, values_only=True))
    assert len(rows) == 2  # the two provinces of the test world


def test_it_prints_the_time_of_the_data(client, ledger):
    client.force_login(ledger.province)
    page = client.get(f"/dashboard/province/{ledger.P.pk}/report/?programme=1336")
    html = page.content.decode()
    assert "31/12/2025" in html
    assert "chart-months" in html


def test_it_draws_the_map_with_both_archipelagos(client, ledger):
    client.force_login(ledger.central)
    html = client.get(NATION + "&map=members_women").content.decode()
    assert html.count("<path ") == 34
    assert "Hoàng Sa" in html and "Trường Sa" in html
    book = load_workbook(
        io.BytesIO(client.get("/dashboard/nation/export.xlsx?map=members_women&sheet=map").content)
    )
    rows = {r[0]: r[2] for r in book.worksheets[0].iter_rows(min_row=4, values_only=True)}
    assert len(rows) == 34
    # Tuyên Quang today: A 51 (31 women, with the one who joined in 2025), B 10 (9), D 5 (5).
    # 68.18… % written as the map shows it: one decimal, half-up (ishc.core.numbers).
    assert rows[ledger.P.code] == 68.2


def test_it_keeps_the_dashboard_queries_flat(client, ledger):
    client.force_login(ledger.central)
    client.get(NATION)
    with CaptureQueriesContext(connection) as few:
        client.get(NATION)
    for i in range(12):
        club = make_club(f"Thêm {i}", ledger.c3)
        person(club, joined=datetime.date(2022, 1, 1), ethnicity=ledger.kinh)
    with CaptureQueriesContext(connection) as many:
        client.get(NATION)
    assert len(many) == len(few)


def test_it_lets_a_province_officer_set_a_target_for_her_province_only(client, world):
    client.force_login(world.province)
    from ishc.indicators.models import Programme

    programme = Programme.objects.get(code="1648")
    data = {
        "programme": programme.pk,
        "indicator": "clubs_new",
        "province": world.P.pk,
        "comparison": "at_least",
        "value": "120",
    }
    assert client.post("/dashboard/targets/new/", data).status_code == 302
    assert Target.objects.filter(unit=world.P, value=120).exists()
    data["province"] = world.Q.pk
    response = client.post("/dashboard/targets/new/", data)
    assert response.status_code == 200 and "province" in response.context["form"].errors
    data.update(province="", commune=world.c1.pk, value="3")
    assert client.post("/dashboard/targets/new/", data).status_code == 302
    assert Target.objects.get(unit=world.c1).value == 3
    data.update(commune=world.c3.pk)
    response = client.post("/dashboard/targets/new/", data)
    assert "commune" in response.context["form"].errors
    data.update(commune="")
    response = client.post("/dashboard/targets/new/", data)
    assert response.context["form"].non_field_errors()
    client.force_login(world.board)
    assert client.get("/dashboard/targets/new/").status_code == 404


def test_it_offers_a_province_its_own_plan(client, ledger):
    from types import SimpleNamespace

    from ishc.indicators import demo

    demo.build(SimpleNamespace(objects={"province": ledger.P}))
    client.force_login(ledger.province)
    plan = f"KH-{ledger.P.code:02d}-2030"
    page = client.get(f"/dashboard/province/{ledger.P.pk}/?programme={plan}")
    assert plan in [p.code for p in page.context["programmes"]]
    assert {c["a"].target.indicator for c in page.context["cards"]} == {
        "clubs_new",
        "communes_covered",
    }
    client.force_login(ledger.outsider)
    other = client.get(f"/dashboard/commune/{ledger.c3.pk}/?programme={plan}")
    assert plan not in [p.code for p in other.context["programmes"]]


def test_it_hands_out_a_vietnamese_targets_template_that_imports_as_it_is(client, world):
    client.force_login(world.province)
    response = client.get(reverse("indicators:target_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Chỉ tiêu", "Danh mục chỉ tiêu", "Hướng dẫn"]
    headers = [c.value for c in book["Chỉ tiêu"][1]]
    assert headers[:4] == ["Mã chương trình", "Giai đoạn", "Năm", "Mã chỉ tiêu"]
    assert not [h for h in headers if h and "_" in h]  # no machine names
    # The example row, for the user's own province, imports unchanged.
    book["Chỉ tiêu"]["E2"] = str(world.P.code)
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    buf.name = "chi-tieu.xlsx"
    response = client.post("/dashboard/targets/import/", {"file": buf})
    assert response.context["report"].ok
    confirm = reverse("indicators:target_import_confirm", args=[response.context["token"]])
    assert client.post(confirm, {"confirm": "1"}).status_code == 302
    assert Target.objects.get(unit=world.P).comparison == "at_least"
