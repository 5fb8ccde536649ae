"""The monthly meeting of a 64-member club recorded on a phone, driven in Chromium at 360×740 with
touch: the meeting-day flow, then the old two-screen route (meeting form + collection sheet) with
the same meeting, in one run. Every value is checked in the database afterwards.

    python bench/bench_meeting_day.py              # port 8143, Debian's /usr/bin/chromium
    python bench/bench_meeting_day.py --port 8144

The meeting: 64 members, 56 present, each measured (blood pressure and weight: 168 readings),
10 loans repaid (9 as due, 1 partially), 64 member fees of which 2 unpaid, a topic. Prints JSON:
key presses, taps, page loads with their measured times, and a modelled human time of 0.5 s a
key press and 1.5 s a tap or selection plus the measured loads (scrolls are counted, not timed).
The lower bound printed beside it is the same model for the typing alone (the digits and the
topic, with no tap and no navigation key), measured in the same run.
"""

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY_S, TAP_S = 0.5, 1.5
TOPIC = "Phòng chống đột quỵ"
MEMBERS, PRESENT, LOANS, UNPAID = 64, 56, 10, 2
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Counter:
    def __init__(self, page):
        self.page = page
        self.keys = self.taps = self.scrolls = 0
        self.loads: list[float] = []
        self.typing_keys = 0  # digits and letters only: the lower bound

    def goto(self, url):
        started = time.perf_counter()
        self.page.goto(url, wait_until="load")
        self.loads.append(time.perf_counter() - started)

    def navigate(self, action):
        """A tap that loads a page (a link or a submit button)."""
        started = time.perf_counter()
        with self.page.expect_navigation(wait_until="load"):
            action()
        self.loads.append(time.perf_counter() - started)

    def tap(self, locator):
        if not locator.is_visible() or not _in_view(locator):
            locator.scroll_into_view_if_needed()
            self.scrolls += 1
        locator.tap()
        self.taps += 1

    def type(self, text):
        self.page.keyboard.type(text)
        self.keys += len(text)
        self.typing_keys += len(text)

    def press(self, key, times=1):
        for _ in range(times):
            self.page.keyboard.press(key)
        self.keys += times

    def result(self):
        modelled = self.keys * KEY_S + self.taps * TAP_S + sum(self.loads)
        return {
            "key_presses": self.keys,
            "taps": self.taps,
            "scrolls": self.scrolls,
            "page_loads": len(self.loads),
            "load_seconds": [round(t, 3) for t in self.loads],
            "modelled_seconds": round(modelled, 1),
            "lower_bound_seconds": round(self.typing_keys * KEY_S, 1),
        }


def _in_view(locator):
    box = locator.bounding_box()
    if box is None:
        return False
    height = locator.page.viewport_size["height"]
    return box["y"] >= 0 and box["y"] + box["height"] <= height


