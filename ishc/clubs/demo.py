"""Demo clubs and members: plausible Vietnamese names and mixes of age, sex and household."""

import datetime
import random

from ishc.core.demo import DemoContext
from ishc.geo.models import EthnicGroup, Level, Scheme, Unit

from .models import Club, ClubStatus, Cohort, Household, Position, Sex, VolunteerKind
from .services import (
    add_board_term,
    add_member,
    add_volunteer,
    create_club,
    save_group,
    set_status,
    update_member,
)

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Lý",
    "Ma",
    "Hà",
    "Nông",
]
MIDDLE_F = ["Thị", "Thị", "Thị Thu", "Thị Minh", "Thị Ngọc", "Thị Kim"]
MIDDLE_M = ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu"]
GIVEN_F = [
    "Hoa",
    "Lan",
    "Mai",
    "Hương",
    "Hạnh",
    "Nga",
    "Thảo",
    "Yến",
    "Liên",
    "Cúc",
    "Đào",
    "Hằng",
    "Nhung",
    "Xuân",
    "Tuyết",
]
GIVEN_M = [
    "Hùng",
    "Dũng",
    "Sơn",
    "Tuấn",
    "Bình",
    "Thắng",
    "Long",
    "Hải",
    "Quý",
    "Toàn",
    "Khải",
    "Phúc",
    "Lâm",
]

# (key, name, registered unit as (scheme, level, code), members, cohort, mountainous)
CLUBS = [
    (
        "club",
        "CLB LTHTGN thôn Nà Thác",
        (Scheme.CURRENT, Level.COMMUNE, 700),
        62,
        Cohort.P1336,
        True,
    ),
    (
        "club_b",
        "CLB LTHTGN thôn Tân Lập",
        (Scheme.CURRENT, Level.COMMUNE, 706),
        48,
        Cohort.P1648,
        True,
    ),
    (
        "club_c",
        "CLB LTHTGN tổ 5 Quang Trung",
        (Scheme.LEGACY, Level.COMMUNE, 688),
        57,
        Cohort.P1533,
        False,
    ),
    (
        "club_d",
        "CLB LTHTGN tổ dân phố số 3",
        (Scheme.CURRENT, Level.COMMUNE, 4),
        66,
        Cohort.P1336,
        False,
    ),
]


# More clubs of the two demo provinces, to show what officers must act on:
# (name, registered unit, members, cohort, mountainous, share of women, share of older persons,
#  status change as (status, since, reason, merged-into key) or None)
MORE_CLUBS = [
    # Outside the size band (75 members) in the demo commune.
    (
        "CLB LTHTGN thôn Khuổi Mản",
        (Scheme.CURRENT, Level.COMMUNE, 700),
        75,
        Cohort.P1336,
        True,
        0.65,
        0.62,
        None,
    ),
    # Too few women.
    (
        "CLB LTHTGN thôn Lũng Cẩm",
        (Scheme.CURRENT, Level.COMMUNE, 994),
        52,
        Cohort.P1648,
        True,
        0.42,
        0.63,
        None,
    ),
    # Too many older persons, few younger members.
    (
        "CLB LTHTGN tổ dân phố 12 Ngọc Hà",
        (Scheme.CURRENT, Level.COMMUNE, 8),
        68,
        Cohort.LOCAL,
        False,
        0.66,
        0.85,
        None,
    ),
    # Registered before July 2025 under communes that were split: a person must choose.
    (
        "CLB LTHTGN thôn Nậm Ngặt",
        (Scheme.LEGACY, Level.COMMUNE, 988),
        55,
        Cohort.P1533,
        True,
        0.64,
        0.65,
        None,
    ),
    (
        "CLB LTHTGN thôn Bản Tát",
        (Scheme.LEGACY, Level.COMMUNE, 967),
        58,
        Cohort.P1336,
        True,
        0.62,
        0.61,
        None,
    ),
    (
        "CLB LTHTGN tổ 7 Kim Phú",
        (Scheme.LEGACY, Level.COMMUNE, 2497),
        50,
        Cohort.DONOR,
        False,
        0.6,
        0.6,
        None,
    ),
    (
        "CLB LTHTGN cụm dân cư Cống Vị",
        (Scheme.LEGACY, Level.COMMUNE, 7),
        61,
        Cohort.P1533,
        False,
        0.67,
        0.66,
        None,
    ),
    # A club that stopped meeting, and one merged into another.
    (
        "CLB LTHTGN thôn Phố Cáo",
        (Scheme.CURRENT, Level.COMMUNE, 706),
        53,
        Cohort.P1336,
        True,
        0.62,
        0.64,
        (
            ClubStatus.INACTIVE,
            datetime.date(2025, 9, 1),
            "Chủ nhiệm chuyển đi, chưa bầu người thay",
            None,
        ),
    ),
    (
        "CLB LTHTGN tổ dân phố số 5 Ba Đình",
        (Scheme.CURRENT, Level.COMMUNE, 4),
        40,
        Cohort.P1336,
        False,
        0.7,
        0.7,
        (
            ClubStatus.MERGED,
            datetime.date(2025, 10, 1),
            "Sáp nhập tổ dân phố theo Nghị quyết của HĐND",
            "club_d",
        ),
    ),
]

# People typed twice: the same name and (almost) the same year in two clubs of one commune.
DUPLICATES = [
    ("club", "club_khuoi_man", "Nguyễn Thị Hoa", 1952, 1953, Sex.FEMALE),
    ("club", "club_khuoi_man", "Hoàng Văn Dũng", 1960, 1960, Sex.MALE),
    ("club_b", "club_pho_cao", "Ma Thị Cúc", 1948, 1949, Sex.FEMALE),
]
MORE_KEYS = {
    "CLB LTHTGN thôn Khuổi Mản": "club_khuoi_man",
    "CLB LTHTGN thôn Phố Cáo": "club_pho_cao",
}


