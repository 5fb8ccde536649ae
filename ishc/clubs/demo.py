"""Demo clubs and members: plausible Vietnamese names and mixes of age, sex and household."""

import datetime
import random

from ishc.core.demo import DemoContext
from ishc.geo.models import EthnicGroup, Level, Scheme, Unit

from .models import Club, Cohort, Household, Sex
from .services import add_member, create_club

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


def build(ctx: DemoContext) -> None:
    rng = random.Random(2026)
    o = ctx.objects
    o["province"] = Unit.objects.get(scheme=Scheme.CURRENT, level=Level.PROVINCE, code=8)
    o["commune"] = Unit.objects.get(scheme=Scheme.CURRENT, level=Level.COMMUNE, code=700)
    groups = {g.code: g for g in EthnicGroup.objects.filter(code__in=["01", "02", "07", "12"])}
    for key, name, (scheme, level, code), size, cohort, mountainous in CLUBS:
        club = Club.objects.filter(name=name).first()
        if club is None:
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
                mountainous=mountainous,
                ethnic_minority_area=mountainous,
                meeting_day=rng.choice([5, 10, 15, 20]),
                loan_max_amount=10_000_000,
                loan_max_months=12,
                loan_monthly_rate="0.500",
                loan_method="declining",
            )
            for _ in range(size):
                _demo_member(rng, club, founded, groups)
        o[key] = club


def _demo_member(rng: random.Random, club: Club, founded: datetime.date, groups: dict) -> None:
    female = rng.random() < 0.66
    older = rng.random() < 0.64
    year = rng.randint(1935, 1965) if older else rng.randint(1970, 2000)
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
        lives_alone=older and rng.random() < 0.1,
        health_insurance=rng.random() < 0.85,
    )
