"""manage.py warm_figures: after it, the first visitor of the day finds the national and
province figures computed."""

import pytest
from django.core.management import call_command

from ishc.finance import figures as finance_figures
from ishc.indicators import figures


def test_it_computes_the_day_s_figures_before_anyone_asks(
    client,
    country,
    cached,
    monkeypatch,
    capsys,
):
    call_command("warm_figures")
    assert "2 provinces" in capsys.readouterr().out

    def computed(*args, **kwargs):
        pytest.fail("computed on a visit after warm_figures")

    for module, name in [
        (figures, "compute"),
        (figures, "trend_counters"),
        (figures, "headcount"),
        (finance_figures, "loan_figures"),
    ]:
        monkeypatch.setattr(module, name, computed)
    monkeypatch.setattr(finance_figures.ledger, "with_arrears", computed)
    client.force_login(country.central)
    for url in [
        "/dashboard/nation/",
        "/dashboard/nation/loans/",
        f"/dashboard/province/{country.P.pk}/",
        f"/dashboard/province/{country.Q.pk}/",
        "/",
    ]:
        assert client.get(url).status_code == 200, url
    # The arrears page still lists its page of late loans, but reads its totals from the cache.
    monkeypatch.undo()
    monkeypatch.setattr(finance_figures, "loan_figures", computed)
    assert client.get("/finance/arrears/", {"by": "province", "units": "99"}).status_code == 200
