import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from ishc.activities.models import ActivityRecord, CaredPerson, Meeting, Visit
from ishc.activities.services import ReadingInput, save_meeting
from ishc.clubs.models import VolunteerRole

from .factories import member

# Recent, so that the follow-up list (last three months) shows it.
DAY = datetime.date.today() - datetime.timedelta(days=7)


@pytest.fixture
def meeting(world):
    hoa = member(world.A, "Nguyễn Thị Hoa")
    return save_meeting(
        world.club,
        world.A,
        held_on=DAY,
        topic="Phòng chống té ngã",
        attendee_ids=[hoa.pk],
        readings=[ReadingInput(hoa.pk, 165, 100)],
    )


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_it_shows_the_club_pages_to_those_who_may_see_them(client, world, meeting):
    urls = [
        reverse("activities:club", args=[world.A.pk]),
        reverse("activities:meeting", args=[meeting.pk]),
        reverse("activities:followup", args=[world.A.pk]),
        reverse("activities:homecare", args=[world.A.pk]),
    ]
    for user in (world.club, world.commune, world.province, world.viewer, world.central):
        for url in urls:
            assert _get(client, user, url).status_code == 200, (user, url)
    for url in urls:
        assert _get(client, world.outsider, url).status_code == 404
        assert _get(client, world.nobody, url).status_code == 403


def test_it_shows_high_readings_for_follow_up(client, world, meeting):
    page = _get(client, world.club, reverse("activities:followup", args=[world.A.pk]))
    assert "Nguyễn Thị Hoa" in page.content.decode() and "165/100" in page.content.decode()


def test_it_lets_only_data_entry_users_of_the_club_edit(client, world, meeting):
    urls = [
        reverse("activities:meeting_new", args=[world.A.pk]),
        reverse("activities:meeting_edit", args=[meeting.pk]),
        reverse("activities:record_new", args=[world.A.pk, "dialogue"]),
    ]
    for url in urls:
        assert _get(client, world.club, url).status_code == 200
        assert _get(client, world.commune, url).status_code == 200
        assert _get(client, world.viewer, url).status_code == 404
        assert _get(client, world.board, url).status_code == 404
        assert _get(client, world.outsider, url).status_code == 404


def test_it_sends_a_club_member_straight_to_their_club(client, world):
    page = _get(client, world.club, reverse("activities:index"))
    assert page.status_code == 302 and page.url == reverse("activities:club", args=[world.A.pk])
    page = _get(client, world.province, reverse("activities:index"))
    assert "CLB A" in page.content.decode() and "CLB C" not in page.content.decode()
    assert _get(client, world.outsider, reverse("activities:areas")).status_code == 200


def test_it_records_a_meeting_from_the_grid(client, world):
    hoa = member(world.A, "Nguyễn Thị Hoa")
    lan = member(world.A, "Trần Thị Lan")
    client.force_login(world.club)
    url = reverse("activities:meeting_new", args=[world.A.pk])
    post = {
        "held_on": "2026-03-12",
        "topic": "Dinh dưỡng",
        "present": [hoa.pk, lan.pk],
        f"sys_{hoa.pk}": "128",
        f"dia_{hoa.pk}": "82",
        f"wt_{hoa.pk}": "51,5",
    }
    page = client.post(url, post)
    meeting = Meeting.objects.get()
    assert page.status_code == 302
    assert meeting.attendance.count() == 2
    assert str(meeting.readings.get().weight_kg) == "51.5"


