from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "vi" / "LC_MESSAGES"


def test_it_translates_every_message_and_ships_the_compiled_catalogue():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert po.percent_translated() == 100
    assert not [e.msgid for e in po if "fuzzy" in e.flags]
    mo = {e.msgid: e.msgstr or e.msgstr_plural for e in polib.mofile(str(LOCALE / "django.mo"))}
    assert {e.msgid: e.msgstr or e.msgstr_plural for e in po if e.msgid} == {
        k: v for k, v in mo.items() if k
    }
