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
