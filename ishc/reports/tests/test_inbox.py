import datetime

import pytest
from django.urls import reverse

from ishc.audit.models import AuditEntry
from ishc.clubs.models import Club
from ishc.reports import services
from ishc.reports.models import CommuneSetting, MonthlyReport, Status
from ishc.reports.services import create_report, transition, update_narrative, waiting_for

from .conftest import MONTH


def _kinds(client, user):
    client.force_login(user)
    return {k["kind"].code: k["count"] for k in client.get(reverse("home")).context["inbox"]}


def _sent(world, club, month=MONTH):
    r = create_report(world.central, club, month)
    r = update_narrative(world.central, r, difficulties="-", proposals="-", no_meeting_reason="Lũ")
    return transition(world.central, r, "submit")


def test_it_lists_what_waits_for_each_officer_with_counts_on_the_home_page(client, world, report):
    transition(world.club, report, "submit")
    b = _sent(world, world.B)
    assert _kinds(client, world.commune)["decide"] == 1
    assert _kinds(client, world.province)["decide"] == 0  # the communes decide first
    assert _kinds(client, world.outsider)["decide"] == 0
    transition(world.commune, report, "approve")
    province = _kinds(client, world.province)
    assert province["decide"] == 1 and province["to_confirm"] == 0
    Club.objects.filter(pk=world.B.pk).update(commune=None)
    province = _kinds(client, world.province)
    assert province["decide"] == 2 and province["to_confirm"] == 1
    page = client.get(reverse("reports:inbox") + "?kind=decide")
    assert {r.pk for r in page.context["rows"]} == {report.pk, b.pk}
    assert "write_offs" not in _kinds(client, world.club)
    assert _kinds(client, world.viewer) == {} and _kinds(client, world.board) == {}
    client.force_login(world.viewer)
    assert client.get(reverse("reports:inbox")).status_code == 404


def test_it_approves_the_selected_reports_each_audited(client, world, report):
    transition(world.club, report, "submit")
    Club.objects.filter(pk=world.B.pk).update(commune=None)
    b = _sent(world, world.B)
    transition(world.commune, report, "approve")
    c = _sent(world, world.C)  # another province: never approved from here
    client.force_login(world.province)
    client.post(reverse("reports:inbox") + "?kind=decide", {"report": [report.pk, b.pk, c.pk]})
    statuses = dict(MonthlyReport.objects.values_list("pk", "status"))
    assert statuses[report.pk] == statuses[b.pk] == Status.PROVINCE_APPROVED
    assert statuses[c.pk] == Status.SUBMITTED
    audited = AuditEntry.objects.filter(action="reports.report.approve", user=world.province)
    assert sorted(int(a.object_id) for a in audited) == sorted([report.pk, b.pk])


def test_it_shows_the_club_why_its_report_came_back_at_the_top(client, world, report):
    r = transition(world.club, report, "submit")
    transition(world.commune, r, "reject", "Thiếu số liệu cho vay")
    assert _kinds(client, world.club)["sent_back"] == 1
    page = client.get(reverse("reports:detail", args=[r.pk])).content.decode()
    top = page.index("Thiếu số liệu cho vay")
    assert top < page.index("Timeline") and "submit the report again" in page
    transition(world.club, r, "submit")
    assert _kinds(client, world.club)["sent_back"] == 0


@pytest.mark.parametrize("direct", [False, True])
@pytest.mark.parametrize("confirmed", [False, True])
def test_it_agrees_with_waiting_for_in_sql(world, report, direct, confirmed):
    if not confirmed:
        Club.objects.filter(pk=world.A.pk).update(commune=None)
    if direct:
        CommuneSetting.objects.create(commune=world.c1, province_approves_directly=True)
    for status in Status.values:
        MonthlyReport.objects.filter(pk=report.pk).update(status=status)
        r = MonthlyReport.objects.select_related("club").get(pk=report.pk)
        levels = [
            lv
            for lv in (0, 1, 2, 3)
            if MonthlyReport.objects.filter(services.waiting_q(lv), pk=r.pk).exists()
        ]
        assert levels == [waiting_for(r)], status


def test_it_counts_the_inbox_without_a_query_per_report(
    client, world, django_assert_max_num_queries
):
    for month in range(1, 4):
        for club in (world.A, world.B):
            _sent(world, club, datetime.date(2026, month, 1))
    client.force_login(world.province)
    with django_assert_max_num_queries(16):
        client.get(reverse("reports:inbox") + "?kind=decide")
