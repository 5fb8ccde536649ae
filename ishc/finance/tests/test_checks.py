"""Bad settings stop the server at start-up with a message (Django system checks)."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from ishc.finance.checks import check_money_settings


def test_it_accepts_the_shipped_settings():
    assert check_money_settings() == []


@pytest.mark.parametrize(
    "key, value, error",
    [
        ("LOAN_INTEREST_FUND", "IGF", "ishc.E001"),
        ("ARREARS_BUCKETS", (60, 30, 90), "ishc.E002"),
        ("ARREARS_BUCKETS", (), "ishc.E002"),
        ("WOMEN_BAND", (70, 60), "ishc.E003"),
        ("OLDER_BAND", (60, 170), "ishc.E003"),
        ("LOAN_MAX_ANNUAL_RATE", -1, "ishc.E004"),
        ("REPORT_DUE_DAY", 31, "ishc.E004"),
        ("BP_SYSTOLIC_HIGH", 400, "ishc.E004"),
        ("RUBRIC_GRADES", (("good", 0.4), ("fair", 0.65)), "ishc.E005"),
    ],
)
def test_it_stops_on_a_bad_setting(settings, key, value, error):
    settings.ISHC = {**settings.ISHC, key: value}
    assert [e.id for e in check_money_settings()] == [error]
    with pytest.raises(SystemCheckError, match=key):
        call_command("check")
