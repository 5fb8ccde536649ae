import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ishc.audit.models import AuditEntry
from ishc.board.models import Document, ProgressNote, Task, TaskStatus

from .conftest import PDF


def test_it_shows_late_and_at_risk_tasks_first(bw, client):
    at_risk = Task.objects.create(
        year=bw.late.year,
        title="Rủi ro",
        group="clubs",
        responsible=bw.vae,
        deadline=timezone.localdate() + datetime.timedelta(days=60),
        status=TaskStatus.AT_RISK,
    )
    client.force_login(bw.w.commune)
    response = client.get(reverse("board:index"))
    assert response.status_code == 200
    assert [t.pk for t in response.context["tasks"]] == [bw.late.pk, at_risk.pk, bw.other_task.pk]
    assert response.context["counts"]["late"] == 1
    assert "Trễ hạn" in response.content.decode() or "Late" in response.content.decode()


def test_it_derives_late_from_the_deadline(bw):
    assert bw.late.is_late() and bw.late.shown_status == "late"
    bw.late.status = TaskStatus.DONE
    assert not bw.late.is_late()
    assert not bw.other_task.is_late()


def test_it_refuses_the_workplan_to_a_user_without_a_scope(bw, client):
    # The Board's work is national: a commune officer of the other province reads it too.
    client.force_login(bw.w.outsider)
    assert client.get(reverse("board:index")).status_code == 200
    assert client.get(reverse("board:export")).status_code == 200
    client.force_login(bw.w.nobody)
    assert client.get(reverse("board:index")).status_code == 403
    client.logout()
    assert client.get(reverse("board:index")).status_code == 302


def test_it_pins_the_overview_query_count(bw, client, django_assert_max_num_queries):
    for i in range(20):
        task = Task.objects.create(
            year=bw.late.year,
            title=f"T{i}",
            group="clubs",
            responsible=bw.health,
            deadline=timezone.localdate(),
        )
        task.supporting.add(bw.vae, bw.culture)
        ProgressNote.objects.create(
            task=task, written_on=timezone.localdate(), text="x", status="on_track"
        )
    client.force_login(bw.w.board)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("board:index")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("board:export")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("board:my_tasks")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("board:task", args=[task.pk])).status_code == 200


def test_it_shows_her_agencys_tasks_to_a_board_member(bw, client):
    client.force_login(bw.w.board)
    response = client.get(reverse("board:my_tasks"))
    assert response.status_code == 200
    assert list(response.context["leading"]) == [bw.late]
    assert list(response.context["supporting"]) == [bw.other_task]
    assert response.context["counts"]["late"] == 1


def test_it_explains_my_tasks_to_a_user_without_agency(bw, client):
    client.force_login(bw.w.central)
    response = client.get(reverse("board:my_tasks"))
    assert response.status_code == 200
    assert not response.context["agencies"]
    client.force_login(bw.w.outsider)
    assert client.get(reverse("board:my_tasks")).status_code == 200
    client.force_login(bw.w.nobody)
    assert client.get(reverse("board:my_tasks")).status_code == 403


