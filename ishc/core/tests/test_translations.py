from pathlib import Path

import polib
import pytest
from django.urls import reverse

ISHC = Path(__file__).resolve().parents[2]
# Every app's catalogue, and the one of Django's own messages translated our way (LOCALE_PATHS).
CATALOGUES = sorted(ISHC.glob("*/locale/vi/LC_MESSAGES/django.po")) + [
    ISHC / "locale/vi/LC_MESSAGES/django.po"
]


def test_every_app_with_strings_has_a_catalogue():
    assert {p.parts[-5] for p in CATALOGUES} >= {"core", "geo", "accounts", "clubs", "ishc"}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_it_translates_every_string_and_ships_the_compiled_catalogue(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {po_path}"
    assert fuzzy == [], f"fuzzy in {po_path}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"run compilemessages for {po_path.parts[-5]}"
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(mo_path))
    }
    source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in po.translated_entries()}
    assert compiled == source, f"{mo_path} is stale: run compilemessages"


def test_it_speaks_vietnamese_by_default_and_english_on_request(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("login")).content.decode()
    assert "Log in" in page and "Đăng nhập" not in page


def test_it_shows_dates_as_day_month_year(settings):
    import datetime

    from django.template import Context, Template
    from django.utils import translation

    for lang in ("vi", "en"):
        with translation.override(lang):
            out = Template("{{ d|date:'SHORT_DATE_FORMAT' }} {{ d }}").render(
                Context({"d": datetime.date(2026, 3, 7)})
            )
        assert out == "07/03/2026 07/03/2026"


def test_it_formats_money_in_whole_dong():
    from django.utils import translation

    from ishc.core.templatetags.ishc import vnd

    with translation.override("vi"):
        assert vnd(1500000) == "1.500.000 ₫"
    with translation.override("en"):
        assert vnd(1500000) == "1,500,000 ₫"
    assert vnd(None) == "—"


def test_it_ignores_an_english_phone_until_english_is_chosen(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đăng nhập" in page


def _translations(po_path):
    return {
        (e.msgctxt, e.msgid): e.msgstr or str(e.msgstr_plural)
        for e in polib.pofile(str(po_path)).translated_entries()
    }


def test_no_english_string_has_two_vietnamese_translations():
    """Django merges the catalogues and the first app that has a string wins, so one English
    string (and context) translated two ways in two apps shows the wrong one somewhere (the
    transfer form's fund read "Từ ngày"). Where the meanings differ, the code gives a context."""
    seen: dict = {}
    for po_path in CATALOGUES:
        for key, text in _translations(po_path).items():
            seen.setdefault(key, {}).setdefault(text, []).append(po_path.parts[-5])
    clashes = {key: found for key, found in seen.items() if len(found) > 1}
    assert clashes == {}


def test_it_shows_every_catalogues_own_translation_and_ours_over_djangos():
    from django.utils import translation

    with translation.override("vi"):
        for po_path in CATALOGUES:
            for (context, msgid), text in _translations(po_path).items():
                if "{" in text:  # plural forms
                    continue
                shown = (
                    translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                )
                assert shown == text, (po_path.parts[-5], msgid)
        # Django's own "Nhập một số tổng thể." is replaced by ours (a variable, so that
        # makemessages does not take the test's string into the core catalogue).
        msgid = "Enter a whole number."
        assert translation.gettext(msgid) == "Hãy nhập một số nguyên."


def test_it_calls_a_club_member_thanh_vien_everywhere():
    """The clubs' own word, and the register's, is "thành viên"; "hội viên" is a member of the
    Association of the Elderly, another thing (the search box of the meeting day said it)."""
    wrong = [
        (po_path.parts[-5], e.msgid)
        for po_path in CATALOGUES
        for e in polib.pofile(str(po_path))
        if "hội viên" in (e.msgstr + " ".join(e.msgstr_plural.values())).lower()
    ]
    assert wrong == []
