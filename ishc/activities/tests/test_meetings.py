import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ishc.activities.models import Attendance, Meeting, Reading
from ishc.activities.services import ReadingInput, save_meeting
from ishc.audit.models import AuditEntry

from .factories import member

DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def people(world):
    return [
        member(world.A, "Nguyễn Thị Hoa"),
        member(world.A, "Trần Văn Sơn", sex="M", born=1990),
        member(world.A, "Lê Thị Mai", born=1945),
    ]


def test_it_saves_attendance_and_readings_and_flags_high_pressure(world, people):
    hoa, son, mai = people
    meeting = save_meeting(
        world.club,
        world.A,
        held_on=DAY,
        topic="Phòng chống đột quỵ",
        attendee_ids=[hoa.pk, son.pk],
        readings=[
            ReadingInput(hoa.pk, 150, 85, Decimal("52.5")),
            ReadingInput(son.pk, 120, 80, None),
            ReadingInput(mai.pk, 130, 90, None),
        ],
    )
    # Mai was measured without being ticked: a reading counts the member present.
    assert set(meeting.attendees.all()) == {hoa, son, mai}
    readings = {r.member_id: r for r in meeting.readings.all()}
    assert readings[hoa.pk].flagged  # systolic ≥ 140
    assert not readings[son.pk].flagged
    assert readings[mai.pk].flagged  # diastolic ≥ 90
    assert AuditEntry.objects.filter(action="activities.meeting.created").count() == 1


def test_it_uses_the_configured_thresholds(world, people, settings):
    settings.ISHC = {**settings.ISHC, "BP_SYSTOLIC_HIGH": 160, "BP_DIASTOLIC_HIGH": 100}
    meeting = save_meeting(
        world.club, world.A, held_on=DAY, readings=[ReadingInput(people[0].pk, 150, 95, None)]
    )
    assert not meeting.readings.get().flagged


@pytest.mark.parametrize(
    "reading, message",
    [
        ((30, 20, None), "systolic 30"),
        ((400, 90, None), "systolic 400"),
        ((120, None, None), "both systolic and diastolic"),
        ((120, 130, None), "diastolic must be lower"),
        ((None, None, Decimal("500")), "weight 500"),
    ],
)
def test_it_refuses_impossible_readings_and_writes_nothing(world, people, reading, message):
    with pytest.raises(ValidationError) as e:
        save_meeting(
            world.club,
            world.A,
            held_on=DAY,
            attendee_ids=[people[0].pk],
            readings=[ReadingInput(people[0].pk, *reading)],
        )
    assert any(message in m for m in e.value.messages)
    assert not Meeting.objects.exists()
    assert not Attendance.objects.exists()
    assert not Reading.objects.exists()


def test_it_refuses_attendance_or_readings_of_non_members(world, people):
    stranger = member(world.B, "Người ngoài")
    late_joiner = member(world.A, "Mới vào", joined=datetime.date(2026, 4, 1))
    for kwargs in (
        {"attendee_ids": [stranger.pk]},
        {"attendee_ids": [late_joiner.pk]},
        {"readings": [ReadingInput(stranger.pk, 120, 80, None)]},
    ):
        with pytest.raises(ValidationError, match="Not members"):
            save_meeting(world.club, world.A, held_on=DAY, **kwargs)
    assert not Meeting.objects.exists()


def test_it_refuses_a_meeting_in_the_future_or_before_the_club_was_founded(world):
    with pytest.raises(ValidationError, match="future"):
        save_meeting(world.club, world.A, held_on=datetime.date.today() + datetime.timedelta(2))
    with pytest.raises(ValidationError, match="before the club was founded"):
        save_meeting(world.club, world.A, held_on=datetime.date(2020, 12, 31))


def test_it_refuses_two_meetings_on_one_day_but_edits_one(world, people):
    meeting = save_meeting(world.club, world.A, held_on=DAY, attendee_ids=[people[0].pk])
    with pytest.raises(ValidationError, match="already has a meeting"):
        save_meeting(world.club, world.A, held_on=DAY)
    save_meeting(
        world.club, world.A, held_on=DAY, meeting=meeting, attendee_ids=[people[1].pk], topic="x"
    )
    meeting.refresh_from_db()
    assert list(meeting.attendees.all()) == [people[1]]
    assert meeting.topic == "x"