def test_it_exports_the_workplan_to_excel(bw, client):
    client.force_login(bw.w.board)
    response = client.get(reverse("board:export") + f"?year={bw.late.year}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert rows[0][1] == bw.late.title
    assert rows[0][3] == "Bộ Y tế"
    assert rows[0][6] in ("Trễ hạn", "Late")
    assert rows[1][4] == "Bộ Y tế"
    client.force_login(bw.w.nobody)
    assert client.get(reverse("board:export")).status_code == 403


def test_it_shows_a_task_to_every_scoped_user(bw, client):
    url = reverse("board:task", args=[bw.late.pk])
    for user, can_note in ((bw.w.board, True), (bw.w.club, False), (bw.w.outsider, False)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["can_note"] is can_note
    client.force_login(bw.w.nobody)
    assert client.get(url).status_code == 403
    client.force_login(bw.w.board)
    assert client.get(reverse("board:task", args=[9999])).status_code == 404


def _note(client, task, **extra):
    data = {
        "written_on": timezone.localdate().isoformat(),
        "text": "Đã gửi dự thảo",
        "status": "at_risk",
        **extra,
    }
    return client.post(reverse("board:task_note", args=[task.pk]), data)


def test_it_lets_a_board_member_add_a_note_with_a_document(bw, client):
    client.force_login(bw.w.board)
    response = _note(client, bw.late, file=SimpleUploadedFile("bao-cao.pdf", PDF))
    assert response.status_code == 302
    note = bw.late.notes.get()
    assert note.document.doc_type == "evidence"
    version = note.document.versions.get()
    assert version.content_type == "application/pdf" and version.original_name == "bao-cao.pdf"
    bw.late.refresh_from_db()
    assert bw.late.status == "at_risk"
    assert AuditEntry.objects.filter(action="board.task.note_added").count() == 1
    # She reads her evidence back through the scoped download.
    download = client.get(reverse("board:download", args=[version.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_it_lets_a_supporting_agency_add_a_note_but_not_edit(bw, client):
    client.force_login(bw.w.board)
    assert _note(client, bw.other_task).status_code == 302
    assert client.get(reverse("board:task_edit", args=[bw.other_task.pk])).status_code == 403


def test_it_refuses_notes_from_others(bw, client):
    for user in (bw.other, bw.w.commune, bw.w.viewer):
        client.force_login(user)
        assert _note(client, bw.late).status_code == 403
    client.force_login(bw.w.nobody)
    assert _note(client, bw.late).status_code == 403
    assert not ProgressNote.objects.exists()


def test_it_refuses_a_disguised_executable_and_writes_nothing(bw, client):
    client.force_login(bw.w.board)
    fake = SimpleUploadedFile(
        "bao-cao.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf"
    )
    response = _note(client, bw.late, file=fake)
    assert response.status_code == 400
    assert "chương trình" in response.content.decode() or "program" in response.content.decode()
    assert not ProgressNote.objects.exists() and not Document.objects.exists()
    bw.late.refresh_from_db()
    assert bw.late.status == "on_track"


def test_it_refuses_an_oversized_upload(bw, client, settings):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(bw.w.board)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024 + 1))
    response = _note(client, bw.late, file=big)
    assert response.status_code == 400
    assert "MB" in response.content.decode()
    assert not ProgressNote.objects.exists()


def test_it_lets_a_board_member_edit_only_her_agencys_task(bw, client):
    client.force_login(bw.w.board)
    url = reverse("board:task_edit", args=[bw.late.pk])
    assert client.get(url).status_code == 200
    new = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(url, {"description": "Gia hạn", "deadline": new, "status": "on_track"})
    assert response.status_code == 302
    bw.late.refresh_from_db()
    assert not bw.late.is_late() and bw.late.responsible == bw.health
    assert AuditEntry.objects.filter(action="board.task.changed").exists()
    client.force_login(bw.other)
    assert client.get(url).status_code == 403
    client.force_login(bw.w.province)
    assert client.get(url).status_code == 403


def test_it_refuses_a_deadline_before_the_task_was_created(bw, client):
    client.force_login(bw.w.central)
    before = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("board:task_new"),
        {
            "year": 2026,
            "title": "Tập huấn",
            "group": "training",
            "responsible": bw.health.pk,
            "deadline": before,
            "status": "not_started",
        },
    )
    assert response.status_code == 400
    assert "deadline" in response.context["form"].errors
    assert Task.objects.count() == 2
    # An edit cannot move it before the creation date either.
    old = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    response = client.post(
        reverse("board:task_edit", args=[bw.late.pk]),
        {
            "year": bw.late.year,
            "title": bw.late.title,
            "group": "training",
            "responsible": bw.health.pk,
            "deadline": old,
            "status": "on_track",
        },
    )
    assert response.status_code == 400
    bw.late.refresh_from_db()
    assert bw.late.deadline != datetime.date.fromisoformat(old)


def test_it_lets_central_create_tasks_and_nobody_else(bw, client):
    data = {
        "year": 2026,
        "title": "Tập huấn",
        "group": "training",
        "responsible": bw.health.pk,
        "supporting": [bw.vae.pk],
        "status": "not_started",
        "deadline": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
    }
    for user in (bw.w.board, bw.w.province, bw.w.outsider):
        client.force_login(user)
        assert client.post(reverse("board:task_new"), data).status_code == 403
    client.force_login(bw.w.central)
    assert client.post(reverse("board:task_new"), data).status_code == 302
    task = Task.objects.get(title="Tập huấn")
    assert list(task.supporting.all()) == [bw.vae] and task.created_by == bw.w.central


@pytest.mark.parametrize("year", ["abc", ""])
def test_it_falls_back_to_this_year(bw, client, year):
    client.force_login(bw.w.viewer)
    response = client.get(reverse("board:index") + f"?year={year}")
    assert response.context["year"] == timezone.localdate().year
