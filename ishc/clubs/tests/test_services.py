import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ishc.audit.models import AuditEntry
from ishc.clubs import services
from ishc.clubs.composition import composition
from ishc.clubs.models import Club, ClubStatus, Member, Position, VolunteerKind
from ishc.geo.models import Level, Scheme, Succession, Unit

D = datetime.date


def _member(world, club=None, name="Nguyễn Thị Hoa", year=1955, **fields):
    return services.add_member(
        world.central,
        club or world.A,
        joined_on=fields.pop("joined_on", D(2023, 1, 1)),
        full_name=name,
        sex=fields.pop("sex", "F"),
        birth_year=year,
        ethnicity=world.kinh,
        **fields,
    )


def _size(club, on):
    return composition(Club.objects.filter(pk=club.pk), on).get()["size"]


def test_it_computes_age_across_a_birthday(world):
    m = _member(world, birth_date=D(1965, 7, 1))
    assert m.birth_year == 1965 and not m.birth_is_approximate
    assert m.age_on(D(2025, 6, 30)) == 59
    assert m.age_on(D(2025, 7, 1)) == 60
    assert not m.is_older(D(2025, 6, 30)) and m.is_older(D(2025, 7, 1))
    leap = _member(world, name="Lê Văn Nhuận", birth_date=D(1964, 2, 29))
    assert leap.age_on(D(2024, 2, 28)) == 59 and leap.age_on(D(2024, 2, 29)) == 60
    approximate = _member(world, name="Bà Năm", year=1965)
    assert approximate.birth_is_approximate and approximate.age_on(D(2025, 1, 1)) == 60


def test_it_keeps_membership_history_across_leave_rejoin_and_move(world):
    m = _member(world)
    services.leave_club(world.club, m, on=D(2024, 1, 1), reason="Chuyển nơi ở")
    with pytest.raises(ValidationError):
        services.leave_club(world.club, m, on=D(2024, 2, 1), reason="again")
    with pytest.raises(ValidationError):
        services.rejoin_club(world.club, m, on=D(2023, 12, 1))
    services.rejoin_club(world.club, m, on=D(2024, 6, 1))
    services.move_member(world.province, m, world.B, on=D(2025, 1, 1))
    periods = list(m.periods.values_list("club__name", "joined_on", "left_on"))
    assert periods == [
        ("CLB A", D(2023, 1, 1), D(2024, 1, 1)),
        ("CLB A", D(2024, 6, 1), D(2025, 1, 1)),
        ("CLB B", D(2025, 1, 1), None),
    ]
    assert Member.objects.get(pk=m.pk).club == world.B
    assert (_size(world.A, D(2023, 6, 1)), _size(world.B, D(2023, 6, 1))) == (1, 0)
    assert (_size(world.A, D(2024, 3, 1)), _size(world.B, D(2024, 3, 1))) == (0, 0)
    assert (_size(world.A, D(2025, 1, 1)), _size(world.B, D(2025, 1, 1))) == (0, 1)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"clubs.member.left", "clubs.member.rejoined", "clubs.member.moved"} <= actions


def test_it_records_status_history_and_keeps_club_status_in_step(world):
    services.set_status(
        world.province, world.A, ClubStatus.INACTIVE, since=D(2025, 3, 1), reason="Chủ nhiệm ốm"
    )
    assert Club.objects.get(pk=world.A.pk).status == ClubStatus.INACTIVE
    with pytest.raises(ValidationError):  # history is entered in order
        services.set_status(world.province, world.A, ClubStatus.ACTIVE, since=D(2025, 2, 1))
    with pytest.raises(ValidationError):  # merged into which club?
        services.set_status(
            world.province, world.A, ClubStatus.MERGED, since=D(2025, 4, 1), reason="x"
        )
    services.set_status(
        world.province,
        world.A,
        ClubStatus.MERGED,
        since=D(2025, 4, 1),
        reason="Sáp nhập thôn",
        merged_into=world.B,
    )
    club = Club.objects.get(pk=world.A.pk)
    assert club.status == ClubStatus.MERGED
    assert [h.status for h in club.status_history.all()][:2] == [
        ClubStatus.MERGED,
        ClubStatus.INACTIVE,
    ]
    assert AuditEntry.objects.filter(action="clubs.club.status_changed", club=world.A).count() == 2


