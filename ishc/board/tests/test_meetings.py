import datetime

from django.urls import reverse
from django.utils import timezone

from ishc.audit.models import AuditEntry
from ishc.board.models import Agency, BoardMember, Meeting, Task


def _deadline(days=20):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_it_lists_and_shows_meetings_to_scoped_users(bw, client):
    for user in (bw.w.board, bw.w.club, bw.w.outsider):
        client.force_login(user)
        assert client.get(reverse("board:meetings")).status_code == 200
        response = client.get(reverse("board:meeting", args=[bw.meeting.pk]))
        assert response.status_code == 200
        assert response.context["can_run"] is False
    client.force_login(bw.w.nobody)
    assert client.get(reverse("board:meetings")).status_code == 403
    assert client.get(reverse("board:meeting", args=[bw.meeting.pk])).status_code == 403


def test_it_lets_the_chair_turn_a_conclusion_into_a_task(bw, client):
    client.force_login(bw.chair_user)
    url = reverse("board:conclusion_task", args=[bw.conclusion.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "responsible": bw.vae.pk,
            "group": "resources",
            "deadline": _deadline(),
            "supporting": [bw.health.pk],
        },
    )
    task = Task.objects.get(conclusion=bw.conclusion)
    assert list(task.supporting.all()) == [bw.health]
    assert response.status_code == 302 and response.url == reverse("board:task", args=[task.pk])
    assert task.title == bw.conclusion.text and task.responsible == bw.vae
    assert AuditEntry.objects.filter(action="board.task.created", object_id=str(task.pk)).exists()
    # Linked back: the meeting page shows the task instead of the button.
    page = client.get(reverse("board:meeting", args=[bw.meeting.pk]))
    assert reverse("board:task", args=[task.pk]) in page.content.decode()
    # A second attempt makes no second task.
    client.post(url, {"responsible": bw.vae.pk, "group": "resources", "deadline": _deadline()})
    assert Task.objects.filter(conclusion=bw.conclusion).count() == 1


def test_it_refuses_conclusions_to_other_board_members_and_officers(bw, client):
    url = reverse("board:conclusion_task", args=[bw.conclusion.pk])
    data = {"responsible": bw.vae.pk, "group": "resources", "deadline": _deadline()}
    for user in (bw.w.board, bw.w.province, bw.w.outsider):
        client.force_login(user)
        assert client.post(url, data).status_code == 403
        assert (
            client.post(
                reverse("board:conclusion_add", args=[bw.meeting.pk]), {"text": "x"}
            ).status_code
            == 403
        )
    assert not Task.objects.filter(conclusion=bw.conclusion).exists()
    assert bw.meeting.conclusions.count() == 1


def test_it_refuses_a_conclusion_task_with_a_past_deadline(bw, client):
    client.force_login(bw.w.central)
    response = client.post(
        reverse("board:conclusion_task", args=[bw.conclusion.pk]),
        {"responsible": bw.vae.pk, "group": "resources", "deadline": "2020-01-01"},
    )
    assert response.status_code == 400
    assert not Task.objects.filter(conclusion=bw.conclusion).exists()


def test_it_lets_the_chair_add_conclusions(bw, client):
    client.force_login(bw.chair_user)
    client.post(reverse("board:conclusion_add", args=[bw.meeting.pk]), {"text": "Tuyên truyền"})
    assert list(bw.meeting.conclusions.values_list("number", flat=True)) == [1, 2]


def test_it_lets_central_record_a_meeting(bw, client):
    data = {
        "held_on": "2026-03-02",
        "title": "Họp quý I",
        "chair": bw.chair.pk,
        "participants": [bw.chair.pk, bw.member.pk],
        "agenda": "Tiến độ",
    }
    for user in (bw.w.board, bw.chair_user, bw.w.province):
        client.force_login(user)
        assert client.post(reverse("board:meeting_new"), data).status_code == 403
    client.force_login(bw.w.central)
    assert client.post(reverse("board:meeting_new"), data).status_code == 302
    meeting = Meeting.objects.get(title="Họp quý I")
    assert meeting.participants.count() == 2
    data["minutes"] = "Biên bản"
    assert client.post(reverse("board:meeting_edit", args=[meeting.pk]), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Biên bản"
    assert AuditEntry.objects.filter(action="board.meeting.saved").count() == 2


def test_it_lists_agencies_with_current_members(bw, client, django_assert_max_num_queries):
    for i in range(10):
        BoardMember.objects.create(
            full_name=f"M{i}", agency=bw.culture, position="x", term_start=datetime.date(2020, 1, 1)
        )
    client.force_login(bw.w.outsider)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("board:agencies"))
    assert response.status_code == 200
    assert "Ngô Trọng Vịnh" in response.content.decode()
    client.force_login(bw.w.nobody)
    assert client.get(reverse("board:agencies")).status_code == 403


def test_it_lets_central_manage_agencies_and_members(bw, client):
    client.force_login(bw.w.board)
    response = client.post(reverse("board:agency_new"), {"name": "X", "kind": "other"})
    assert response.status_code == 403
    client.force_login(bw.w.central)
    client.post(reverse("board:agency_new"), {"name": "Ủy ban TW MTTQ Việt Nam", "kind": "front"})
    front = Agency.objects.get(kind="front")
    response = client.post(
        reverse("board:member_new"),
        {
            "full_name": "Nguyễn Văn A",
            "agency": front.pk,
            "position": "Phó Ban",
            "term_start": "2021-01-01",
            "term_end": "2020-01-01",
        },
    )
    assert response.status_code == 400 and not front.members.exists()
    # Only a Board account can be linked.
    response = client.post(
        reverse("board:member_new"),
        {
            "full_name": "Nguyễn Văn A",
            "agency": front.pk,
            "position": "Phó Ban",
            "term_start": "2021-01-01",
            "user": bw.w.province.pk,
        },
    )
    assert response.status_code == 400
    response = client.post(
        reverse("board:member_new"),
        {
            "full_name": "Nguyễn Văn A",
            "agency": front.pk,
            "position": "Phó Ban",
            "term_start": "2021-01-01",
        },
    )
    assert response.status_code == 302 and front.members.count() == 1
    client.force_login(bw.w.outsider)
    member = front.members.get()
    assert client.get(reverse("board:member_edit", args=[member.pk])).status_code == 403


def test_it_ends_editing_rights_with_the_term(bw, client):
    bw.member.term_end = timezone.localdate() - datetime.timedelta(days=1)
    bw.member.save()
    client.force_login(bw.w.board)
    assert client.get(reverse("board:task_edit", args=[bw.late.pk])).status_code == 403
