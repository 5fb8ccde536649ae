"""The meeting-day sync (/api/v1/meeting-day/…): idempotent on the phone's UUIDs, per-line
refusals, merge and conflicts between two phones, the roster of the meeting's date."""

import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ishc.activities.models import Attendance, Meeting, Reading, SyncedLine
from ishc.activities.services import ReadingInput, save_meeting
from ishc.clubs.models import Membership
from ishc.finance.models import Category, Entry, EntryKind, LoanStatus
from ishc.finance.tests.conftest import active_loan, capital

from .factories import member

TODAY = timezone.localdate()
MONTH = TODAY.replace(day=1)
LAST_MONTH = (MONTH - datetime.timedelta(days=1)).replace(day=1)


def sync_url(club, month=MONTH):
    return reverse("api-v1:meeting_day_sync", args=[club.pk, month.year, month.month])


def roster_url(club, month=MONTH):
    return reverse("api-v1:meeting_day_roster", args=[club.pk, month.year, month.month])


def line(field, value, member=None, loan=None, **kw):
    return {
        "uuid": str(uuid.uuid4()),
        "field": field,
        "member": member.pk if member else None,
        "loan": loan.pk if loan else None,
        "value": value,
        **kw,
    }


def send(client, club, lines, day=TODAY, month=MONTH):
    r = client.post(
        sync_url(club, month),
        {"date": day.isoformat(), "lines": lines},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    return r.json()


@pytest.fixture
def club(world):
    world.m1 = member(world.A, "Hoàng Văn Nam")
    world.m2 = member(world.A, "Hà Thị Mai")
    world.m3 = member(world.A, "Đặng Thị Lý")
    capital(world.central, world.A, 10_000_000, on=TODAY - datetime.timedelta(days=120))
    world.loan = active_loan(
        world.central, world.A, world.m1, 1_200_000, TODAY - datetime.timedelta(days=95)
    )
    return world


def phone(user):
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


def test_it_keeps_both_phones_values_on_one_meeting(club):
    a, b = phone(club.club), phone(club.club)
    send(a, club.A, [line("bp", "130/85", club.m1)])
    send(b, club.A, [line("present", True, club.m2)])
    meeting = Meeting.objects.get(club=club.A)
    assert set(meeting.attendance.values_list("member", flat=True)) == {club.m1.pk, club.m2.pk}
    assert Reading.objects.get(meeting=meeting, member=club.m1).systolic == 130


def test_it_answers_a_retried_batch_as_the_first_time_and_writes_nothing_twice(club):
    c = phone(club.club)
    batch = [
        line("fee", "5.000", club.m2),
        line("repayment", "100.000", club.m1, club.loan),
        line("weight", "52,5", club.m2),
    ]
    first = send(c, club.A, batch)
    again = send(c, club.A, batch)
    assert first == again
    assert [a["status"] for a in first["answers"]] == ["applied"] * 3
    fees = Entry.objects.filter(category=Category.MEMBER_FEES, member=club.m2)
    assert [e.amount for e in fees] == [5000]
    paid = Entry.objects.filter(loan=club.loan, kind__in=[EntryKind.INTEREST, EntryKind.PRINCIPAL])
    assert sum(e.amount for e in paid) == 100_000
    assert SyncedLine.objects.count() == 3


def test_it_keeps_the_rest_of_the_batch_when_one_line_is_refused(club):
    c = phone(club.club)
    result = send(
        c,
        club.A,
        [
            line("repayment", "90.000.000", club.m1, club.loan),
            line("bp", "300/20", club.m2),
            line("weight", "900", club.m3),
            line("weight", "abc", club.m3),
            line("fee", "5000", club.m3),
        ],
    )
    statuses = [a["status"] for a in result["answers"]]
    assert statuses == ["refused", "refused", "refused", "refused", "applied"]
    messages = [a["message"] for a in result["answers"]]
    assert "more than is owed" in messages[0]
    assert "impossible" in messages[1] and "Hà Thị Mai" not in messages[1]
    assert "impossible" in messages[2]
    assert "not a number" in messages[3]
    assert not Entry.objects.filter(loan=club.loan, kind=EntryKind.PRINCIPAL).exists()
    assert not Reading.objects.exists()
    assert Entry.objects.filter(category=Category.MEMBER_FEES).count() == 1


def test_it_refuses_a_repayment_of_a_closed_loan_with_the_reason(club):
    c = phone(club.club)
    club.loan.status = LoanStatus.CLOSED
    club.loan.save()
    [answer] = send(c, club.A, [line("repayment", "100000", club.m1, club.loan)])["answers"]
    assert answer["status"] == "refused"
    assert "no repayment can be recorded" in answer["message"]


def test_it_makes_a_conflict_of_one_field_set_to_two_values_and_lets_a_person_choose(club):
    a, b = phone(club.club), phone(club.club)
    send(a, club.A, [line("bp", "130/85", club.m1)])
    mine = line("bp", "140/90", club.m1)
    [answer] = send(b, club.A, [mine])["answers"]
    assert answer["status"] == "conflict" and answer["server"] == "130/85"
    assert Reading.objects.get(member=club.m1).systolic == 130
    # The treasurer chooses the second phone's value: applied, and said so.
    resolved = line("bp", "140/90", club.m1, replaces=[mine["uuid"]], resolve="mine")
    [answer] = send(b, club.A, [resolved])["answers"]
    assert answer["status"] == "applied"
    assert Reading.objects.get(member=club.m1).systolic == 140


def test_it_lets_a_phone_change_its_own_value_without_a_conflict(club):
    c = phone(club.club)
    first = line("bp", "130/85", club.m1)
    send(c, club.A, [first])
    # The phone never heard the answer (base still empty) but says the line replaces its first.
    again = line("bp", "135/85", club.m1, replaces=[first["uuid"]])
    assert send(c, club.A, [again])["answers"][0]["status"] == "applied"
    assert Reading.objects.get(member=club.m1).systolic == 135


def test_it_never_posts_two_repayments_of_one_loan_from_two_phones_unless_told(club):
    a, b = phone(club.club), phone(club.club)
    send(a, club.A, [line("repayment", "100.000", club.m1, club.loan)])
    second = line("repayment", "100.000", club.m1, club.loan)
    [answer] = send(b, club.A, [second])["answers"]
    assert answer["status"] == "conflict" and answer["server"] == 100_000
    paid = Entry.objects.filter(loan=club.loan, kind__in=[EntryKind.INTEREST, EntryKind.PRINCIPAL])
    assert sum(e.amount for e in paid) == 100_000
    added = line("repayment", "50.000", club.m1, club.loan, resolve="add")
    assert send(b, club.A, [added])["answers"][0]["status"] == "applied"
    assert sum(e.amount for e in paid.all()) == 150_000


def test_it_merges_the_same_fee_from_two_phones_and_replaces_it_when_told(club):
    a, b = phone(club.club), phone(club.club)
    send(a, club.A, [line("fee", "5000", club.m2)])
    assert send(b, club.A, [line("fee", "5.000", club.m2)])["answers"][0]["status"] == "applied"
    fees = Entry.objects.filter(category=Category.MEMBER_FEES, member=club.m2)
    assert fees.count() == 1
    [answer] = send(b, club.A, [line("fee", "10000", club.m2)])["answers"]
    assert answer["status"] == "conflict" and answer["server"] == 5000
    send(b, club.A, [line("fee", "10000", club.m2, resolve="mine")])
    assert sum(fees.all().values_list("amount", flat=True)) == 10000  # 5000 − 5000 + 10000


def test_it_counts_a_member_with_a_reading_present(club):
    c = phone(club.club)
    send(c, club.A, [line("weight", "48", club.m3)])
    assert Attendance.objects.filter(member=club.m3).exists()


def test_it_counts_a_member_measured_but_not_ticked_present_in_the_old_form_too(club):
    meeting = save_meeting(
        club.club,
        club.A,
        held_on=TODAY,
        attendee_ids=[club.m1.pk],
        readings=[ReadingInput(club.m2.pk, 120, 80)],
    )
    assert set(meeting.attendance.values_list("member", flat=True)) == {club.m1.pk, club.m2.pk}


def test_it_names_the_people_who_were_not_members_on_the_day_in_the_old_form(club):
    Membership.objects.filter(member=club.m3).update(left_on=TODAY - datetime.timedelta(days=40))
    with pytest.raises(Exception) as error:
        save_meeting(club.club, club.A, held_on=TODAY, attendee_ids=[club.m3.pk])
    assert "Đặng Thị Lý" in str(error.value)


def test_it_lists_the_members_and_loans_of_the_meeting_date_in_register_order(club):
    left = member(club.A, "Vũ Văn An")
    Membership.objects.filter(member=left).update(left_on=MONTH - datetime.timedelta(days=3))
    member(club.A, "Lê Văn Mới", joined=TODAY)
    c = phone(club.club)
    day = LAST_MONTH.replace(day=10)
    data = c.get(roster_url(club.A, LAST_MONTH), {"date": day.isoformat()}).json()
    names = [m["name"] for m in data["members"]]
    assert names == ["Đặng Thị Lý", "Hà Thị Mai", "Hoàng Văn Nam", "Vũ Văn An"]
    [loan] = next(m for m in data["members"] if m["id"] == club.m1.pk)["loans"]
    assert loan["id"] == club.loan.pk and loan["due"] > 0
    assert data["date"] == day.isoformat() and data["fee"] == 5000


def test_it_refuses_a_fee_for_a_member_who_had_left(club):
    Membership.objects.filter(member=club.m3).update(left_on=TODAY - datetime.timedelta(days=1))
    [answer] = send(phone(club.club), club.A, [line("fee", "5000", club.m3)])["answers"]
    assert answer["status"] == "refused" and "Not a member" in answer["message"]
    assert not Entry.objects.filter(category=Category.MEMBER_FEES).exists()


def test_it_refuses_a_date_in_the_future_and_a_second_meeting_day_in_the_month(club):
    c = phone(club.club)
    tomorrow = TODAY + datetime.timedelta(days=1)
    month = tomorrow.replace(day=1)
    result = send(c, club.A, [line("present", True, club.m1)], day=tomorrow, month=month)
    assert "future" in result["error"] and result["answers"][0]["status"] == "refused"
    Meeting.objects.create(club=club.A, held_on=LAST_MONTH.replace(day=3))
    result = send(
        c, club.A, [line("present", True, club.m1)], day=LAST_MONTH.replace(day=5), month=LAST_MONTH
    )
    assert "already recorded on 03/" in result["error"]
    assert result["meeting_date"] == LAST_MONTH.replace(day=3).isoformat()
    assert not Attendance.objects.exists()


def test_it_lets_only_people_who_record_for_the_club_sync(club):
    lines = [line("present", True, club.m1)]
    for user in (club.viewer, club.outsider, club.board):
        r = phone(user).post(
            sync_url(club.A),
            {"date": TODAY.isoformat(), "lines": lines},
            content_type="application/json",
        )
        assert r.status_code == 404
    # A commune officer may record the meeting but not money.
    result = send(phone(club.commune), club.A, [*lines, line("fee", "5000", club.m2)])
    assert [a["status"] for a in result["answers"]] == ["applied", "refused"]
    assert Client().get(roster_url(club.A)).status_code == 401


def test_it_needs_the_csrf_token(club):
    c = Client(enforce_csrf_checks=True)
    c.force_login(club.club)
    body = {"date": TODAY.isoformat(), "lines": [line("present", True, club.m1)]}
    assert c.post(sync_url(club.A), body, content_type="application/json").status_code == 403
    c.get(reverse("meetingday:current", args=[club.A.pk]), follow=True)
    token = c.cookies["csrftoken"].value
    r = c.post(sync_url(club.A), body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 200


def test_it_serves_the_flow_the_worker_and_the_manifest(club):
    c = phone(club.club)
    page = c.get(reverse("meetingday:current", args=[club.A.pk]), follow=True)
    assert page.status_code == 200
    assert b"meeting-day.js" in page.content and b"<script>" not in page.content
    sw = c.get("/sw.js")
    assert sw["Content-Type"].startswith("application/javascript")
    assert b"ishc-meeting-" in sw.content and b"meeting-day.js" in sw.content
    assert c.get("/manifest.webmanifest").json()["display"] == "standalone"
    assert (
        phone(club.viewer)
        .get(reverse("meetingday:current", args=[club.A.pk]), follow=True)
        .status_code
        == 404
    )


def test_it_answers_in_vietnamese_by_default(club, settings):
    settings.LANGUAGE_CODE = "vi"  # the site's default; this app's tests read English otherwise
    c = Client()
    c.force_login(club.club)
    r = c.post(
        sync_url(club.A),
        {"date": TODAY.isoformat(), "lines": [line("bp", "300/20", club.m2)]},
        content_type="application/json",
    )
    assert "không thể đúng" in r.json()["answers"][0]["message"]


def test_it_builds_the_roster_in_a_fixed_number_of_queries(club, django_assert_max_num_queries):
    c = phone(club.club)
    send(c, club.A, [line("bp", "130/85", club.m1), line("fee", "5000", club.m2)])
    # About 25, a dozen of them session, scope and the API's rate counter.
    with django_assert_max_num_queries(30):
        c.get(roster_url(club.A))
    for i in range(12):
        m = member(club.A, f"Thành viên {i}")
        active_loan(club.central, club.A, m, 100_000, TODAY - datetime.timedelta(days=40))
        send(c, club.A, [line("weight", "50", m), line("fee", "5000", m)])
    with django_assert_max_num_queries(30):  # five times the rows, the same queries
        data = c.get(roster_url(club.A)).json()
    assert len(data["members"]) == 15 and sum(m["fee"] for m in data["members"]) == 13 * 5000


def test_it_lists_the_collection_sheet_in_register_order(club):
    c = phone(club.club)
    page = c.get(reverse("finance:collect", args=[club.A.pk, TODAY.year, TODAY.month]))
    names = [r["member"].full_name for r in page.context["rows"]]
    assert names == ["Đặng Thị Lý", "Hà Thị Mai", "Hoàng Văn Nam"]


def test_it_lists_the_members_of_a_late_meetings_date_in_the_old_form(club):
    member(club.A, "Lê Văn Mới", joined=TODAY)
    c = phone(club.club)
    url = reverse("activities:meeting_new", args=[club.A.pk])
    late = (TODAY - datetime.timedelta(days=20)).isoformat()
    names = [r["member"].full_name for r in c.get(url, {"held_on": late}).context["rows"]]
    assert names == ["Đặng Thị Lý", "Hà Thị Mai", "Hoàng Văn Nam"]
    assert "Lê Văn Mới" in [r["member"].full_name for r in c.get(url).context["rows"]]


def test_it_lists_the_clubs_a_phone_keeps_in_register_order(club):
    from conftest import make_club

    for name in ("CLB Vĩnh Lộc", "CLB Đồng Tâm", "CLB Hoà Bình", "CLB Hà Lang"):
        make_club(name, club.c1)
    r = phone(club.commune).get(reverse("api-v1:meeting_day_clubs"))
    assert r.status_code == 200
    names = [c["name"] for c in r.json()]
    assert names == ["CLB A", "CLB Đồng Tâm", "CLB Hà Lang", "CLB Hoà Bình", "CLB Vĩnh Lộc"]
    theirs = phone(club.outsider).get(reverse("api-v1:meeting_day_clubs")).json()
    assert [c["name"] for c in theirs] == ["CLB C"]  # another commune's officer: their club only