def test_it_lets_a_province_officer_choose_the_commune_of_a_split_one(client, world):
    old_p = Unit.objects.create(
        scheme=Scheme.LEGACY,
        level=Level.PROVINCE,
        code=8,
        name="Tỉnh Tuyên Quang",
        division_type="",
        successor=world.P,
    )
    split = Unit.objects.create(
        scheme=Scheme.LEGACY,
        level=Level.COMMUNE,
        code=2301,
        name="Xã Cũ",
        division_type="",
        province=old_p,
    )
    for c in (world.c1, world.c2):
        Succession.objects.create(
            old_level=Level.COMMUNE, old_code=2301, old_unit=split, new_unit=c, partly_merged=True
        )
    club = services.create_club(world.central, registered=split, name="CLB cũ", cohort="1533")
    assert club.commune is None and club.province == world.P
    client.force_login(world.province)
    response = client.get(reverse("clubs:to_confirm"))
    assert [c.pk for c in response.context["page"]] == [club.pk]
    url = reverse("clubs:confirm", args=[club.pk])
    response = client.get(url)
    assert [u.pk for u in response.context["form"].fields["commune"].queryset] == [
        world.c1.pk,
        world.c2.pk,
    ]
    assert client.post(url, {"commune": world.c3.pk}).status_code == 200  # not a candidate
    assert client.post(url, {"commune": world.c2.pk}).status_code == 302
    club.refresh_from_db()
    assert club.commune == world.c2
    assert AuditEntry.objects.filter(action="clubs.club.commune_confirmed", club=club).exists()
    for user in (world.commune, world.outsider, world.club):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_it_finds_likely_duplicates_in_the_commune(world):
    a2 = Club.objects.create(
        name="CLB A2", code="T-A2", commune=world.c1, province=world.P, cohort="1336"
    )
    _member(world, a2, "Nguyễn Thị Hoa", 1955)
    _member(world, world.B, "Nguyễn Thị Hoa", 1955)  # another commune
    found = services.likely_duplicates("NGUYEN THI  HOA", 1956, world.A)
    assert [m.club for m in found] == [a2]
    assert not services.likely_duplicates("Nguyễn Thị Hoa", 1957, world.A).exists()
    assert (
        not services.likely_duplicates("Nguyễn Thị Hòa", 1955, world.B)
        .exclude(club=world.B)
        .exists()
    )