def build(ctx: DemoContext) -> None:
    rng = random.Random(2026)
    o = ctx.objects
    o["province"] = Unit.objects.get(scheme=Scheme.CURRENT, level=Level.PROVINCE, code=8)
    o["commune"] = Unit.objects.get(scheme=Scheme.CURRENT, level=Level.COMMUNE, code=700)
    groups = {g.code: g for g in EthnicGroup.objects.filter(code__in=["01", "02", "07", "12"])}
    for key, name, registered, size, cohort, mountainous in CLUBS:
        o[key] = _demo_club(rng, name, registered, size, cohort, mountainous, groups)
    fresh = not Club.objects.filter(name=MORE_CLUBS[0][0]).exists()
    for name, registered, size, cohort, mountainous, women, older, change in MORE_CLUBS:
        club = _demo_club(
            rng, name, registered, size, cohort, mountainous, groups, women=women, older=older
        )
        if name in MORE_KEYS:
            o[MORE_KEYS[name]] = club
        if change and club.status == ClubStatus.ACTIVE:
            status, since, reason, into = change
            set_status(None, club, status, since=since, reason=reason, merged_into=o.get(into))
    if fresh:
        _demo_duplicates(o, groups)
        _demo_board(rng, o["club"])


def _demo_club(rng, name, registered, size, cohort, mountainous, groups, women=0.66, older=0.64):
    club = Club.objects.filter(name=name).first()
    if club is not None:
        return club
    scheme, level, code = registered
    founded = datetime.date(
        2021 if cohort == Cohort.P1336 else 2025 if cohort == Cohort.P1648 else 2018, 3, 15
    )
    club = create_club(
        None,
        registered=Unit.objects.get(scheme=scheme, level=level, code=code),
        name=name,
        village=name.split("thôn ")[-1] if "thôn" in name else "",
        founded_on=founded,
        decision_date=founded - datetime.timedelta(days=20),
        decision_number=f"{rng.randint(10, 300)}/QĐ-UBND",
        decision_issuer="UBND xã",
        cohort=cohort,
        donor_project_code="VIE085" if cohort == Cohort.DONOR else "",
        mountainous=mountainous,
        ethnic_minority_area=mountainous,
        meeting_day=rng.choice([5, 10, 15, 20]),
        loan_max_amount=10_000_000,
        loan_max_months=12,
        loan_monthly_rate="0.500",
        loan_method="declining",
    )
    for _ in range(size):
        _demo_member(rng, club, founded, groups, women=women, older=older)
    return club


def _demo_duplicates(o, groups) -> None:
    for key_a, key_b, name, year_a, year_b, sex in DUPLICATES:
        for key, year in ((key_a, year_a), (key_b, year_b)):
            add_member(
                None,
                o[key],
                joined_on=datetime.date(2025, 10, 1),
                full_name=name,
                sex=sex,
                birth_year=year,
                ethnicity=groups["01"],
            )


def _demo_board(rng, club) -> None:
    """A full board, three groups and the volunteer teams of the main demo club."""
    members = list(club.members.order_by("pk"))
    start = club.founded_on or datetime.date(2021, 3, 15)
    board = [
        (Position.CHAIR, ""),
        (Position.VICE_CHAIR, ""),
        (Position.ACCOUNTANT, ""),
        (Position.AREA, "Chăm sóc sức khỏe"),
        (Position.AREA, "Tăng thu nhập, đảm bảo sinh kế"),
    ]
    for member, (position, area) in zip(members, board, strict=False):
        add_board_term(None, club, member, position=position, area=area, started_on=start)
    for number, leader in enumerate(members[5:8], start=1):
        group = save_group(None, club, name=f"Tổ {number}", leader=leader)
        for member in members[8 + number :: 3]:
            update_member(None, member, group=group)
    for kind, team in (
        (VolunteerKind.HOME_CARE, members[10:16]),
        (VolunteerKind.ECONOMIC, members[16:21]),
        (VolunteerKind.CULTURE, members[21:29]),
    ):
        for member in team:
            add_volunteer(
                None, club, member, kind=kind, started_on=start + datetime.timedelta(days=90)
            )


def _demo_member(
    rng: random.Random,
    club: Club,
    founded: datetime.date,
    groups: dict,
    women: float = 0.66,
    older: float = 0.64,
) -> None:
    female = rng.random() < women
    is_older = rng.random() < older
    year = rng.randint(1935, 1962) if is_older else rng.randint(1970, 2000)
    exact = rng.random() < 0.7
    add_member(
        None,
        club,
        joined_on=founded + datetime.timedelta(days=rng.randint(0, 300)),
        full_name=" ".join(
            [
                rng.choice(FAMILY),
                rng.choice(MIDDLE_F if female else MIDDLE_M),
                rng.choice(GIVEN_F if female else GIVEN_M),
            ]
        ),
        sex=Sex.FEMALE if female else Sex.MALE,
        birth_year=year,
        birth_date=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)) if exact else None,
        ethnicity=groups[
            rng.choice(["01", "02", "07", "12"] if club.mountainous else ["01"] * 5 + ["02"])
        ],
        household=rng.choice(list(Household.values) + [Household.AVERAGE] * 3),
        disabled=rng.random() < 0.05,
        lives_alone=is_older and rng.random() < 0.1,
        health_insurance=rng.random() < 0.85,
    )
