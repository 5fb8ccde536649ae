"""The small world every test builds on (see docs/testing.md):

province P (Tuyên Quang) with communes c1 and c2, a club in each (A, B); province Q (Hà Nội)
with commune c3 and club C; and named users, one per role:

- central  — central officer, whole country, enters data
- board    — Steering Board member, whole country, read-only
- province — province officer of P
- commune  — commune officer of c1
- club     — club board member of club A
- viewer   — donor viewer of P, read-only
- outsider — commune officer of c3 in the other province
- nobody   — logged in, no unit assigned
"""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings

from ishc.accounts.models import Assignment, Role, User
from ishc.clubs.models import Club, Cohort
from ishc.geo.models import EthnicGroup, Level, Scheme, Unit


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is deliberately slow; tests that check hashing itself ask for it explicitly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_result_cache(settings):
    """Cached figures are current until a change commits (ishc.core.versions), and a test's
    transaction never commits: tests of the cache turn it on and run the on-commit callbacks
    (ishc/indicators/tests/test_cache.py, ishc/core/tests/test_home.py)."""
    settings.ISHC = {**settings.ISHC, "DASHBOARD_CACHE_SECONDS": 0}


@pytest.fixture(autouse=True)
def _months_agree_with_entries(request):
    """After every test that touched the database, the months' sums (finance.ClubMonth) equal
    the entries they are made of: whatever service the test called, the projection kept up.
    The database is set up here when the test asks for it (pytest-django's helper fixture), so
    that it is rolled back after this check, not before."""
    if not (
        "_django_db_helper" in request.fixturenames or request.node.get_closest_marker("django_db")
    ):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from ishc.finance import monthly

    assert monthly.differences() == []


def make_unit(scheme, level, code, name, parent=None, province=None) -> Unit:
    unit = Unit(
        scheme=scheme,
        level=level,
        code=code,
        name=name,
        division_type="",
        parent=parent,
        province=province,
    )
    unit.save()
    return unit


def make_club(name, commune, **fields) -> Club:
    club = Club(
        name=name,
        code=fields.pop("code", f"T-{name}"),
        commune=commune,
        province_id=commune.province_id,
        registered_unit=commune,
        cohort=Cohort.P1336,
        founded_on=fields.pop("founded_on", datetime.date(2021, 1, 1)),
        **fields,
    )
    club.save()
    return club


def make_user(username, role, unit=None, club=None, national=False) -> User:
    user = User.objects.create_user(
        username=username, password="pw-" + username, role=role, first_name=username.title()
    )
    if national or unit is not None or club is not None:
        Assignment.objects.create(user=user, unit=unit, club=club)
    return user


@pytest.fixture
def world(db):
    C, P, M = Scheme.CURRENT, Level.PROVINCE, Level.COMMUNE
    w = SimpleNamespace()
    w.P = make_unit(C, P, 8, "Tỉnh Tuyên Quang")
    w.Q = make_unit(C, P, 1, "Thành phố Hà Nội")
    w.c1 = make_unit(C, M, 700, "Xã Ngọc Đường", parent=w.P, province=w.P)
    w.c2 = make_unit(C, M, 706, "Xã Phú Linh", parent=w.P, province=w.P)
    w.c3 = make_unit(C, M, 4, "Phường Ba Đình", parent=w.Q, province=w.Q)
    w.A = make_club("CLB A", w.c1)
    w.B = make_club("CLB B", w.c2)
    w.C = make_club("CLB C", w.c3)
    w.kinh = EthnicGroup.objects.create(code="01", name="Kinh")
    w.tay = EthnicGroup.objects.create(code="02", name="Tày")
    w.central = make_user("central", Role.CENTRAL, national=True)
    w.board = make_user("board", Role.BOARD, national=True)
    w.province = make_user("province", Role.PROVINCE, unit=w.P)
    w.commune = make_user("commune", Role.COMMUNE, unit=w.c1)
    w.club = make_user("club", Role.CLUB, club=w.A)
    w.viewer = make_user("viewer", Role.VIEWER, unit=w.P)
    w.outsider = make_user("outsider", Role.COMMUNE, unit=w.c3)
    w.nobody = make_user("nobody", Role.COMMUNE)
    return w


@pytest.fixture
def older_age():
    return settings.ISHC["OLDER_AGE"]


# Browser tests ---------------------------------------------------------------------------------
# Playwright (from PyPI) drives Debian's chromium at /usr/bin/chromium; it never downloads a
# browser. In CI (CI=true) a missing browser fails the run; on a developer's machine the tests
# are skipped and the run ends with a loud warning, so nobody takes a green run for a full one.

CHROMIUM = "/usr/bin/chromium"
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
_browser_skipped: list[str] = []


def _browser_missing() -> str:
    import importlib.util
    import os

    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (make install)"
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return ""


def _serve_one_request_at_a_time() -> None:
    """On SQLite the test database lives in memory and Django hands the live server's request
    threads that one connection, shared. Two requests at once from the browser (the meeting-day
    page and its service worker) then interleave on it and break each other's transactions, an
    error no deployment can have (each worker has its own connection). So on SQLite the live
    server runs one request's application code at a time; on PostgreSQL each thread keeps its own
    connection and nothing is serialised.

    Only the application is serialised, not the socket: a server with a single thread blocks on
    a connection that Chromium opened ahead of time (a preconnect) and has not written to yet,
    and every other request, from another phone too, waits behind it until Chromium gives the
    idle socket up. Each connection keeps its own thread, reading and writing in parallel."""
    import threading

    from django.conf import settings
    from django.test.testcases import LiveServerThread

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return

    one_at_a_time = threading.Lock()
    server_class = LiveServerThread.server_class

    class OneApplicationAtATime(server_class):  # type: ignore[misc, valid-type]
        def set_app(self, application):
            def serialised(environ, start_response):
                with one_at_a_time:
                    result = application(environ, start_response)
                    # A streamed body reads the database while it is iterated: read it here.
                    try:
                        return [b"".join(result)]
                    finally:
                        if hasattr(result, "close"):
                            result.close()

            super().set_app(serialised)

    LiveServerThread.server_class = OneApplicationAtATime


def pytest_configure(config):
    _serve_one_request_at_a_time()


@pytest.fixture(scope="session")
def chromium():
    import os

    missing = _browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Browser tests cannot run in CI: {missing}")
        _browser_skipped.append(missing)
        pytest.skip(missing)
    # Playwright's sync API runs an event loop in this thread; the tests still use the ORM
    # synchronously between steps, which Django would otherwise refuse.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a screenshot of every open page of a failed browser test (in .browser-failures/,
    which git ignores)."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    pages = item.funcargs.get("browser_pages")
    if not pages:
        return
    from pathlib import Path

    folder = Path(__file__).parent / ".browser-failures"
    folder.mkdir(exist_ok=True)
    for i, page in enumerate(pages):
        try:
            page.screenshot(path=str(folder / f"{item.name}-{i}.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a closed page must not hide the real failure
            pass


def pytest_terminal_summary(terminalreporter):
    if _browser_skipped:
        bar = "!" * 78
        terminalreporter.write_line(bar, red=True, bold=True)
        terminalreporter.write_line(
            f"BROWSER TESTS SKIPPED: {_browser_skipped[0]}. The meeting-day flow was NOT tested "
            "in Chromium.",
            red=True,
            bold=True,
        )
        terminalreporter.write_line(bar, red=True, bold=True)
