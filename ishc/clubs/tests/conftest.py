import datetime

import pytest

from ishc.clubs.models import Member, Membership

DAY = datetime.date(2025, 6, 30)


def fill(club, ethnicity, n, *, women=0, older=0, joined=datetime.date(2024, 1, 1), **fields):
    """n members in one go: the first `women` are women, the first `older` are born in 1950 (the
    rest in 1990). Bulk-written, as composition tests need dozens of members per club."""
    members = [
        Member(
            club=club,
            full_name=f"Thành viên {club.pk}-{i}",
            search_name=f"thanh vien {club.pk}-{i}",
            sex="F" if i < women else "M",
            birth_year=1950 if i < older else 1990,
            ethnicity=ethnicity,
            **fields,
        )
        for i in range(n)
    ]
    Member.objects.bulk_create(members)
    Membership.objects.bulk_create(
        Membership(member=m, club=club, joined_on=joined) for m in members
    )
    return members


@pytest.fixture
def day():
    return DAY


@pytest.fixture(autouse=True)
def _english():
    """Assertions read the English msgids; one test checks the Vietnamese catalogue itself."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded files (a club's regulations) go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
