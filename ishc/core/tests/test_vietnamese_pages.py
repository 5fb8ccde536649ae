"""A scan of the officers' pages in Vietnamese: no English sentence from our catalogues and no
raw code (an audit action, "… object (5)") may reach the page."""

import datetime
import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse

from ishc.clubs.models import Club
from ishc.reports.services import create_report, transition, update_narrative

ISHC = Path(__file__).resolve().parents[2]
RAW = re.compile(r"\b(?:[a-z]+\.){2}[a-z_]+\b|\bobject \(\d+\)")


def _english_sentences() -> set[str]:
    """Translated msgids of three words or more, without placeholders: were one of them on a
    Vietnamese page, it was not translated where it is shown."""
    out = set()
    for path in ISHC.glob("*/locale/vi/LC_MESSAGES/django.po"):
        for e in polib.pofile(str(path)).translated_entries():
            if len(e.msgid.split()) >= 3 and "%" not in e.msgid and e.msgstr != e.msgid:
                out.add(e.msgid)
    return out


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def busy(world):
    Club.objects.filter(pk=world.B.pk).update(commune=None)
    report = create_report(world.central, world.A, datetime.date(2026, 10, 1))
    update_narrative(world.central, report, difficulties="-", proposals="-", no_meeting_reason="Lũ")
    report = transition(world.central, report, "submit")
    transition(world.commune, report, "reject", "Thiếu số liệu")
    return report


def test_it_shows_no_english_and_no_raw_code_on_the_officers_pages(client, busy, world):
    english = _english_sentences()
    assert "Reports waiting for my decision" in english
    pages = [
        (world.province, reverse("home")),
        (world.province, reverse("reports:inbox")),
        (world.province, reverse("reports:inbox") + "?kind=to_confirm"),
        (world.province, reverse("audit:entries")),
        (world.province, reverse("reports:index")),
        (world.province, reverse("reports:period") + f"?unit={world.P.pk}&year=2026&quarter=4"),
        (world.province, f"/dashboard/province/{world.P.pk}/"),
        (world.club, reverse("reports:detail", args=[busy.pk])),
        (world.club, reverse("reports:club", args=[world.A.pk])),
        (world.club, reverse("reports:inbox") + "?kind=sent_back"),
    ]
    for user, url in pages:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response.content.decode())
        assert [s for s in english if s in text] == [], url
        assert RAW.findall(text) == [], url
        assert "Việc chờ bạn" in text or "Nhật ký thay đổi" in text or user == world.club, url
