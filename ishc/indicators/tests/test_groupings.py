"""Every grouping by commune has a row for the clubs whose commune is not confirmed yet, so the
rows always add up to the unit's total (issue 13: Tuyên Quang's rows added up to 4 clubs of 8)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from ishc.clubs.models import Club, ClubStatus
from ishc.clubs.services import set_status
from ishc.core.text import UNCONFIRMED_COMMUNE

from .conftest import person

D = datetime.date
SUMMED = ["clubs_active", "members", "members_women", "members_older"]


def _club(w, letter, **fields):
    return Club.objects.create(
        name=f"CLB {letter}",
        code=f"T-{letter}",
        province=w.P,
        cohort=w.A.cohort,
        founded_on=D(2021, 1, 1),
        **fields,
    )


@pytest.fixture
def states(ledger):
    """On top of the ledger (active A, B, D; dissolved E): U, active, its commune not confirmed;
    M, merged into A in 2024, its members never moved; I, inactive since 2024."""
    w = ledger
    kinh = {"ethnicity": w.kinh}
    w.U = _club(w, "U", registered_unit=w.c2)
    w.M = _club(w, "M", registered_unit=w.c1, commune=w.c1)
    w.I = _club(w, "I", registered_unit=w.c2)
    for club, n in [(w.U, 4), (w.M, 3), (w.I, 2)]:
        for _i in range(n):
            person(club, joined=D(2021, 2, 1), year=1950, **kinh)
    set_status(
        w.central, w.M, ClubStatus.MERGED, since=D(2024, 3, 1), reason="Sáp nhập", merged_into=w.A
    )
    set_status(w.central, w.I, ClubStatus.INACTIVE, since=D(2024, 3, 1), reason="Tạm dừng")
    return w


def test_it_adds_the_province_dashboards_commune_rows_up_to_its_total(client, states):
    client.force_login(states.province)
    url = f"/dashboard/province/{states.P.pk}/?programme=1336"
    page = client.get(url)
    rows = {r["name"]: r for r in page.context["rows"]}
    assert str(UNCONFIRMED_COMMUNE) in rows and rows[str(UNCONFIRMED_COMMUNE)]["url"] is None
    total = {h["ind"].code: h["num"] for h in page.context["headline"]}
    for code in SUMMED:
        if code in total:
            assert sum(r["cells"][code]["num"] for r in rows.values()) == total[code], code
    assert rows[str(UNCONFIRMED_COMMUNE)]["cells"]["members"]["num"] == 4
    assert str(UNCONFIRMED_COMMUNE) in page.content.decode()
    book = load_workbook(
        io.BytesIO(
            client.get(
                f"/dashboard/province/{states.P.pk}/export.xlsx?programme=1336&sheet=units"
            ).content
        )
    )
    exported = [r for r in book.worksheets[0].iter_rows(min_row=4, values_only=True) if r[1]]
    assert [r[1] for r in exported] == [r["name"] for r in page.context["rows"]]


def test_it_adds_the_completeness_rows_up_to_the_province(client, states):
    client.force_login(states.province)
    page = client.get(reverse("reports:index") + "?month=2025-03")
    rows = page.context["by_unit"]
    assert str(UNCONFIRMED_COMMUNE) in [r["name"] for r in rows]
    assert sum(r["active_clubs"] for r in rows) == page.context["totals"]["active_clubs"]


def test_it_adds_the_arrears_rows_up_to_the_total(client, states):
    client.force_login(states.province)
    page = client.get(reverse("finance:arrears") + "?by=commune")
    units = page.context["units"]
    assert str(UNCONFIRMED_COMMUNE) in [u["name"] for u in units]
    assert len(units) == 3  # c1, c2 and the clubs still to confirm
    for name in ["outstanding_principal", "par30_principal", "instalments_due"]:
        assert sum(u[name] for u in units) == page.context["total"][name]


def test_it_counts_the_same_members_on_the_home_page_as_on_the_dashboard(client, states):
    # M (merged, its members never moved) and I (inactive) count on neither page.
    client.force_login(states.province)
    counts = client.get(reverse("home")).context["counts"]
    page = client.get(f"/dashboard/province/{states.P.pk}/")
    rows = page.context["rows"]
    assert counts["members"] == sum(r["cells"]["members"]["num"] for r in rows)
    assert counts["clubs"] == sum(r["cells"]["clubs_active"]["num"] for r in rows) == 4


def test_it_says_no_data_yet_for_a_rubric_never_computed(client, states):
    client.force_login(states.board)
    page = client.get("/dashboard/nation/?programme=1336")
    well = next(
        c["a"] for c in page.context["cards"] if c["a"].target.indicator == "clubs_well_managed"
    )
    assert well.figure.num is None and well.status == "no_data"
    with translation.override("en"):
        assert str(well.status_label) == "No data yet"
    assert "Chưa có số liệu" in page.content.decode()