def test_it_warns_about_a_duplicate_and_saves_once_confirmed(client, world):
    _member(world, world.A, "Trần Văn Sơn", 1960, sex="M")
    client.force_login(world.club)
    url = reverse("clubs:member_add", args=[world.A.pk])
    data = {
        "full_name": "Tran Van Son",
        "sex": "M",
        "birth_year": "1961",
        "ethnicity": world.kinh.pk,
        "household": "average",
        "joined_on": "2025-01-01",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert [m.full_name for m in response.context["duplicates"]] == ["Trần Văn Sơn"]
    assert Member.objects.count() == 1
    response = client.post(url, {**data, "confirm_duplicate": "1"})
    assert response.status_code == 302
    assert Member.objects.count() == 2


def test_it_keeps_board_terms_groups_and_volunteers(world):
    chair = _member(world, name="Hà Văn Chủ", sex="M")
    other = _member(world, name="Ma Thị Phó")
    services.add_board_term(
        world.club, world.A, chair, position=Position.CHAIR, started_on=D(2024, 1, 1)
    )
    with pytest.raises(ValidationError):  # one chair at a time
        services.add_board_term(
            world.club, world.A, other, position=Position.CHAIR, started_on=D(2024, 6, 1)
        )
    with pytest.raises(ValidationError):  # an area member says which area
        services.add_board_term(
            world.club, world.A, other, position=Position.AREA, started_on=D(2024, 6, 1)
        )
    outsider = _member(world, world.C, name="Người ngoài")
    with pytest.raises(ValidationError):
        services.add_board_term(
            world.club, world.A, outsider, position=Position.VICE_CHAIR, started_on=D(2024, 6, 1)
        )
    group = services.save_group(world.club, world.A, name="Tổ 1", leader=other)
    assert Member.objects.get(pk=other.pk).group == group
    with pytest.raises(ValidationError):
        services.save_group(world.club, world.A, name="tổ 1")
    role = services.add_volunteer(
        world.club, world.A, other, kind=VolunteerKind.HOME_CARE, started_on=D(2024, 2, 1)
    )
    assert list(world.A.volunteers.on(D(2024, 3, 1))) == [role]
    services.leave_club(world.club, other, on=D(2025, 1, 1), reason="Ốm")
    group.refresh_from_db()
    assert group.leader is None
    assert not world.A.volunteers.on(D(2025, 1, 2)).exists()
    assert list(world.A.volunteers.on(D(2024, 12, 31))) == [role]
    assert list(world.A.board.on(D(2025, 6, 1)).values_list("member__full_name", flat=True)) == [
        "Hà Văn Chủ"
    ]


def test_it_creates_and_edits_a_club_through_the_forms(client, world):
    client.force_login(world.commune)
    response = client.post(
        reverse("clubs:create"),
        {
            "name": "CLB thôn Khuổi Ma",
            "village": "Khuổi Ma",
            "commune": world.c1.pk,
            "cohort": "1648",
            "founded_on": "2025-09-01",
            "meeting_day": "15",
            "mountainous": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    club = Club.objects.get(name="CLB thôn Khuổi Ma")
    assert (club.commune, club.province, club.mountainous) == (world.c1, world.P, True)
    assert club.status_history.get().since == D(2025, 9, 1)
    response = client.post(
        reverse("clubs:edit", args=[club.pk]),
        {
            "name": "CLB thôn Khuổi Ma",
            "village": "Khuổi Ma",
            "commune": world.c1.pk,
            "cohort": "donor",
            "meeting_day": "15",
        },
    )
    assert "donor_project_code" in response.context["form"].errors
    # a commune officer cannot register a club in another commune
    response = client.post(
        reverse("clubs:create"), {"name": "X", "commune": world.c2.pk, "cohort": "1648"}
    )
    assert response.status_code == 200 and "commune" in response.context["form"].errors
    for user in (world.club, world.viewer):
        client.force_login(user)
        assert client.get(reverse("clubs:create")).status_code == 404
    client.force_login(world.outsider)
    assert client.get(reverse("clubs:edit", args=[club.pk])).status_code == 404


@pytest.mark.parametrize(
    ("user", "rows"),
    [("central", 3), ("province", 2), ("commune", 1), ("club", 1), ("viewer", 2), ("outsider", 1)],
)
def test_it_scopes_the_exports(client, world, user, rows):
    from io import BytesIO

    from openpyxl import load_workbook

    for club in (world.A, world.B, world.C):
        _member(world, club, name=f"Thành viên {club.name}")
    client.force_login(getattr(world, user))
    for url in (reverse("clubs:list"), reverse("clubs:members")):
        response = client.get(url, {"format": "xlsx"})
        assert response.status_code == 200
        ws = load_workbook(BytesIO(response.content)).worksheets[0]
        # The club list has a title and a unit/period row above its headers; the member list is
        # an import file, headers on row 1.
        assert ws.max_row - (3 if url == reverse("clubs:list") else 1) == rows
    client.force_login(world.nobody)
    assert client.get(reverse("clubs:list"), {"format": "xlsx"}).status_code == 403


def test_it_exports_the_active_filters(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(world.province)
    response = client.get(
        reverse("clubs:list"), {"format": "xlsx", "commune": world.c2.pk, "status": "active"}
    )
    wb = load_workbook(BytesIO(response.content))
    assert [r[1] for r in wb.worksheets[0].iter_rows(min_row=4, values_only=True)] == ["CLB B"]
    assert wb.worksheets[0]["A2"].value.startswith("Tỉnh Tuyên Quang · ")
    filters = {r[0]: r[1] for r in wb.worksheets[1].iter_rows(min_row=4, values_only=True)}
    assert "Xã Phú Linh" in filters.values()
