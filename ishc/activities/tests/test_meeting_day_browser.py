"""The meeting-day flow in real Chromium at 360×740 with touch: online, offline with a reload,
two phones on one meeting, a refused line. Every value is checked in the database afterwards,
once."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ishc.activities.models import Attendance, Meeting, Reading, SyncedLine
from ishc.finance.models import Category, Entry, EntryKind
from ishc.finance.tests.conftest import active_loan, capital

from .factories import member


@pytest.fixture
def browser_pages():
    return []


@pytest.fixture
def club(transactional_db, world):
    # Read when the test starts, not when the module is imported: a suite running over
    # midnight in Hà Nội recorded the meeting on the next day.
    world.today = today = timezone.localdate()
    world.m = [
        member(world.A, name)
        for name in ("Hoàng Văn Nam", "Hà Thị Mai", "Đặng Thị Lý", "Vũ Thị Hồng")
    ]
    capital(world.central, world.A, 10_000_000, on=today - datetime.timedelta(days=120))
    world.loan = active_loan(
        world.central, world.A, world.m[0], 1_200_000, today - datetime.timedelta(days=95)
    )
    return world


@pytest.fixture
def open_phone(chromium, live_server, browser_pages):
    contexts = []

    def open_phone(user, service_workers="allow"):
        client = Client()
        client.force_login(user)
        context = chromium.new_context(
            viewport={"width": 360, "height": 740},
            has_touch=True,
            is_mobile=True,
            base_url=live_server.url,
            service_workers=service_workers,
        )
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        page = context.new_page()
        browser_pages.append(page)
        page.goto(reverse("meetingday:current", args=[user.assignments.first().club_id]))
        page.wait_for_selector("#md-health tr[data-member]")
        return page

    yield open_phone
    for context in contexts:
        context.close()


def row(page, m):
    return page.locator(f"#md-h-{m.pk}")


def wait_sent(page, timeout=15000):
    page.locator("#md-send").tap()
    page.wait_for_function(
        "() => { const s = document.getElementById('md-state');"
        " return s.dataset.waiting === '0' && s.dataset.attention === '0'; }",
        timeout=timeout,
    )


def type_reading(page, m, pressure, weight):
    row(page, m).locator(".md-bp").tap()
    page.keyboard.type(pressure)
    page.keyboard.type(weight)
    page.keyboard.press("Enter")


def test_it_records_a_whole_meeting_online(club, open_phone):
    page = open_phone(club.club)
    names = page.locator("#md-health .md-label").all_inner_texts()
    assert names == ["Đặng Thị Lý", "Hà Thị Mai", "Hoàng Văn Nam", "Vũ Thị Hồng"]
    # Digits only: the pressure splits itself and the cursor jumps to the weight, then on.
    row(page, club.m[0]).locator(".md-bp").tap()
    page.keyboard.type("13085")
    page.keyboard.type("52")
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.closest('tr').dataset.member")
    assert focused == str(club.m[3].pk)  # Vũ comes after Hoàng
    type_reading(page, club.m[2], "14595", "48.5")
    row(page, club.m[1]).locator(".md-name").tap()  # present without a reading
    page.locator("#md-all-fees").tap()
    page.locator(f"#md-m-{club.m[3].pk} [data-field=fee]").fill("")
    page.locator(f"#md-m-{club.m[3].pk} [data-field=fee]").press("Enter")
    page.locator(f"#md-m-{club.m[0].pk} .md-as-due").first.tap()
    page.locator("#md-topic").fill("Phòng chống đột quỵ")
    page.locator("#md-topic").press("Enter")
    wait_sent(page)

    meeting = Meeting.objects.get(club=club.A)
    assert meeting.held_on == club.today and meeting.topic == "Phòng chống đột quỵ"
    present = set(Attendance.objects.filter(meeting=meeting).values_list("member", flat=True))
    assert present == {club.m[0].pk, club.m[1].pk, club.m[2].pk}
    readings = {r.member_id: r for r in Reading.objects.filter(meeting=meeting)}
    assert (readings[club.m[0].pk].systolic, readings[club.m[0].pk].diastolic) == (130, 85)
    assert str(readings[club.m[2].pk].weight_kg) == "48.5"
    fees = Entry.objects.filter(category=Category.MEMBER_FEES)
    assert sorted(fees.values_list("member", flat=True)) == sorted(m.pk for m in club.m[:3])
    paid = Entry.objects.filter(loan=club.loan, kind__in=[EntryKind.INTEREST, EntryKind.PRINCIPAL])
    assert sum(e.amount for e in paid) > 0


def test_it_sends_a_value_changed_while_the_previous_one_is_on_its_way(club, open_phone):
    # Requests a service worker makes are out of the page's routes: this test holds the page's own.
    page = open_phone(club.club, service_workers="block")
    held = []

    def slow_network(route):  # the first request waits, as on a slow network; the rest go
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/sync", slow_network)
    type_reading(page, club.m[0], "13085", "52")
    page.locator("#md-send").tap()
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page sent nothing"
    weight = row(page, club.m[0]).locator(".md-wt")
    weight.fill("53")
    weight.press("Enter")
    held[0].continue_()
    wait_sent(page)
    assert str(Reading.objects.get(member=club.m[0]).weight_kg) == "53.0"


def test_it_keeps_everything_through_a_cut_network_and_an_offline_reload(club, open_phone):
    page = open_phone(club.club)
    # The worker takes over the page and keeps the flow and the roster.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
    page.reload()
    page.wait_for_selector("#md-health tr[data-member]")
    type_reading(page, club.m[0], "12080", "50")
    wait_sent(page)
    page.context.set_offline(True)
    type_reading(page, club.m[1], "13590", "61")
    type_reading(page, club.m[2], "11070", "45")
    # The phone says what it holds: four values written to IndexedDB, none sent yet.
    page.wait_for_function(
        "() => { const s = document.getElementById('md-state');"
        " return s.dataset.saving === '0' && s.dataset.waiting === '4'; }",
        timeout=5000,
    )
    page.reload()  # offline: the worker serves the page, IndexedDB gives back what was typed
    page.wait_for_selector("#md-health tr[data-member]")
    assert row(page, club.m[1]).locator(".md-bp").input_value() == "135/90"
    assert row(page, club.m[2]).locator(".md-wt").input_value() == "45"
    assert Reading.objects.count() == 1
    page.context.set_offline(False)  # the browser's `online` event sends the rest
    page.wait_for_function(
        "() => document.getElementById('md-state').dataset.waiting === '0'", timeout=15000
    )
    readings = {r.member_id: r for r in Reading.objects.all()}
    assert set(readings) == {club.m[0].pk, club.m[1].pk, club.m[2].pk}
    assert (
        readings[club.m[1].pk].systolic == 135 and str(readings[club.m[2].pk].weight_kg) == "45.0"
    )
    assert SyncedLine.objects.filter(outcome="applied").count() == 6


def test_it_merges_two_phones_and_shows_a_conflict_for_a_person_to_resolve(club, open_phone):
    a = open_phone(club.club)
    b = open_phone(club.club)
    type_reading(a, club.m[0], "13085", "52")
    wait_sent(a)
    type_reading(b, club.m[0], "15095", "52")  # same weight, different pressure
    row(b, club.m[1]).locator(".md-name").tap()
    b.locator("#md-send").tap()
    conflict = row(b, club.m[0])
    conflict.locator(".md-choice").wait_for()
    assert b.locator("#md-state").get_attribute("data-attention") == "1"
    assert Reading.objects.get(member=club.m[0]).systolic == 130  # never a silent overwrite
    assert Attendance.objects.filter(member=club.m[1]).exists()  # the rest merged
    conflict.locator(".md-choice button").nth(1).tap()  # the person picks this phone's value
    wait_sent(b)
    assert Reading.objects.get(member=club.m[0]).systolic == 150
    assert Reading.objects.count() == 1


def test_it_keeps_a_refused_line_on_the_phone_with_the_servers_reason(club, open_phone):
    page = open_phone(club.club)
    amount = page.locator(f"#md-m-{club.m[0].pk} [data-field=repayment]")
    amount.tap()
    page.keyboard.type("90.000.000")
    page.keyboard.press("Enter")
    type_reading(page, club.m[1], "12080", "50")
    page.locator("#md-send").tap()
    page.wait_for_function(
        "() => document.getElementById('md-state').dataset.attention === '1'", timeout=15000
    )
    message = page.locator(f"#md-m-{club.m[0].pk} .md-msg")
    assert message.inner_text().strip()
    assert page.locator("#md-problems").is_visible()  # listed at the top, no scrolling needed
    assert not Entry.objects.filter(loan=club.loan, kind=EntryKind.PRINCIPAL).exists()
    assert Reading.objects.filter(member=club.m[1]).exists()
    page.reload()
    page.wait_for_selector(f"#md-m-{club.m[0].pk} .md-msg")
    assert (
        page.locator(f"#md-m-{club.m[0].pk} [data-field=repayment]").input_value() == "90.000.000"
    )
