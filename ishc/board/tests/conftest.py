"""Board fixtures on top of the shared `world`: agencies, a Ministry of Health member linked to
the `board` user, a chair, a task of each agency."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from ishc.accounts.models import Assignment, Role, User
from ishc.board.models import Agency, AgencyKind, BoardMember, Meeting, Task, TaskStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def bw(world):
    """The board world: `world` plus agencies, members, two tasks and a meeting."""
    b = SimpleNamespace(w=world)
    today = timezone.localdate()
    b.vae = Agency.objects.create(
        name="Trung ương Hội Người cao tuổi Việt Nam", short_name="TW Hội NCT", kind="association"
    )
    b.health = Agency.objects.create(name="Bộ Y tế", kind=AgencyKind.MINISTRY)
    b.culture = Agency.objects.create(name="Bộ Văn hóa, Thể thao và Du lịch", kind="ministry")
    b.chair_user = User.objects.create_user(
        username="chair", password="pw-chair", role=Role.BOARD, first_name="Chair"
    )
    Assignment.objects.create(user=b.chair_user)
    # A second Board member, of another agency, to check that agencies are kept apart.
    b.other = User.objects.create_user(username="culture", password="pw-c", role=Role.BOARD)
    Assignment.objects.create(user=b.other)
    start = datetime.date(2021, 1, 1)
    b.chair = BoardMember.objects.create(
        full_name="Ngô Trọng Vịnh",
        agency=b.vae,
        position="Phó Chủ tịch Thường trực",
        is_chair=True,
        term_start=start,
        user=b.chair_user,
    )
    b.member = BoardMember.objects.create(
        full_name="Trần Thị Hạnh",
        agency=b.health,
        position="Vụ trưởng",
        term_start=start,
        user=world.board,
    )
    BoardMember.objects.create(
        full_name="Lê Văn Văn",
        agency=b.culture,
        position="Phó Vụ trưởng",
        term_start=start,
        user=b.other,
    )
    b.late = Task.objects.create(
        year=today.year,
        title="Hướng dẫn chăm sóc sức khỏe tại CLB",
        group="training",
        responsible=b.health,
        deadline=today - datetime.timedelta(days=3),
        created_at=timezone.now() - datetime.timedelta(days=30),
        status=TaskStatus.ON_TRACK,
    )
    b.other_task = Task.objects.create(
        year=today.year,
        title="Phóng sự truyền hình về CLB",
        group="communication",
        responsible=b.culture,
        deadline=today + datetime.timedelta(days=30),
    )
    b.other_task.supporting.add(b.health)
    b.meeting = Meeting.objects.create(
        held_on=datetime.date(2021, 4, 7), title="Họp Ban Điều hành lần thứ nhất", chair=b.chair
    )
    b.conclusion = b.meeting.conclusions.create(number=1, text="Tích cực vận động nguồn lực")
    return b


def login(client, user):
    client.force_login(user)
    return client
