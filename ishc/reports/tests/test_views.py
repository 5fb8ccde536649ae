import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from ishc.audit.models import AuditEntry
from ishc.clubs.models import Club
from ishc.reports import rubric
from ishc.reports.models import CommuneSetting, MonthlyReport, RubricResult, Status
from ishc.reports.services import create_report, transition, update_narrative

from .conftest import MONTH


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_it_scopes_the_report_pages(client, world, report):
    urls = [
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:club", args=[world.A.pk]),
        reverse("reports:rubric_club", args=[world.A.pk, 2025]),
    ]
    for user in (world.club, world.commune, world.province, world.viewer, world.board):
        for url in urls:
            assert _get(client, user, url).status_code == 200, (user, url)
    for url in urls:
        assert _get(client, world.outsider, url).status_code == 404
        assert _get(client, world.nobody, url).status_code == 403


def test_it_lists_only_the_clubs_of_the_users_area(client, world, report):
    month = "?month=2026-03"
    page = _get(client, world.province, reverse("reports:index") + month).content.decode()
    assert "CLB A" in page and "CLB B" in page and "CLB C" not in page
    page = _get(client, world.outsider, reverse("reports:late") + month).content.decode()
    assert "CLB C" in page and "CLB A" not in page
    club_page = _get(client, world.club, reverse("reports:index"))
    assert club_page.status_code == 302


def test_it_walks_the_done_when_story_through_the_pages(client, world, report, today):
    """A commune officer sees who has not reported, opens a report, sends it back with a reason;
    the club corrects and resubmits; commune and province approve; it locks; the timeline shows
    every step."""
    act = reverse("reports:act", args=[report.pk])
    client.force_login(world.club)
    client.post(act, {"action": "submit"})
    late = _get(client, world.commune, reverse("reports:late") + "?month=2026-03")
    assert "CLB A" not in late.content.decode()  # sent on 03/04, before the due day
    client.post(act, {"action": "reject", "reason": "Thiếu kiến nghị cụ thể"})
    client.force_login(world.club)
    client.post(
        reverse("reports:detail", args=[report.pk]),
        {
            "difficulties": "Thiếu vốn",
            "proposals": "Xin thêm 20 triệu vốn",
            "no_meeting_reason": "",
        },
    )
    client.post(act, {"action": "submit"})
    client.force_login(world.commune)
    client.post(act, {"action": "approve"})
    client.force_login(world.province)
    client.post(act, {"action": "approve"})
    client.post(act, {"action": "lock"})
    report.refresh_from_db()
    assert report.status == Status.LOCKED
    page = _get(client, world.viewer, reverse("reports:detail", args=[report.pk])).content.decode()
    assert page.count("→") == 6 and "Thiếu kiến nghị cụ thể" in page


def test_it_refuses_an_action_with_a_message_and_404s_outside_the_area(client, world, report):
    act = reverse("reports:act", args=[report.pk])
    client.force_login(world.province)
    page = client.post(act, {"action": "approve"}, follow=True)
    assert "cannot be" in page.content.decode()
    client.force_login(world.outsider)
    assert client.post(act, {"action": "submit"}).status_code == 404
    client.force_login(world.viewer)
    assert client.post(act, {"action": "submit"}).status_code == 404
    assert MonthlyReport.objects.get().status == Status.DRAFT


def test_it_starts_a_report_and_refuses_a_second_for_the_month(client, world, report):
    client.force_login(world.club)
    page = client.post(reverse("reports:club", args=[world.A.pk]), {"month": "2026-03"})
    assert "already has a report" in page.content.decode()
    page = client.post(reverse("reports:club", args=[world.A.pk]), {"month": "2026-02"})
    assert page.status_code == 302
    client.force_login(world.viewer)
    client.post(reverse("reports:club", args=[world.A.pk]), {"month": "2026-01"})
    assert MonthlyReport.objects.count() == 2


def test_it_exports_the_late_clubs(client, world, report):
    page = _get(client, world.province, reverse("reports:late") + "?month=2026-03&format=xlsx")
    sheet = load_workbook(io.BytesIO(page.content)).active
    # A title row naming the month, a row naming the unit and the due day, then the headers.
    assert "03/2026" in sheet["A1"].value
    assert sheet["A2"].value.startswith("Tỉnh Tuyên Quang · ")
    names = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert sorted(names) == ["CLB A", "CLB B"]