def test_it_keeps_what_was_typed_and_names_the_member_when_refusing(client, world):
    hoa = member(world.A, "Nguyễn Thị Hoa")
    client.force_login(world.club)
    url = reverse("activities:meeting_new", args=[world.A.pk])
    page = client.post(
        url,
        {
            "held_on": "2026-03-12",
            "present": [hoa.pk],
            f"sys_{hoa.pk}": "400",
            f"dia_{hoa.pk}": "80",
        },
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "Nguyễn Thị Hoa: systolic 400 is impossible" in body
    assert 'value="400"' in body
    assert not Meeting.objects.exists()
    page = client.post(url, {"held_on": "2026-03-12", f"sys_{hoa.pk}": "abc"})
    assert "is not a number" in page.content.decode()


def test_it_records_activities_and_refuses_a_self_help_case_without_a_person(client, world):
    client.force_login(world.club)
    url = reverse("activities:record_new", args=[world.A.pk, "self_help"])
    page = client.post(
        url,
        {
            "on": "2026-03-02",
            "title": "Giúp lợp nhà",
            "participants": 6,
            "help_type": "labour",
            "labour_days": 4,
            "value_vnd": 0,
        },
    )
    assert page.status_code == 200 and "Choose the member helped" in page.content.decode()
    page = client.post(
        url,
        {
            "on": "2026-03-02",
            "title": "Giúp lợp nhà",
            "participants": 6,
            "help_type": "labour",
            "labour_days": 4,
            "value_vnd": 0,
            "person_name": "Bà Tư",
        },
    )
    assert page.status_code == 302
    assert ActivityRecord.objects.get().person == "Bà Tư"


def test_it_keeps_the_home_care_book(client, world):
    hoa = member(world.A, "Nguyễn Thị Hoa")
    client.force_login(world.club)
    base = reverse("activities:homecare_add", args=[world.A.pk, "volunteer"])
    client.post(base, {"v-member": hoa.pk, "v-since": "2026-01-01"})
    volunteer = VolunteerRole.objects.get()
    client.post(
        reverse("activities:homecare_add", args=[world.A.pk, "person"]),
        {"p-full_name": "Cụ Tư", "p-reason": "bedridden", "p-since": "2026-01-01"},
    )
    person = CaredPerson.objects.get()
    client.post(
        reverse("activities:homecare_add", args=[world.A.pk, "visit"]),
        {
            "visit-person": person.pk,
            "visit-volunteer": volunteer.pk,
            "visit-on": datetime.date.today().isoformat(),
            "visit-services": "Nấu cơm",
        },
    )
    assert Visit.objects.count() == 1
    page = client.get(reverse("activities:homecare", args=[world.A.pk]))
    assert "Cụ Tư" in page.content.decode()
    client.force_login(world.viewer)
    assert client.post(base, {"v-member": hoa.pk, "v-since": "2026-01-01"}).status_code == 404
    client.force_login(world.outsider)
    assert client.post(base, {"v-member": hoa.pk, "v-since": "2026-01-01"}).status_code == 404
    assert VolunteerRole.objects.count() == 1


def test_it_lists_meetings_without_a_query_per_meeting(
    client, world, django_assert_max_num_queries
):
    hoa = member(world.A, "Nguyễn Thị Hoa")
    for month in range(1, 10):
        save_meeting(None, world.A, held_on=datetime.date(2026, month, 3), attendee_ids=[hoa.pk])
    client.force_login(world.club)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("activities:club", args=[world.A.pk]))
    days = [m.held_on for m in page.context["meetings"]]
    assert days == sorted(days, reverse=True) and len(days) == 9


def test_it_names_the_member_in_vietnamese(client, world, settings):
    settings.LANGUAGE_CODE = "vi"
    hoa = member(world.A, "Nguyễn Thị Hoa")
    client.force_login(world.club)
    with translation.override("vi"):
        page = client.post(
            reverse("activities:meeting_new", args=[world.A.pk]),
            {"held_on": "2026-03-12", f"sys_{hoa.pk}": "30", f"dia_{hoa.pk}": "20"},
        )
    assert "Nguyễn Thị Hoa: huyết áp tâm thu 30 không thể đúng" in page.content.decode()


def test_it_follows_an_entitlement_case_to_its_outcome(client, world):
    from ishc.activities.services import record_activity
    from ishc.audit.models import AuditEntry

    hoa = member(world.A, "Nguyễn Thị Hoa")
    case = record_activity(
        world.club,
        world.A,
        kind="entitlement",
        on=datetime.date(2026, 3, 2),
        title="Hồ sơ trợ cấp",
        member=hoa,
        entitlement="Trợ cấp xã hội",
    )
    assert case.outcome == "pending"
    url = reverse("activities:outcome", args=[case.pk])
    for user in (world.viewer, world.outsider):
        client.force_login(user)
        assert client.post(url, {"outcome": "obtained"}).status_code == 404
    client.force_login(world.club)
    assert client.post(url, {"outcome": "obtained"}).status_code == 302
    case.refresh_from_db()
    assert case.outcome == "obtained"
    assert AuditEntry.objects.filter(action="activities.activity.outcome").count() == 1
