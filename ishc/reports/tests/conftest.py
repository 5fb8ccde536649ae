import datetime

import pytest
from django.utils import translation

from ishc.activities.services import save_meeting
from ishc.activities.tests.factories import member
from ishc.reports import services

MONTH = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read the English messages; test_it_speaks_vietnamese checks the Vietnamese ones."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def today(monkeypatch):
    """Set the day the services see as today (submission dates decide timeliness)."""

    def set_today(day: datetime.date):
        monkeypatch.setattr(services.timezone, "localdate", lambda: day)

    set_today(datetime.date(2026, 4, 3))
    return set_today


@pytest.fixture
def report(world, today):
    """A draft report of club A for March 2026, with a meeting and the narrative filled in."""
    hoa = member(world.A, "Nguyễn Thị Hoa")
    save_meeting(world.club, world.A, held_on=datetime.date(2026, 3, 10), attendee_ids=[hoa.pk])
    r = services.create_report(world.club, world.A, MONTH)
    return services.update_narrative(
        world.club, r, difficulties="Thiếu vốn", proposals="Hỗ trợ máy đo huyết áp"
    )
