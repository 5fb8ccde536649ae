"""Every change to targets goes through here: validated, written and audited in one
transaction. An import checks every row first and saves all of them or none."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ishc.accounts.permissions import require
from ishc.accounts.scope import editable
from ishc.audit.services import record, snapshot
from ishc.core.text import fold
from ishc.core.uploads import open_archive
from ishc.geo.models import Level

from . import catalogue
from .models import Comparison, Phase, Programme, Target

COLUMNS = [
    "programme",
    "phase",
    "year",
    "indicator",
    "province_code",
    "commune_code",
    "comparison",
    "value",
    "value_high",
    "note",
]
# The template's headers: Vietnamese, as the people who fill the sheet read them. The machine
# names above are accepted too, so that files made from the earlier template still import.
HEADERS = {
    "programme": "Mã chương trình",
    "phase": "Giai đoạn",
    "year": "Năm",
    "indicator": "Mã chỉ tiêu",
    "province_code": "Mã tỉnh",
    "commune_code": "Mã xã",
    "comparison": "So sánh",
    "value": "Giá trị",
    "value_high": "Giá trị trên",
    "note": "Ghi chú",
}
COMPARISON_ALIASES = {
    "at_least": Comparison.AT_LEAST,
    ">=": Comparison.AT_LEAST,
    "≥": Comparison.AT_LEAST,
    "at_most": Comparison.AT_MOST,
    "<=": Comparison.AT_MOST,
    "≤": Comparison.AT_MOST,
    "band": Comparison.BAND,
    "tối thiểu": Comparison.AT_LEAST,
    "tối đa": Comparison.AT_MOST,
    "khoảng": Comparison.BAND,
}


def create_target(user, **fields) -> Target:
    require(user, "indicators.edit_targets", fields.get("unit"))
    with transaction.atomic():
        target = Target(**fields)
        target.full_clean()
        target.save()
        record(user, "indicators.target.created", target, after=snapshot(target), unit=target.unit)
        return target


@dataclass
class ImportOutcome:
    created: list[Target] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_targets(user, upload, units) -> ImportOutcome:
    """Provincial and commune targets from an .xlsx sheet with the columns of COLUMNS (the first
    row holds the headers). `units` are the 2025 units the user may set targets for."""
    require(user, "indicators.edit_targets")
    if user is not None:
        units = editable(user, units)
    from openpyxl import load_workbook

    outcome = ImportOutcome()
    try:
        # Measured member by member in a stream first: openpyxl would inflate a zip bomb whole.
        open_archive(upload)
    except ValidationError as e:
        outcome.errors.append({"row": 0, "column": "", "message": e.messages[0]})
        return outcome
    upload.seek(0)
    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    except Exception:  # openpyxl raises many kinds of errors for a file that is not .xlsx
        outcome.errors.append(
            {"row": 0, "column": "", "message": _("This is not an Excel (.xlsx) file.")}
        )
        return outcome
    if not rows:
        outcome.errors.append({"row": 1, "column": "", "message": _("The sheet is empty.")})
        return outcome
    known = {fold(k): k for k in COLUMNS} | {fold(v): k for k, v in HEADERS.items()}
    written = [_cell(h).rstrip("*").strip() for h in rows[0]]
    headers = [known.get(fold(h), "") for h in written]
    # Errors name the column as the file's own header says it.
    label = {k: h for k, h in zip(headers, written, strict=False) if k}
    missing = [HEADERS[c] for c in COLUMNS if c not in headers]
    if missing:
        outcome.errors.append(
            {
                "row": 1,
                "column": ", ".join(missing),
                "message": _("Missing columns; use the template."),
            }
        )
        return outcome
    if len(rows) - 1 > settings.ISHC["IMPORT_MAX_ROWS"]:
        outcome.errors.append({"row": 0, "column": "", "message": _("Too many rows.")})
        return outcome
    programmes = {p.code: p for p in Programme.objects.all()}
    phases = {(ph.programme_id, ph.name): ph for ph in Phase.objects.all()}
    provinces = {u.code: u for u in units if u.level == Level.PROVINCE}
    communes = {u.code: u for u in units if u.level == Level.COMMUNE}
    targets = []
    for number, raw in enumerate(rows[1:], start=2):
        row = {h: _cell(v) for h, v in zip(headers, raw, strict=False) if h}
        if not any(row.get(c) for c in COLUMNS):
            continue  # blank line
        errors = []

        def fail(column, message, errors=errors, number=number):
            errors.append({"row": number, "column": label.get(column, column), "message": message})

        programme = programmes.get(row.get("programme", ""))
        if programme is None:
            fail("programme", _("Unknown programme code."))
        phase = None
        if row.get("phase") and programme is not None:
            phase = phases.get((programme.pk, row["phase"]))
            if phase is None:
                fail("phase", _("No such phase in this programme."))
        year = None
        if row.get("year"):
            try:
                year = int(row["year"])
            except ValueError:
                fail("year", _("Not a year."))
        if catalogue.get(row.get("indicator", "")) is None:
            fail("indicator", _("Unknown indicator code; see the indicator catalogue."))
        unit = None
        try:
            if row.get("commune_code"):
                unit = communes.get(int(row["commune_code"]))
                if unit is None:
                    fail("commune_code", _("No such 2025 commune in your area."))
            elif row.get("province_code"):
                unit = provinces.get(int(row["province_code"]))
                if unit is None:
                    fail("province_code", _("No such 2025 province in your area."))
            else:
                fail("province_code", _("Give a province code or a commune code."))
        except ValueError:
            fail("commune_code" if row.get("commune_code") else "province_code", _("Not a code."))
        comparison = COMPARISON_ALIASES.get(row.get("comparison", "").lower())
        if comparison is None:
            fail("comparison", _("Use “tối thiểu”, “tối đa” or “khoảng”."))
        values = {}
        for column in ("value", "value_high"):
            text = row.get(column, "").replace(",", ".")
            if not text:
                values[column] = None
                continue
            try:
                values[column] = Decimal(text)
            except InvalidOperation:
                fail(column, _("Not a number."))
        if values.get("value") is None and not any(e["column"] == "value" for e in errors):
            fail("value", _("A value is required."))
        if not errors:
            target = Target(
                programme=programme,
                phase=phase,
                year=year,
                indicator=row["indicator"],
                unit=unit,
                comparison=comparison,
                value=values["value"],
                value_high=values["value_high"],
                note=row.get("note", "")[:300],
            )
            try:
                target.full_clean()
            except ValidationError as exc:
                for column, messages in exc.message_dict.items():
                    for message in messages:
                        fail(column if column in COLUMNS else "", message)
            targets.append(target)
        outcome.errors.extend(errors)
    if outcome.errors:
        return outcome
    with transaction.atomic():
        for target in targets:
            target.save()
            record(
                user, "indicators.target.imported", target, after=snapshot(target), unit=target.unit
            )
        outcome.created = targets
    return outcome
