"""Range checks on every number a form or a file can set (issue 12, finding 4: a monthly rate
of 300 % was accepted, then the club list answered HTTP 500 on SQLite and the confirm step
"numeric field overflow" on PostgreSQL; −1 % was stored)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from ishc.clubs import importer, services
from ishc.clubs.models import MAX_LOAN_AMOUNT, Club, Member

from .xlsx import book, from_template, member

D = datetime.date


def _club_form(club, **changes):
    data = {"name": club.name, "cohort": club.cohort, "commune": club.commune_id}
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "field, value",
    [
        ("loan_monthly_rate", "300"),
        ("loan_monthly_rate", "-1"),
        ("loan_max_months", "0"),
        ("loan_max_months", "999"),
        ("loan_max_amount", "0"),
        ("loan_max_amount", str(MAX_LOAN_AMOUNT + 1)),
        ("meeting_day", "32"),
    ],
)
def test_it_refuses_loan_rules_out_of_range_in_the_club_form(client, world, field, value):
    client.force_login(world.province)
    response = client.post(
        reverse("clubs:edit", args=[world.A.pk]), _club_form(world.A, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    world.A.refresh_from_db()
    assert getattr(world.A, field) is None


def test_it_refuses_loan_rules_out_of_range_in_the_service(world):
    with pytest.raises(ValidationError) as refused:
        services.update_club(world.province, world.A, loan_monthly_rate=Decimal("300"))
    assert "loan_monthly_rate" in refused.value.error_dict


def test_it_refuses_numbers_out_of_range_in_a_club_file_by_row_and_column(world):
    rows = [
        {
            "Mã CLB": world.A.code,
            "Tên CLB": "CLB A",
            "Xã/phường (2025)": "700",
            "Chương trình": "1336",
            "Lãi suất tháng (%)": 300,
        },
        {
            "Mã CLB": world.A.code,
            "Tên CLB": "CLB A",
            "Xã/phường (2025)": "700",
            "Chương trình": "1336",
            "Lãi suất tháng (%)": "-1",
        },
        {
            "Tên CLB": "CLB Mới",
            "Xã/phường (2025)": "700",
            "Chương trình": "1336",
            "Thời hạn vay tối đa (tháng)": 0,
            "Cho vay tối đa (đồng)": 0,
        },
    ]
    report = importer.run("clubs", world.province, book("clubs", rows), commit=True)
    assert [(p.row, p.column.split(" ")[0]) for p in report.errors] == [
        (2, "V"),
        (3, "V"),
        (4, "T"),
        (4, "U"),
    ]
    assert "out of range" in report.errors[0].message
    assert Club.objects.filter(loan_monthly_rate__isnull=False).count() == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"loan_monthly_rate": Decimal("-1")},
        {"loan_monthly_rate": Decimal("10.5")},
        {"loan_max_months": 0},
        {"loan_max_amount": MAX_LOAN_AMOUNT + 1},
        {"meeting_day": 0},
        {"meeting_day": 32},
    ],
)
def test_the_database_refuses_impossible_loan_rules(world, changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Club.objects.filter(pk=world.A.pk).update(**changes)


def test_the_database_refuses_an_impossible_birth(world):
    m = services.add_member(
        world.commune,
        world.A,
        full_name="Bà Hai",
        sex="F",
        birth_year=1950,
        ethnicity=world.kinh,
        joined_on=D(2020, 1, 1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=m.pk).update(birth_year=1800)


def test_it_lists_clubs_with_the_largest_rules_allowed(client, world):
    Club.objects.filter(pk=world.A.pk).update(
        loan_monthly_rate=Decimal("10"), loan_max_amount=MAX_LOAN_AMOUNT, loan_max_months=120
    )
    for user in (world.province, world.central):
        client.force_login(user)
        assert client.get(reverse("clubs:list")).status_code == 200
        assert client.get(reverse("clubs:detail", args=[world.A.pk])).status_code == 200


def test_it_refuses_joining_before_birth(world):
    with pytest.raises(ValidationError) as refused:
        services.add_member(
            world.commune,
            world.A,
            full_name="Bà Hai",
            sex="F",
            birth_date=D(1990, 5, 1),
            ethnicity=world.kinh,
            joined_on=D(1990, 1, 1),
        )
    assert "joined_on" in refused.value.error_dict
    row = member(world.A, "Bà Ba", **{"Năm sinh": 2000, "Ngày vào CLB": "01/01/1999"})
    report = importer.validate(
        "members", world.commune, from_template(world.commune, "members", [row])
    )
    assert [(p.row, p.column.split(" ")[0]) for p in report.errors] == [(2, "N")]
