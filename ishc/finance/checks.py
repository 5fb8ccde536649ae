"""Start-up checks of the settings the money and the indicators depend on (Django system checks:
`runserver`, `migrate` and `check` stop with the message). A wrong value would not fail loudly
later: an unknown interest fund ("IGF") would quietly open a third fund per club and the interest
would vanish from both books; unordered arrears buckets would put loans in the wrong bucket."""

from django.conf import settings
from django.core.checks import Error, register

from .models import FundKind

BANDS = ("CLUB_SIZE_BAND", "WOMEN_BAND", "OLDER_BAND", "YOUNGER_BAND")
PERCENT_BANDS = ("WOMEN_BAND", "OLDER_BAND", "YOUNGER_BAND")


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _error(key: str, value, should: str, n: int) -> Error:
    return Error(
        f"ISHC[{key!r}] = {value!r}: {should}",
        hint=f"Fix the setting (or its ISHC_{key} environment variable).",
        id=f"ishc.E{n:03d}",
    )


@register()
def check_money_settings(app_configs=None, **kwargs) -> list[Error]:
    conf = settings.ISHC
    errors = []
    fund = conf.get("LOAN_INTEREST_FUND")
    if fund not in FundKind.values:
        errors.append(
            _error("LOAN_INTEREST_FUND", fund, f"must be one of {', '.join(FundKind.values)}.", 1)
        )
    buckets = conf.get("ARREARS_BUCKETS")
    if not (
        isinstance(buckets, (tuple, list))
        and buckets
        and all(isinstance(b, int) and not isinstance(b, bool) and b > 0 for b in buckets)
        and list(buckets) == sorted(set(buckets))
    ):
        errors.append(
            _error(
                "ARREARS_BUCKETS",
                buckets,
                "must be whole numbers of days, more than 0, in increasing order "
                "(e.g. (30, 60, 90)).",
                2,
            )
        )
    for key in BANDS:
        band = conf.get(key)
        ok = (
            isinstance(band, (tuple, list))
            and len(band) == 2
            and all(_number(v) and v >= 0 for v in band)
            and band[0] <= band[1]
            and (key not in PERCENT_BANDS or band[1] <= 100)
        )
        if not ok:
            should = "must be (low, high) with 0 ≤ low ≤ high" + (
                " ≤ 100 (percent)." if key in PERCENT_BANDS else "."
            )
            errors.append(_error(key, band, should, 3))
    thresholds = {
        "LOAN_MAX_ANNUAL_RATE": (0, 100),
        "MEMBER_FEE": (0, 10_000_000),
        "REPORT_DUE_DAY": (1, 28),
        "OLDER_AGE": (40, 100),
        "OLDER_AGE_LOCAL": (40, 100),
        "MONTHS_FOR_YEAR": (1, 12),
    }
    for key, (low, high) in thresholds.items():
        value = conf.get(key)
        if not (_number(value) and low <= value <= high):
            errors.append(_error(key, value, f"must be a number from {low} to {high}.", 4))
    for high_key, range_key in (
        ("BP_SYSTOLIC_HIGH", "BP_SYSTOLIC_RANGE"),
        ("BP_DIASTOLIC_HIGH", "BP_DIASTOLIC_RANGE"),
    ):
        value, (low, high) = conf.get(high_key), conf.get(range_key, (0, 0))
        if not (_number(value) and low < value < high):
            errors.append(_error(high_key, value, f"must lie between {low} and {high}.", 4))
    grades = conf.get("RUBRIC_GRADES", ())
    shares = [share for _grade, share in grades] if grades else []
    if (
        not shares
        or shares != sorted(shares, reverse=True)
        or not 0 <= shares[-1] <= shares[0] <= 1
    ):
        errors.append(
            _error("RUBRIC_GRADES", grades, "shares must run from 1 down to 0, best first.", 5)
        )
    return errors
