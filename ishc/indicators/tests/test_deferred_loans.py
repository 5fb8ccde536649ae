"""The national page (of a programme with no target on a loan indicator, such as 1648) shows
everything but the loan figures at once and fetches those with a request of their own (htmx),
because nationally they take most of a minute (docs/finance.md)."""

import datetime

import pytest
from django.utils import translation

from ishc.finance import services
from ishc.finance.tests.conftest import active_loan, capital, make_member
from ishc.indicators.dashboard import LOAN_CODES
from ishc.indicators.models import Programme, Target

NATION = "/dashboard/nation/?programme=1648"
LOANS = "/dashboard/nation/loans/?programme=1648"
D = datetime.date


@pytest.fixture
def lent(ledger):
    capital(ledger.central, ledger.A, 20_000_000, on=D(2025, 1, 2))
    member = make_member(ledger.A, "Nguyễn Thị Vay", ledger.kinh)
    loan = active_loan(ledger.central, ledger.A, member, 1_200_000, D(2025, 3, 1), rate="0")
    for month in (4, 5, 6):
        services.repay(ledger.central, loan, amount=100_000, on=D(2025, month, 1))
    return ledger


def test_it_shows_the_nation_first_and_the_loans_after(client, lent):
    client.force_login(lent.board)
    page = client.get(NATION)
    assert page.context["loans_deferred"]
    assert not {h["ind"].code for h in page.context["headline"]} & set(LOAN_CODES)
    html = page.content.decode()
    assert 'hx-get="/dashboard/nation/loans/?programme=1648"' in html
    assert 'hx-trigger="load"' in html
    assert "loans=now" in html  # the same figures without script

    section = client.get(LOANS, HTTP_HX_REQUEST="true")
    assert section.status_code == 200
    shown = {h["ind"].code: (h["num"], h["den"]) for h in section.context["sec"]["items"]}
    whole = client.get(NATION + "&loans=now")
    assert not whole.context["loans_deferred"]
    expected = {
        h["ind"].code: (h["num"], h["den"])
        for h in whole.context["headline"]
        if h["ind"].code in shown
    }
    assert shown == expected
    assert shown["loans_disbursed"][0] == 1
    assert shown["repaid_on_time"] == (3, 12)  # all 12 instalments due by now, the first 3 paid


def test_it_keeps_loans_on_the_page_when_the_page_needs_them(client, lent):
    client.force_login(lent.central)
    assert not client.get(NATION + "&sort=-par30").context["loans_deferred"]
    assert not client.get(NATION + "&map=repaid_on_time").context["loans_deferred"]
    Target.objects.create(
        programme=Programme.objects.get(code="1648"),
        indicator="par30",
        comparison="at_most",
        value=5,
    )
    page = client.get(NATION)
    assert not page.context["loans_deferred"]
    par30 = next(c["a"] for c in page.context["cards"] if c["a"].target.indicator == "par30")
    assert par30.figure is not None and par30.figure.den == 900_000


def test_it_defers_only_the_national_page(client, lent):
    client.force_login(lent.central)
    province = client.get(f"/dashboard/province/{lent.P.pk}/?programme=1648")
    assert not province.context["loans_deferred"]
    assert "hx-get" not in province.content.decode().split("Resources")[0][-3000:]


@pytest.mark.parametrize(("user", "status"), [("board", 200), ("central", 200), ("province", 404)])
def test_it_scopes_the_loan_section_like_the_national_page(client, lent, user, status):
    client.force_login(getattr(lent, user))
    assert client.get(LOANS).status_code == status


def test_it_sends_strangers_to_log_in(client, lent):
    assert client.get(LOANS).status_code == 302


def test_it_says_what_it_waits_for_in_vietnamese(client, lent):
    client.force_login(lent.board)
    with translation.override("vi"):
        html = client.get(NATION, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Counting every loan" not in html