def test_it_lets_only_the_province_mark_communes_without_association(client, world):
    url = reverse("reports:communes")
    assert _get(client, world.commune, url).status_code == 404
    page = _get(client, world.province, url)
    assert "Xã Ngọc Đường" in page.content.decode()
    client.post(url, {"commune": world.c1.pk, "direct": "1"})
    assert CommuneSetting.objects.get(commune=world.c1).province_approves_directly
    client.force_login(world.outsider)
    assert client.post(url, {"commune": world.c1.pk, "direct": "0"}).status_code == 404
    assert CommuneSetting.objects.get(commune=world.c1).province_approves_directly


def test_it_aggregates_the_quarter_from_the_sent_reports(client, world, report, today):
    transition(world.club, report, "submit")
    url = reverse("reports:period") + f"?unit={world.P.pk}&year=2026&quarter=1"
    page = _get(client, world.province, url)
    assert page.status_code == 200
    data = page.context["data"]
    assert data["total"]["reports"] == 1 and data["total"]["meetings"] == 1
    assert data["total"]["expected"] == 6  # two clubs, three months
    assert data["total"]["members"] == 1  # stocks: March, the last month of the quarter
    xlsx = _get(client, world.province, url + "&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _get(client, world.outsider, url).status_code == 404
    nation = _get(client, world.central, reverse("reports:period") + "?year=2026&quarter=1")
    assert [r["label"] for r in nation.context["data"]["rows"]] == [
        "Thành phố Hà Nội",
        "Tỉnh Tuyên Quang",
    ]


def test_it_aggregates_the_stocks_of_the_last_month(client, world, report, today):
    transition(world.club, report, "submit")
    url = reverse("reports:period") + f"?unit={world.c1.pk}&year=2026&quarter=0"
    data = _get(client, world.commune, url).context["data"]
    # December is not reported yet: the stocks are those of March, and the page says so.
    assert data["total"]["members"] == 1 and data["stock_month"] == MONTH
    page = _get(client, world.commune, url).content.decode()
    assert "end of 03/2026" in page and "still running" in page
    page = _get(client, world.commune, reverse("reports:period") + "?year=2026&quarter=1")
    assert page.context["unit"] == world.c1
    page = _get(client, world.province, reverse("reports:period") + "?year=2026&quarter=1")
    assert page.context["unit"] == world.P
    assert "Whole country" not in page.content.decode()
    page = _get(client, world.club, reverse("reports:period") + "?year=2026&quarter=1")
    assert page.context["unit"] == world.c1


def test_it_computes_and_overrides_the_rubric_from_the_pages(client, world):
    url = reverse("reports:rubric") + "?year=2025"
    client.force_login(world.club)
    assert client.post(url).status_code == 404
    client.force_login(world.province)
    assert client.post(url).status_code == 302
    assert set(RubricResult.objects.values_list("club__name", flat=True)) == {"CLB A", "CLB B"}
    detail = reverse("reports:rubric_club", args=[world.A.pk, 2025])
    page = client.post(detail, {"grade": "good", "reason": ""})
    assert "Give the reason" in page.content.decode()
    client.post(detail, {"grade": "good", "reason": "Đánh giá lại"})
    assert RubricResult.objects.get(club=world.A).grade == "good"
    client.force_login(world.club)
    client.post(detail, {"grade": "weak", "reason": "x"})
    assert RubricResult.objects.get(club=world.A).grade == "good"
    page = _get(client, world.club, detail).content.decode()
    assert "Đánh giá lại" in page
    assert AuditEntry.objects.filter(action="reports.rubric.overridden").count() == 1


def test_it_lists_reports_without_a_query_per_club(client, world, django_assert_max_num_queries):
    from conftest import make_club

    for i in range(15):
        make_club(f"Thêm {i}", world.c1)
    client.force_login(world.province)
    with django_assert_max_num_queries(10):
        client.get(reverse("reports:index") + "?month=2026-03")
    rubric.compute(world.province, Club.objects.all(), 2025)
    with django_assert_max_num_queries(10):
        client.get(reverse("reports:rubric") + "?year=2025")


@pytest.mark.parametrize("name", ["index", "late", "period", "rubric"])
def test_it_asks_for_an_assigned_unit(client, world, name):
    assert _get(client, world.nobody, reverse(f"reports:{name}")).status_code == 403


def test_it_speaks_vietnamese_by_default(client, world, report, settings):
    settings.LANGUAGE_CODE = "vi"
    client.force_login(world.province)
    with translation.override("vi"):
        page = client.post(
            reverse("reports:act", args=[report.pk]), {"action": "approve"}, follow=True
        )
    body = page.content.decode()
    assert "không thể duyệt" in body and "Báo cáo tháng" in body


def test_it_breaks_completeness_down_one_level(client, world, report, today):
    transition(world.club, report, "submit")
    page = _get(client, world.province, reverse("reports:index") + "?month=2026-03")
    rows = {
        r["name"]: (r["active_clubs"], r["reported"], r["on_time"]) for r in page.context["by_unit"]
    }
    assert rows == {"Xã Ngọc Đường": (1, 1, 1), "Xã Phú Linh": (1, 0, 0)}
    page = _get(client, world.central, reverse("reports:index") + "?month=2026-03")
    assert {r["name"] for r in page.context["by_unit"]} == {"Tỉnh Tuyên Quang", "Thành phố Hà Nội"}
    assert _get(client, world.commune, reverse("reports:index")).context["by_unit"] == []


def test_it_pages_long_lists_of_clubs(client, world):
    from conftest import make_club

    for i in range(105):
        make_club(f"Thêm {i:03d}", world.c1)
    page = _get(client, world.province, reverse("reports:index") + "?month=2026-03")
    assert len(page.context["rows"]) == 100
    page = _get(client, world.province, reverse("reports:index") + "?month=2026-03&page=2")
    assert len(page.context["rows"]) == 7  # 107 clubs in P: 100 on the first page
    assert page.context["totals"]["active_clubs"] == 107
    assert "?month=2026-03&amp;page=1" in page.content.decode()
    late = _get(client, world.province, reverse("reports:late") + "?month=2026-03")
    assert "?month=2026-03&amp;page=2" in late.content.decode()


def test_it_warns_on_the_club_page_and_says_who_approves(client, world, report):
    Club.objects.filter(pk=world.A.pk).update(commune=None)
    transition(world.club, report, "submit")
    page = _get(client, world.club, reverse("reports:club", args=[world.A.pk])).content.decode()
    assert "not confirmed yet" in page and "the province association approves" in page
    page = _get(client, world.province, reverse("reports:detail", args=[report.pk]))
    assert "Waiting for the province association" in page.content.decode()
    assert [a.code for a in page.context["actions"]] == ["approve", "reject"]


def test_it_takes_each_clubs_stocks_from_its_last_month_sent(client, world, report, today):
    # A sent March; B (in c2) sent only January; a third club, whose commune is not confirmed
    # yet, sent February. The quarter counts every club's members, and each club once.
    from ishc.activities.services import save_meeting
    from ishc.activities.tests.factories import member

    transition(world.club, report, "submit")
    unconfirmed = Club.objects.create(
        name="CLB U", code="T-U", province=world.P, registered_unit=world.c2, cohort=world.A.cohort
    )
    for club, month, names in [
        (world.B, 1, ["Lê Văn Bình", "Trần Thị Cúc"]),
        (unconfirmed, 2, ["Hà Thị Dung"]),
    ]:
        people = [member(club, name) for name in names]
        save_meeting(
            world.central, club, held_on=datetime.date(2026, month, 10), attendee_ids=[people[0].pk]
        )
        r = create_report(world.central, club, datetime.date(2026, month, 1))
        update_narrative(world.central, r, difficulties="-", proposals="-")
        transition(world.central, r, "submit")
    url = reverse("reports:period") + f"?unit={world.P.pk}&year=2026&quarter=1"
    data = _get(client, world.province, url).context["data"]
    rows = {r["label"]: r for r in data["rows"]}
    assert list(rows) == ["Xã Ngọc Đường", "Xã Phú Linh", "Commune not confirmed yet"]
    assert [rows[k]["members"] for k in rows] == [1, 2, 1]
    for name in ["members", "meetings", "reports", "expected"]:
        assert sum(r[name] for r in data["rows"]) == data["total"][name]
    assert data["total"]["members"] == 4 and data["total"]["meetings"] == 3
    book = load_workbook(io.BytesIO(_get(client, world.province, url + "&format=xlsx").content))
    cells = [row for row in book.active.iter_rows(values_only=True) if row and row[0]]
    assert [c[0] for c in cells[-4:]] == [*rows, "Total"]
