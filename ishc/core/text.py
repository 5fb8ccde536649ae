"""Text helpers shared by search, duplicate detection and imports."""

import re
import unicodedata

from django.utils.translation import gettext_lazy

_SPACES = re.compile(r"\s+")


def fold(value: str) -> str:
    """Lower-case, strip Vietnamese diacritics and collapse spaces.

    Village officers often type without diacritics on a phone ("ha giang" for "Hà Giang"), and the
    same name is written with different Unicode normalisations in old Excel files, so every search
    and duplicate check compares folded text. "đ" is not a combining mark and needs its own rule.
    """
    value = unicodedata.normalize("NFD", value or "")
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Mn")
    value = value.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", value).strip().lower()


def clean_name(value: str) -> str:
    """A person's name as stored: NFC (one code point per Vietnamese letter, as keyboards type it,
    so that "Thảo" typed on a phone equals "Thảo" pasted from an old NFD file), single spaces,
    no spaces at the ends. Diacritics and case are kept: they tell "Thảo" from "Thạo"."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()


# The row of clubs whose 2025 commune a person has not chosen yet, wherever clubs are grouped by
# commune: without it the commune rows would not add up to their province.
UNCONFIRMED_COMMUNE = gettext_lazy("Commune not confirmed yet")
