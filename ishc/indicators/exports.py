"""The dashboard's tables and charts as .xlsx, from the very dict the page is drawn from, so that
the workbook and the screen always agree. Ratios are written as numerator, denominator and the
percentage, so that a reader can re-add them."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from ishc.core.numbers import percent, round_half_up

from . import catalogue
from .services import COLUMNS

BOLD = Font(bold=True)


def _value(cell: dict, ind) -> float | None:
    """The number the screen shows (indicators.figval), rounded the same way (half-up, one
    decimal), so that the workbook and the page never disagree."""
    v = cell["display"]
    if ind is not None and ind.kind == catalogue.RATIO and cell.get("den"):
        return float(percent(cell.get("num") or 0, cell["den"]))
    return float(round_half_up(v, 1)) if isinstance(v, float) else v


def _sheet(wb, title: str, header: list, rows: list[list], note: str = ""):
    ws = wb.create_sheet(title[:31])
    if note:
        ws.append([note])
        ws.append([])
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    for row in rows:
        ws.append(row)
    ws.column_dimensions["A"].width = 40
    return ws


def workbook(ctx: dict, only: str | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    where = ctx["where"]
    note = (
        f"{where.name} · {ctx['period'].label} · {_('data on')} {ctx['day']:%d/%m/%Y} · "
        f"{_('exported at')} {ctx['generated_at']:%d/%m/%Y %H:%M}"
    )
    sheets = {
        "targets": lambda: _sheet(
            wb,
            _("Targets"),
            [
                _("Indicator"),
                _("Target"),
                _("Period"),
                _("Numerator"),
                _("Denominator"),
                _("Value"),
                _("% achieved"),
                _("Status"),
            ],
            [
                [
                    str(c["a"].indicator.name) if c["a"].indicator else c["a"].target.indicator,
                    c["target_text"],
                    c["a"].period.label,
                    c["a"].figure.num if c["a"].figure else None,
                    c["a"].figure.den if c["a"].figure else None,
                    float(round_half_up(c["a"].figure.display_value, 1))
                    if c["a"].figure and c["a"].figure.display_value is not None
                    else None,
                    float(round_half_up(c["a"].achieved, 1))
                    if c["a"].achieved is not None
                    else None,
                    str(c["a"].status_label),
                ]
                for c in ctx["cards"]
            ],
            note,
        ),
        "indicators": lambda: _sheet(
            wb,
            _("Indicators"),
            [_("Code"), _("Indicator"), _("Numerator"), _("Denominator"), _("Value"), _("Unit")],
            [
                [
                    h["ind"].code,
                    str(h["ind"].name),
                    h["num"],
                    h["den"],
                    _value(h, h["ind"]),
                    str(h["ind"].unit),
                ]
                for h in ctx["headline"]
            ],
            note,
        ),
        "units": lambda: _sheet(
            wb,
            _("Units"),
            [_("Code"), _("Name")]
            + [
                label
                for ind in ctx["columns"]
                for label in (
                    [
                        f"{ind.name} ({_('numerator')})",
                        f"{ind.name} ({_('denominator')})",
                        f"{ind.name} (%)",
                    ]
                    if ind.den
                    else [str(ind.name)]
                )
            ],
            [
                [r["code"], r["name"]]
                + [
                    v
                    for ind in ctx["columns"]
                    for v in (
                        [
                            r["cells"][ind.code]["num"],
                            r["cells"][ind.code]["den"],
                            _value(r["cells"][ind.code], ind),
                        ]
                        if ind.den
                        else [r["cells"][ind.code]["num"]]
                    )
                ]
                for r in ctx["rows"]
            ],
            note,
        ),
        "trend": lambda: _sheet(
            wb,
            _("Trend"),
            [_("Date"), _("Numerator"), _("Denominator"), ctx["trend"]["label"], _("Target")],
            [
                [p["day"], p["num"], p["den"], _value(p, None), ctx["trend"]["target"]]
                for p in ctx["trend"]["months"] + ctx["trend"]["years"]
            ],
            note,
        ),
        "breakdowns": lambda: _sheet(
            wb,
            _("Breakdowns"),
            [pgettext("breakdown", "Group")]
            + [str(i.name) for i in ctx["breakdowns"]["indicators"]],
            [
                [str(r["label"])] + [_value(c, None) for c in r["cells"]]
                for r in ctx["breakdowns"]["cohort"] + ctx["breakdowns"]["flag"]
            ],
            note,
        ),
        "composition": lambda: _sheet(
            wb,
            _("Composition"),
            [pgettext("breakdown", "Group"), _("Clubs")],
            [[str(b["label"]), b["n"]] for b in ctx["composition"]["buckets"]]
            + [[str(b["ind"].name), b["n"]] for b in ctx["composition"]["bands"]],
            note,
        ),
        "map": lambda: (
            _sheet(
                wb,
                _("Map"),
                [_("Code"), _("Name"), str(ctx["map"]["ind"].name)],
                [
                    [
                        p["code"],
                        p["name"],
                        float(round_half_up(p["value"], 1)) if p["value"] is not None else None,
                    ]
                    for p in ctx["map"]["provinces"]
                ],
                note,
            )
            if ctx["map"]
            else None
        ),
        "loans": lambda: _section(wb, ctx, "loans", note),
        "reports": lambda: _section(wb, ctx, "reports", note),
        "resources": lambda: _sheet(
            wb,
            _("Resources"),
            [_("Source"), _("VND")],
            [[str(r["label"]), r["amount"]] for r in ctx["resources"]],
            note,
        ),
    }
    for name, make in sheets.items():
        if only in (None, "", name):
            make()
    if not wb.worksheets:
        sheets["indicators"]()
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _section(wb, ctx, sheet, note):
    section = next(s for s in ctx["sections"] if s["sheet"] == sheet)
    return _sheet(
        wb,
        str(section["title"]),
        [_("Code"), _("Indicator"), _("Numerator"), _("Denominator"), _("Value"), _("Unit")],
        [
            [
                h["ind"].code,
                str(h["ind"].name),
                h["num"],
                h["den"],
                _value(h, h["ind"]),
                str(h["ind"].unit),
            ]
            for h in section["items"]
        ],
        note,
    )


def import_template() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Targets")
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = BOLD
    ws.append(["1648", "2025–2030", None, "clubs_new", 8, None, "at_least", 120, None, ""])
    codes = wb.create_sheet(_("Indicators"))
    codes.append([_("Code"), _("Indicator"), _("Unit")])
    for ind in catalogue.INDICATORS:
        codes.append([ind.code, str(ind.name), str(ind.unit)])
    return wb
