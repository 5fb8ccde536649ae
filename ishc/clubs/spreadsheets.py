"""The .xlsx files the registry hands out: list exports (with the filters that produced them)
and the import templates. Written with openpyxl's write-only mode, which streams rows instead of
building the whole sheet in memory."""

import datetime
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .composition import card

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)


def response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    resp = HttpResponse(buffer.getvalue(), content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def _header(ws, labels):
    cells = []
    for label in labels:
        cell = WriteOnlyCell(ws, value=str(label))
        cell.font = BOLD
        cells.append(cell)
    ws.append(cells)


def _filters_sheet(wb: Workbook, form, on: datetime.date) -> None:
    """A second sheet saying which filters produced the list, so a printed export explains
    itself."""
    ws = wb.create_sheet(_("Filters"))
    _header(ws, [_("Filter"), _("Value")])
    ws.append([_("Date"), on.strftime("%d/%m/%Y")])
    ws.append([_("Exported at"), timezone.localtime().strftime("%d/%m/%Y %H:%M")])
    if not form.is_valid():
        return
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", False):
            continue
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        ws.append([str(field.label), str(value)])


def _yes(value: bool) -> str:
    return _("yes") if value else ""


def export_clubs(form, qs, on: datetime.date) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Clubs"))
    _header(
        ws,
        [
            _("Club code"),
            _("Name"),
            _("Village / neighbourhood"),
            _("Commune (2025)"),
            _("Province (2025)"),
            _("Commune as registered"),
            _("Programme"),
            _("Status"),
            _("Launch date"),
            _("Members"),
            _("Women"),
            _("Older persons"),
            _("Aged 55+"),
            _("Younger members"),
            _("In difficult circumstances"),
            _("Ethnic minorities"),
            _("Outside a band"),
        ],
    )
    for club in qs.iterator(chunk_size=2000):
        lines = card(club.__dict__)
        ws.append(
            [
                club.code,
                club.name,
                club.village,
                club.commune.name if club.commune else _("to confirm"),
                club.province.name,
                club.registered_name,
                club.get_cohort_display(),
                club.get_status_display(),
                club.founded_on,
                club.size,
                club.women,
                club.older,
                club.older_local,
                club.younger,
                club.difficult,
                club.minority,
                ", ".join(line.label for line in lines if line.status not in ("", "ok")),
            ]
        )
    _filters_sheet(wb, form, on)
    return response(wb, f"clubs-{on:%Y%m%d}.xlsx")


def export_members(form, qs, on: datetime.date) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Members"))
    _header(
        ws,
        [
            _("Club code"),
            _("Club"),
            _("Full name"),
            _("Sex"),
            _("Date of birth"),
            _("Birth year"),
            _("Age"),
            _("Ethnicity"),
            _("Household status"),
            _("Disability"),
            _("Lives alone"),
            _("Health-insurance card"),
            _("Pension or social allowance"),
            _("Phone"),
            _("Group"),
            _("Current member"),
        ],
    )
    for m in qs.iterator(chunk_size=2000):
        ws.append(
            [
                m.club.code,
                m.club.name,
                m.full_name,
                m.get_sex_display(),
                m.birth_date,
                m.birth_year,
                m.age_on(on),
                m.ethnicity.name,
                m.get_household_display(),
                _yes(m.disabled),
                _yes(m.lives_alone),
                _yes(m.health_insurance),
                m.get_allowance_display() if m.allowance else "",
                m.phone,
                m.group.name if m.group else "",
                _yes(m.current),
            ]
        )
    _filters_sheet(wb, form, on)
    return response(wb, f"members-{on:%Y%m%d}.xlsx")
