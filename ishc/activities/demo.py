"""Demo meetings, health checks, activities and home care: a year of the club books for each demo
club, with attendance around 80 %, a few high blood-pressure readings, and clubs that do more or
less of each area (so that the rubric gives different grades)."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from ishc.clubs.models import VolunteerKind, VolunteerRole
from ishc.core.demo import DemoContext

from .models import CareReason, HelpType, Kind
from .services import (
    ReadingInput,
    add_cared_person,
    add_home_care_volunteer,
    members_on,
    record_activity,
    record_visit,
    save_meeting,
)

TOPICS = [
    "Phòng chống tăng huyết áp",
    "Luật Người cao tuổi và chế độ trợ cấp",
    "Dinh dưỡng cho người cao tuổi",
    "Phòng chống té ngã",
    "Kỹ năng sơ cứu",
    "Bảo hiểm y tế hộ gia đình",
    "Kỹ thuật chăn nuôi gà an toàn",
    "Phòng chống lừa đảo qua điện thoại",
    "Chuyển đổi số: dùng điện thoại thông minh",
    "Tập dưỡng sinh",
    "Vệ sinh môi trường, phân loại rác",
    "Chăm sóc răng miệng",
]
SERVICES = [
    "Tắm gội, cắt móng tay",
    "Nấu cơm, dọn nhà",
    "Đo huyết áp, nhắc uống thuốc",
    "Trò chuyện, đọc báo",
    "Đưa đi khám bệnh",
]


def months_back(n: int) -> list[datetime.date]:
    """The first days of the last `n` full months, oldest first."""
    first = timezone.localdate().replace(day=1)
    months = []
    for _ in range(n):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    return months[::-1]


def build(ctx: DemoContext) -> None:
    # (club key, how active: share of months with a meeting and of standards kept)
    for key, activity in (("club", 1.0), ("club_b", 0.8), ("club_c", 0.95), ("club_d", 0.6)):
        club = ctx.objects[key]
        if club.meetings.exists():
            continue
        rng = random.Random(f"activities-{club.code}")
        _meetings(rng, club, activity)
        _activities(rng, club, activity)
        _home_care(rng, club, activity)


def _meetings(rng, club, activity: float) -> None:
    for i, month in enumerate(months_back(12)):
        if rng.random() > activity and i < 11:
            continue
        day = month.replace(day=min(club.meeting_day or 10, 28))
        members = list(members_on(club, day))
        present = [m.pk for m in members if rng.random() < 0.8]
        readings = []
        for pk in present:
            if rng.random() < 0.85:
                high = rng.random() < 0.12
                systolic = rng.randint(142, 175) if high else rng.randint(105, 135)
                diastolic = rng.randint(88, 102) if high else rng.randint(65, 85)
                weight = Decimal(rng.randint(400, 700)) / 10
                readings.append(ReadingInput(pk, systolic, diastolic, weight))
        save_meeting(
            None,
            club,
            held_on=day,
            topic=TOPICS[(i + len(club.name)) % len(TOPICS)],
            culture_item=rng.random() < 0.7,
            decisions="Thống nhất cho 2 hội viên vay vốn; thu quỹ hội viên tháng này.",
            plan="Thăm hỏi hội viên ốm; tập văn nghệ chuẩn bị giao lưu.",
            attendee_ids=present,
            readings=readings,
        )


def _activities(rng, club, activity: float) -> None:
    months = months_back(12)
    members = list(members_on(club, months[-1]))
    for month in months:
        on = month.replace(day=rng.randint(2, 27))
        if rng.random() < activity:
            helped = rng.choice(members)
            record_activity(
                None,
                club,
                kind=Kind.SELF_HELP,
                on=on,
                title="Giúp hội viên gặp khó khăn đột xuất",
                participants=rng.randint(4, 15),
                member=helped,
                help_type=rng.choice(HelpType.values),
                value_vnd=rng.choice([0, 200_000, 500_000, 1_000_000]),
                labour_days=rng.randint(0, 6),
            )
        if rng.random() < activity:
            record_activity(
                None,
                club,
                kind=Kind.COMMUNITY_WORK,
                on=on,
                title=rng.choice(["Dọn vệ sinh đường làng", "Trồng cây xanh", "Sửa đường"]),
                participants=rng.randint(10, 40),
            )
    yearly = [
        (Kind.COMMUNICATION, 3, "Truyền thông về quyền người cao tuổi"),
        (Kind.ENTITLEMENT, 6, "Hỗ trợ làm hồ sơ"),
        (Kind.DIALOGUE, 2, "Đối thoại với UBND xã"),
        (Kind.EXCHANGE, 2, "Giao lưu văn nghệ với CLB bạn"),
        (Kind.FUNDRAISING, 1, "Vận động quỹ Tấm lòng vàng"),
    ]
    for kind, times, title in yearly:
        for _ in range(max(1, round(times * activity))):
            on = rng.choice(months).replace(day=rng.randint(2, 27))
            extra = {}
            if kind == Kind.ENTITLEMENT:
                extra = {
                    "member": rng.choice(members),
                    "entitlement": rng.choice(["Trợ cấp xã hội", "Thẻ BHYT", "Hộ nghèo"]),
                    "outcome": rng.choice(["obtained", "obtained", "pending"]),
                }
            elif kind == Kind.DIALOGUE:
                extra = {"proposals": 3, "proposals_resolved": rng.randint(1, 2)}
            elif kind == Kind.FUNDRAISING:
                extra = {"value_vnd": rng.choice([3_000_000, 5_000_000, 8_000_000])}
            record_activity(
                None,
                club,
                kind=kind,
                on=on,
                title=title,
                participants=rng.randint(15, 60),
                **extra,
            )


def _home_care(rng, club, activity: float) -> None:
    start = months_back(12)[0]
    members = list(members_on(club, start))
    rng.shuffle(members)
    for m in members[: round(5 * activity)]:
        add_home_care_volunteer(None, club, member=m, since=start)
    volunteers = list(VolunteerRole.objects.filter(club=club, kind=VolunteerKind.HOME_CARE))
    older = [m for m in members[5:] if m.birth_year <= 1950][:3]
    people = [
        add_cared_person(
            None, club, reason=rng.choice(CareReason.values[:3]), since=start, member=m
        )
        for m in older
    ]
    people.append(
        add_cared_person(None, club, reason=CareReason.ALONE, since=start, full_name="Cụ Lý Thị Tư")
    )
    today = timezone.localdate()
    day = today - datetime.timedelta(days=90)
    while day < today:
        for person in people:
            if rng.random() < activity * 0.9:
                record_visit(
                    None,
                    person,
                    volunteer=rng.choice(volunteers),
                    on=day,
                    services=rng.choice(SERVICES),
                )
        day += datetime.timedelta(days=rng.choice([3, 4]))
