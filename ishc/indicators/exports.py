"""The dashboard's tables and charts as .xlsx, from the very dict the page is drawn from, so that
the workbook and the screen always agree. Ratios are written as numerator, denominator and the
percentage, so that a reader can re-add them. Written by the one writer, ishc.core.xlsx."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ishc.core import xlsx
from ishc.core.numbers import percent, round_half_up

from . import catalogue


def _value(cell: dict, ind) -> float | None:
    """The number the screen shows (indicators.figval), rounded the same way (half-up, one
    decimal), so that the workbook and the page never disagree."""
    v = cell["display"]
    if ind is not None and ind.kind == catalogue.RATIO and cell.get("den"):
        return float(percent(cell.get("num") or 0, cell["den"]))
    return float(round_half_up(v, 1)) if isinstance(v, float) else v


def _ratio_columns(ind) -> list[xlsx.Col]:
    if not ind.den:
        return [xlsx.Col(str(ind.name), "int", 14)]
    return [
        xlsx.Col(_("%(indicator)s: numerator") % {"indicator": ind.name}, "int", 14),
        xlsx.Col(_("%(indicator)s: denominator") % {"indicator": ind.name}, "int", 14),
        xlsx.Col(_("%(indicator)s: value") % {"indicator": ind.name}, "decimal", 14),
    ]


def _headline_columns() -> list[xlsx.Col]:
    return [
        xlsx.Col(_("Code"), "code"),
        xlsx.Col(_("Indicator"), "long", 46),
        xlsx.Col(_("Numerator"), "int", 13),
        xlsx.Col(_("Denominator"), "int", 13),
        xlsx.Col(_("Value"), "decimal"),
        xlsx.Col(_("Unit"), "text", 12),
    ]


def _headline_rows(items) -> list[list]:
    return [
        [
            h["ind"].code,
            str(h["ind"].name),
            h["num"],
            h["den"],
            _value(h, h["ind"]),
            str(h["ind"].unit),
        ]
        for h in items
    ]


def workbook(ctx: dict, only: str | None = None) -> bytes:
    book = xlsx.Book()
    where = ctx["where"]
    period = _("%(period)s, figures of %(day)s") % {
        "period": ctx["period"].label,
        "day": ctx["day"].strftime("%d/%m/%Y"),
    }

    def sheet(name, columns, rows, title=None):
        book.sheet(name, columns, title=title, unit=where.name, period=period).rows(rows)

    sheets = {
        "targets": lambda: sheet(
            _("Targets"),
            [
                xlsx.Col(_("Indicator"), "long", 40),
                xlsx.Col(_("Target"), "text", 16),
                xlsx.Col(_("Period"), "text", 14),
                xlsx.Col(_("Numerator"), "int", 13),
                xlsx.Col(_("Denominator"), "int", 13),
                xlsx.Col(_("Value"), "decimal"),
                xlsx.Col(_("% achieved"), "percent", 12),
                xlsx.Col(_("Status"), "text", 16),
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
        ),
        "indicators": lambda: sheet(
            _("Indicators"), _headline_columns(), _headline_rows(ctx["headline"])
        ),
        "units": lambda: sheet(
            _("Units"),
            [xlsx.Col(_("Code"), "code"), xlsx.Col(_("Name"), "name")]
            + [col for ind in ctx["columns"] for col in _ratio_columns(ind)],
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
        ),
        "trend": lambda: sheet(
            _("Trend"),
            [
                xlsx.Col(_("Date"), "date"),
                xlsx.Col(_("Numerator"), "int", 13),
                xlsx.Col(_("Denominator"), "int", 13),
                xlsx.Col(str(ctx["trend"]["label"]), "decimal", 30),
                xlsx.Col(_("Target"), "decimal"),
            ],
            [
                [p["day"], p["num"], p["den"], _value(p, None), ctx["trend"]["target"]]
                for p in ctx["trend"]["months"] + ctx["trend"]["years"]
            ],
        ),
        "breakdowns": lambda: sheet(
            _("Breakdowns"),
            [xlsx.Col(pgettext("breakdown", "Group"), "name", 30)]
            + [xlsx.Col(str(i.name), "decimal", 16) for i in ctx["breakdowns"]["indicators"]],
            [
                [str(r["label"])] + [_value(c, None) for c in r["cells"]]
                for r in ctx["breakdowns"]["cohort"] + ctx["breakdowns"]["flag"]
            ],
        ),
        "composition": lambda: sheet(
            _("Composition"),
            [xlsx.Col(pgettext("breakdown", "Group"), "long"), xlsx.Col(_("Clubs"), "int")],
            [[str(b["label"]), b["n"]] for b in ctx["composition"]["buckets"]]
            + [[str(b["ind"].name), b["n"]] for b in ctx["composition"]["bands"]],
        ),
        "map": lambda: (
            sheet(
                _("Map"),
                [
                    xlsx.Col(_("Code"), "code"),
                    xlsx.Col(_("Name"), "name"),
                    xlsx.Col(str(ctx["map"]["ind"].name), "decimal", 30),
                ],
                [
                    [
                        p["code"],
                        p["name"],
                        float(round_half_up(p["value"], 1)) if p["value"] is not None else None,
                    ]
                    for p in ctx["map"]["provinces"]
                ],
            )
            if ctx["map"]
            else None
        ),
        "loans": lambda: _section(sheet, ctx, "loans"),
        "reports": lambda: _section(sheet, ctx, "reports"),
        "resources": lambda: sheet(
            _("Resources"),
            [xlsx.Col(_("Source"), "long"), xlsx.Col(_("VND"), "money")],
            [[str(r["label"]), r["amount"]] for r in ctx["resources"]],
        ),
    }
    for name, make in sheets.items():
        if only in (None, "", name):
            make()
    if not book.wb.worksheets:
        sheets["indicators"]()
    return book.content()


def _section(sheet, ctx, name):
    section = next(s for s in ctx["sections"] if s["sheet"] == name)
    sheet(str(section["title"]), _headline_columns(), _headline_rows(section["items"]))
