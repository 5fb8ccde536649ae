"""The issue's "done when", as one walk through the pages."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ishc.board.models import Task

from .conftest import PDF


def test_it_walks_the_board_members_and_the_chairs_day(bw, client):
    # The Ministry of Health's member logs in and sees her agency's tasks, the late one flagged.
    assert (
        client.post(reverse("login"), {"username": "board", "password": "pw-board"}).status_code
        == 302
    )
    page = client.get(reverse("board:my_tasks"))
    assert page.context["counts"]["late"] == 1
    assert "Trễ hạn" in page.content.decode()
    # She adds a progress note with a document.
    response = client.post(
        reverse("board:task_note", args=[bw.late.pk]),
        {
            "written_on": timezone.localdate().isoformat(),
            "text": "Đã trình Lãnh đạo Bộ ký",
            "status": "on_track",
            "file": SimpleUploadedFile("to-trinh.pdf", PDF),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("board:task", args=[bw.late.pk]))
    assert "Đã trình Lãnh đạo Bộ ký" in page.content.decode()
    # She exports the workplan; the note is its latest progress.
    sheet = load_workbook(io.BytesIO(client.get(reverse("board:export")).content)).active
    assert "Đã trình Lãnh đạo Bộ ký" in [row[7] for row in sheet.iter_rows(values_only=True)]
    client.logout()
    # The chair turns a meeting conclusion into a task, linked back to it.
    assert (
        client.post(reverse("login"), {"username": "chair", "password": "pw-chair"}).status_code
        == 302
    )
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    client.post(
        reverse("board:conclusion_task", args=[bw.conclusion.pk]),
        {"responsible": bw.health.pk, "group": "resources", "deadline": deadline.isoformat()},
    )
    task = Task.objects.get(conclusion=bw.conclusion)
    assert task.responsible == bw.health and task.year == deadline.year
    client.logout()
    # …and it is now on her list.
    client.post(reverse("login"), {"username": "board", "password": "pw-board"})
    assert task in client.get(reverse("board:my_tasks")).context["leading"]