# The data --------------------------------------------------------------------------------------


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ishc.settings")
    os.environ["DEBUG"] = "1"  # runserver serves the static files itself
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(rng):
    """Two identical clubs (one per route), each with its board member, 64 members, capital and 10
    loans disbursed three months ago; and the meeting both routes record."""
    from django.utils import timezone

    from ishc.accounts.models import Assignment, Role, User
    from ishc.clubs.models import Club, Cohort
    from ishc.clubs.services import add_member
    from ishc.finance import services as finance
    from ishc.finance.models import Category, EntryKind, FundKind
    from ishc.geo.models import EthnicGroup, Level, Scheme, Unit

    today = timezone.localdate()
    province = Unit.objects.create(
        scheme=Scheme.CURRENT, level=Level.PROVINCE, code=98, name="Tỉnh Bench", division_type=""
    )
    commune = Unit.objects.create(
        scheme=Scheme.CURRENT,
        level=Level.COMMUNE,
        code=9801,
        name="Xã Bench",
        division_type="",
        parent=province,
        province=province,
    )
    kinh = EthnicGroup.objects.create(code="01", name="Kinh")
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Hà", "Đặng", "Vũ", "Bùi", "Đỗ", "Dương"]
    middles = ["Thị", "Văn", "Đức", "Thị Thu", "Ngọc"]
    given = ["An", "Bình", "Chi", "Dung", "Hoa", "Lan", "Mai", "Nam", "Sơn", "Tâm", "Ánh", "Yến"]
    names = sorted(
        {f"{rng.choice(families)} {rng.choice(middles)} {rng.choice(given)}" for _ in range(400)}
    )
    names = rng.sample(names, MEMBERS)
    routes = {}
    for label in ("flow", "old"):
        club = Club.objects.create(
            name=f"CLB {label}",
            code=f"B-{label}",
            commune=commune,
            province=province,
            registered_unit=commune,
            cohort=Cohort.P1336,
            founded_on=datetime.date(2020, 1, 1),
        )
        user = User.objects.create_user(username=f"board-{label}", password="x", role=Role.CLUB)
        Assignment.objects.create(user=user, club=club)
        members = [
            add_member(
                None,
                club,
                joined_on=datetime.date(2021, 1, 1),
                full_name=name,
                sex="F",
                birth_year=1955,
                ethnicity=kinh,
            )
            for name in names
        ]
        finance.record_entry(
            user,
            club,
            fund_kind=FundKind.IGF,
            kind=EntryKind.CAPITAL,
            amount=100_000_000,
            date=today - datetime.timedelta(days=120),
            category=Category.COMMUNE_PC,
        )
        loans = []
        for m in members[:: MEMBERS // LOANS][:LOANS]:
            on = today - datetime.timedelta(days=95)
            loan = finance.apply_loan(
                user,
                club,
                member=m,
                amount=3_000_000,
                purpose="Nuôi lợn",
                applied_on=on,
                months=12,
                annual_rate="6",
                method="declining",
            )
            finance.approve_loan(user, loan, on=on, meeting="Họp tháng")
            finance.disburse(user, loan, on=on)
            loans.append(loan)
        routes[label] = {"club": club, "user": user, "members": members, "loans": loans}
    return routes


def plan(rng, members, loans):
    """What happens at the meeting (the same for both routes, by member position)."""
    absent = set(rng.sample(range(MEMBERS), MEMBERS - PRESENT))
    readings = {}
    for i in range(MEMBERS):
        if i in absent:
            continue
        sys_ = rng.choice([110, 118, 120, 125, 130, 135, 140, 145, 150, 160])
        dia = rng.choice([70, 75, 80, 85, 90, 95, 100])
        weight = rng.choice(["45", "48", "52", "55", "58", "61", "47.5", "53.5"])
        readings[i] = (sys_, dia, weight)
    unpaid = set(rng.sample(range(MEMBERS), UNPAID))
    return {"readings": readings, "unpaid": unpaid, "partial": 3, "partial_amount": 100_000}


# The two routes ---------------------------------------------------------------------------------


def new_flow(page, base, route, p):
    from django.urls import reverse

    from ishc.activities.meetingday import members_on

    c = Counter(page)
    c.goto(base + reverse("home"))
    c.navigate(lambda: c.tap(page.locator(".btn-success").first))
    page.wait_for_selector("#md-health tr[data-member]")
    order = [m.pk for m in members_on(route["club"], datetime.date.today())]
    index = {m.pk: i for i, m in enumerate(route["members"])}
    first = next(pk for pk in order if index[pk] in p["readings"])
    c.tap(page.locator(f"#md-h-{first} .md-bp"))
    started = False
    for pk in order:
        reading = p["readings"].get(index[pk])
        if reading is None:
            if started:
                c.press("Enter", 2)  # past an absent member: pressure, weight
            continue
        started = True
        sys_, dia, weight = reading
        c.type(f"{sys_}{dia}")  # digits only: the flow splits them and moves on to the weight
        c.type(weight)
        if "." not in weight:
            c.press("Enter")  # "52" might become "52.5": the person says it is done
    c.tap(page.locator("#md-all-fees"))
    for i in p["unpaid"]:
        c.tap(
            page.locator(f"#md-m-{route['members'][i].pk} [data-field=fee]")
            .locator("..")
            .locator(".md-as-due")
        )
    for n, loan in enumerate(route["loans"]):
        box = page.locator(f"#md-m-{loan.member_id} [data-loan='{loan.pk}']")
        if n == p["partial"]:
            c.tap(box)
            c.type(f"{p['partial_amount']:,}".replace(",", "."))
            c.press("Enter")
        else:
            c.tap(box.locator("..").locator(".md-as-due"))
    c.tap(page.locator("#md-topic"))
    c.type(TOPIC)
    c.press("Enter")
    page.wait_for_function(
        "() => { const s = document.getElementById('md-state');"
        " return s.dataset.waiting === '0' && s.dataset.attention === '0'; }",
        timeout=60000,
    )
    return c.result()


def old_route(page, base, route, p):
    from django.urls import reverse

    from ishc.activities.services import roster_on

    c = Counter(page)
    c.goto(base + reverse("home"))
    c.navigate(lambda: page.goto(base + reverse("activities:meeting_new", args=[route["club"].pk])))
    c.taps += 1  # the link on the club's page
    index = {m.pk: i for i, m in enumerate(route["members"])}
    c.tap(page.locator("#id_topic"))
    c.type(TOPIC)
    for m in roster_on(route["club"], datetime.date.today()):
        reading = p["readings"].get(index[m.pk])
        if reading is None:
            continue
        sys_, dia, weight = reading
        c.tap(page.locator(f"#p{m.pk}"))
        c.tap(page.locator(f"[name=sys_{m.pk}]"))
        c.type(str(sys_))
        c.press("Tab")
        c.type(str(dia))
        c.press("Tab")
        c.type(weight)
    c.navigate(lambda: c.tap(page.locator("form button[type=submit]")))
    today = datetime.date.today()
    c.navigate(
        lambda: page.goto(
            base + reverse("finance:collect", args=[route["club"].pk, today.year, today.month])
        )
    )
    c.taps += 1  # the link on the club's home
    c.tap(page.locator("#fill-due"))
    for i in p["unpaid"]:
        field = page.locator(f"#fee_{route['members'][i].pk}")
        c.tap(field)
        page.keyboard.press("End")
        c.press("Backspace", len(field.input_value()))
    loan = route["loans"][p["partial"]]
    field = page.locator(f"#pay_{loan.pk}")
    c.tap(field)
    page.keyboard.press("End")
    c.press("Backspace", len(field.input_value()))
    c.type(str(p["partial_amount"]))
    c.navigate(lambda: c.tap(page.locator("form.sheet button.btn-success")))
    return c.result()


def check(route, p):
    """Every value of the meeting in the database, once."""
    from django.conf import settings

    from ishc.activities.models import Meeting
    from ishc.finance.models import Category, Entry, EntryKind

    meeting = Meeting.objects.get(club=route["club"])
    members = route["members"]
    present = set(meeting.attendance.values_list("member_id", flat=True))
    expected_present = {members[i].pk for i in p["readings"]}
    assert present == expected_present, (len(present), len(expected_present))
    readings = {r.member_id: r for r in meeting.readings.all()}
    assert len(readings) == PRESENT
    for i, (sys_, dia, weight) in p["readings"].items():
        r = readings[members[i].pk]
        assert (r.systolic, r.diastolic, float(r.weight_kg)) == (sys_, dia, float(weight)), i
    assert meeting.topic == TOPIC
    fees = Entry.objects.filter(club=route["club"], category=Category.MEMBER_FEES)
    paid = {members[i].pk for i in range(MEMBERS) if i not in p["unpaid"]}
    assert sorted(fees.values_list("member_id", flat=True)) == sorted(paid)
    assert all(a == settings.ISHC["MEMBER_FEE"] for a in fees.values_list("amount", flat=True))
    repaid = Entry.objects.filter(
        club=route["club"], kind__in=[EntryKind.INTEREST, EntryKind.PRINCIPAL]
    )
    by_loan = {}
    for loan_id, amount in repaid.values_list("loan_id", "amount"):
        by_loan[loan_id] = by_loan.get(loan_id, 0) + amount
    assert len(by_loan) == LOANS
    assert by_loan[route["loans"][p["partial"]].pk] == p["partial_amount"]
    return {
        "present": len(present),
        "readings": 3 * len(readings),
        "fees": fees.count(),
        "repayments": len(by_loan),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8143)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["ISHC_MEMBER_FEE"] = "5000"
        setup()
        rng = random.Random(10)
        routes = fill(rng)
        p = plan(rng, routes["flow"]["members"], routes["flow"]["loans"])
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload"],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            result = drive(args, routes, p)
        finally:
            server.terminate()
            server.wait()
    result["done_when_seconds"] = 300
    print(json.dumps(result, indent=2, ensure_ascii=False))


def drive(args, routes, p):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.test import Client
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{args.port}"
    _wait_for(base)
    out = {"members": MEMBERS, "present": PRESENT, "loans": LOANS, "unpaid_fees": UNPAID}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for label, run in (("meeting_day_flow", new_flow), ("old_two_screens", old_route)):
            route = routes["flow" if run is new_flow else "old"]
            client = Client()
            client.force_login(route["user"])
            context = browser.new_context(
                viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
            )
            context.add_cookies(
                [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
            )
            page = context.new_page()
            started = time.perf_counter()
            out[label] = run(page, base, route, p)
            out[label]["script_seconds"] = round(time.perf_counter() - started, 1)
            out[label]["checked_in_database"] = check(route, p)
            context.close()
        browser.close()
    return out


def _wait_for(base):
    import urllib.request

    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


if __name__ == "__main__":
    main()
