"""The indicator catalogue of domain §9: what each number means, in one place.

Every indicator is a count or a ratio of two *counters* that ishc.indicators.figures computes in
SQL for any unit and period. Ratios are rolled up by summing their counters, never by averaging
percentages, so a province's numerator and denominator are the sums of its communes'.

Names and definitions are English msgids with a Vietnamese translation in this app's catalogue;
the catalogue page shows both languages side by side.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

COUNT, RATIO, AVERAGE, AMOUNT = "count", "ratio", "average", "amount"

# Period rules, shared by many indicators.
AT_END = _("Counted on the last day of the period (or today, while the period is running).")
DURING = _("Counted over the days of the period (up to today, while it is running).")
ACTIVE_AT_END = _(
    "Clubs active on the last day of the period: launched by then, and whose status on that day "
    "(from the status history) is active. Legacy-registered clubs count in their 2025 unit."
)
ALL_FOUNDED = _(
    "All clubs launched by the last day of the period, whatever their status. Legacy-registered "
    "clubs count in their 2025 unit."
)
MEMBERS_AT_END = _(
    "Members whose membership period covers the last day of the period (joined on or before it, "
    "not yet left), in clubs active on that day."
)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    group: str
    kind: str
    unit: str
    numerator: str
    denominator: str
    period_rule: str
    clubs: str
    num: str  # counter for the numerator
    den: str | None = None  # counter for the denominator (ratios and averages)
    # Whether the monthly/yearly trend query knows how to compute it.
    trend: bool = True
    # A counter that is 0 while nothing was measured yet (a rubric never computed): the figure
    # is then "no data yet", never a 0 % that would read as late.
    measured: str | None = None

    @property
    def is_ratio(self) -> bool:
        return self.kind == RATIO


CLUBS, MEMBERS, COMPOSITION, COVERAGE = (
    _("Clubs"),
    _("Members"),
    _("Composition"),
    _("Coverage"),
)
NA = _("—")

INDICATORS: list[Indicator] = [
    Indicator(
        "clubs_total",
        _("Clubs (all)"),
        CLUBS,
        COUNT,
        _("clubs"),
        _("Clubs launched by the end of the period, whatever their status"),
        NA,
        AT_END,
        ALL_FOUNDED,
        "clubs_total",
    ),
    Indicator(
        "clubs_active",
        _("Active clubs"),
        CLUBS,
        COUNT,
        _("clubs"),
        _("Clubs active on the last day of the period"),
        NA,
        AT_END,
        ACTIVE_AT_END,
        "clubs_active",
    ),
    Indicator(
        "clubs_new",
        _("New clubs"),
        CLUBS,
        COUNT,
        _("clubs"),
        _("Clubs whose launch date falls within the period"),
        NA,
        DURING,
        _("Every club launched in the period, whatever its cohort and its status today."),
        "clubs_new",
    ),
    Indicator(
        "clubs_maintained",
        _("Clubs maintained"),
        CLUBS,
        RATIO,
        "%",
        _("Clubs active on the last day of the period"),
        _("Clubs launched by the end of the period"),
        AT_END,
        ALL_FOUNDED,
        "clubs_active",
        "clubs_total",
    ),
    Indicator(
        "provinces_covered",
        _("Provinces with clubs"),
        COVERAGE,
        RATIO,
        "%",
        _("2025 provinces with at least one active club"),
        _("2025 provinces (34 nationwide)"),
        AT_END,
        ACTIVE_AT_END,
        "provinces_with",
        "provinces_all",
    ),
    Indicator(
        "communes_covered",
        _("Communes with clubs"),
        COVERAGE,
        RATIO,
        "%",
        _("2025 communes with at least one active club"),
        _("2025 communes, wards and special zones (3,321 nationwide)"),
        AT_END,
        ACTIVE_AT_END,
        "communes_with",
        "communes_all",
    ),
    Indicator(
        "members",
        _("Members"),
        MEMBERS,
        COUNT,
        _("members"),
        _("Members on the last day of the period"),
        NA,
        AT_END,
        MEMBERS_AT_END,
        "members",
    ),
    Indicator(
        "members_per_club",
        _("Members per active club"),
        MEMBERS,
        AVERAGE,
        _("members"),
        _("Members on the last day of the period"),
        _("Active clubs on that day"),
        AT_END,
        MEMBERS_AT_END,
        "members",
        "clubs_active",
    ),
    Indicator(
        "members_older",
        _("Older persons (60+)"),
        MEMBERS,
        RATIO,
        "%",
        _("Members aged 60 or more on the last day of the period (the older-age setting)"),
        _("Members on that day"),
        AT_END,
        MEMBERS_AT_END,
        "older",
        "members",
    ),
    Indicator(
        "members_older_local",
        _("Older persons (55+)"),
        MEMBERS,
        RATIO,
        "%",
        _("Members aged 55 or more on the last day of the period (the local older-age setting)"),
        _("Members on that day"),
        AT_END,
        MEMBERS_AT_END,
        "older_local",
        "members",
    ),
    Indicator(
        "members_women",
        _("Women"),
        MEMBERS,
        RATIO,
        "%",
        _("Women members on the last day of the period"),
        _("Members on that day"),
        AT_END,
        MEMBERS_AT_END,
        "women",
        "members",
    ),
    Indicator(
        "members_younger",
        _("Younger members"),
        MEMBERS,
        RATIO,
        "%",
        _("Members younger than the older-age setting (60) on the last day of the period"),
        _("Members on that day"),
        AT_END,
        MEMBERS_AT_END,
        "younger",
        "members",
    ),
    Indicator(
        "members_difficult",
        _("Members in difficult circumstances"),
        MEMBERS,
        RATIO,
        "%",
        _("Members of poor, near-poor or difficult households, disabled, or living alone"),
        _("Members on that day"),
        AT_END,
        MEMBERS_AT_END,
        "difficult",
        "members",
    ),
    Indicator(
        "members_minority",
        _("Ethnic-minority members"),
        MEMBERS,
        RATIO,
        "%",
        _("Members of an ethnic group other than Kinh (foreigners excluded)"),
        _("Members on that day"),
        AT_END,
        MEMBERS_AT_END,
        "minority",
        "members",
    ),
    Indicator(
        "members_new_clubs",
        _("Members of new clubs"),
        MEMBERS,
        COUNT,
        _("members"),
        _("Members on the last day of the period of clubs launched within the period"),
        NA,
        AT_END,
        MEMBERS_AT_END,
        "members_new",
    ),
    Indicator(
        "older_new_clubs",
        _("Older persons in new clubs"),
        MEMBERS,
        COUNT,
        _("members"),
        _("Members aged 60 or more of clubs launched within the period"),
        NA,
        AT_END,
        MEMBERS_AT_END,
        "older_new",
    ),
    Indicator(
        "clubs_size_band",
        _("Clubs with 50–70 members"),
        COMPOSITION,
        RATIO,
        "%",
        _("Active clubs whose member count lies in the size band (50–70, bounds included)"),
        _("Active clubs"),
        AT_END,
        ACTIVE_AT_END,
        "size_ok",
        "clubs_active",
        trend=False,
    ),
    Indicator(
        "clubs_women_band",
        _("Clubs with 60–70 % women"),
        COMPOSITION,
        RATIO,
        "%",
        _("Active clubs whose share of women lies in the band (60–70 %, bounds included)"),
        _("Active clubs"),
        AT_END,
        ACTIVE_AT_END,
        "women_ok",
        "clubs_active",
        trend=False,
    ),
    Indicator(
        "clubs_older_band",
        _("Clubs with older persons at 60–70 %"),
        COMPOSITION,
        RATIO,
        "%",
        _("Active clubs whose share of members aged 60+ is within 60–70 % (bounds included)"),
        _("Active clubs"),
        AT_END,
        ACTIVE_AT_END,
        "older_ok",
        "clubs_active",
        trend=False,
    ),
    Indicator(
        "clubs_younger_band",
        _("Clubs with 30–40 % younger members"),
        COMPOSITION,
        RATIO,
        "%",
        _("Active clubs whose share of younger members is within 30–40 % (bounds included)"),
        _("Active clubs"),
        AT_END,
        ACTIVE_AT_END,
        "younger_ok",
        "clubs_active",
        trend=False,
    ),
    Indicator(
        "clubs_composition",
        _("Clubs meeting the whole composition"),
        COMPOSITION,
        RATIO,
        "%",
        _("Active clubs within the size band and within all three composition bands"),
        _("Active clubs"),
        AT_END,
        ACTIVE_AT_END,
        "composition_ok",
        "clubs_active",
        trend=False,
    ),
]

FUNDS, ACTIVITIES, REPORTING = _("Funds and loans"), _("Activities"), _("Reporting")
IN_PERIOD_CLUBS = _("All clubs of the unit, whatever their status today.")


def _count(code, name, group, numerator, counter, unit, clubs=IN_PERIOD_CLUBS, kind=COUNT):
    return Indicator(
        code, name, group, kind, unit, numerator, NA, DURING, clubs, counter, trend=False
    )


INDICATORS += [
    Indicator(
        "members_insured",
        _("Health-insurance coverage"),
        MEMBERS,
        RATIO,
        "%",
        _("Members with a health-insurance card (BHYT) on the last day of the period"),
        _("Members on that day"),
        AT_END,
        MEMBERS_AT_END,
        "insured",
        "members",
        trend=False,
    ),
    Indicator(
        "clubs_both_funds",
        _("Clubs with both funds"),
        FUNDS,
        RATIO,
        "%",
        _(
            "Active clubs with an Income Generation Fund and an Activity Fund, each with at "
            "least one entry by the last day of the period"
        ),
        _("Active clubs"),
        AT_END,
        ACTIVE_AT_END,
        "clubs_with_both_funds",
        "fund_clubs",
        trend=False,
    ),
    Indicator(
        "igf_per_club",
        _("Income Generation Fund per club"),
        FUNDS,
        AVERAGE,
        "VND",
        _("Balance of the Income Generation Funds of active clubs on the last day"),
        _("Active clubs"),
        AT_END,
        ACTIVE_AT_END,
        "igf_balance",
        "fund_clubs",
        trend=False,
    ),
    Indicator(
        "members_borrowed",
        _("Members who borrowed"),
        FUNDS,
        RATIO,
        "%",
        _("Members who received a loan disbursement during the period (each counted once)"),
        _("Members on the last day of the period"),
        DURING,
        _("Loans of all clubs of the unit; members of clubs active on the last day."),
        "borrowers",
        "members",
        trend=False,
    ),
    _count(
        "loans_disbursed",
        _("Loans disbursed"),
        FUNDS,
        _("Loans disbursed during the period (a reversed disbursement cancels its loan)"),
        "loans_disbursed",
        _("loans"),
    ),
    _count(
        "amount_disbursed",
        _("Amount disbursed"),
        FUNDS,
        _("Principal disbursed during the period"),
        "amount_disbursed",
        "VND",
        kind=AMOUNT,
    ),
    Indicator(
        "outstanding",
        _("Outstanding loan portfolio"),
        FUNDS,
        AMOUNT,
        "VND",
        _("Principal outstanding on the last day of the period"),
        NA,
        AT_END,
        IN_PERIOD_CLUBS,
        "outstanding_principal",
        trend=False,
    ),
    Indicator(
        "par30",
        _("Portfolio at risk > 30 days (PAR30)"),
        FUNDS,
        RATIO,
        "%",
        _("Outstanding principal of loans with an instalment more than 30 days overdue"),
        _("Outstanding principal"),
        AT_END,
        IN_PERIOD_CLUBS,
        "par30_principal",
        "outstanding_principal",
        trend=False,
    ),
    Indicator(
        "repaid_on_time",
        _("On-time repayment rate"),
        FUNDS,
        RATIO,
        "%",
        _("Instalments due in the period that were paid in full by their due date"),
        _("Instalments due in the period while principal was outstanding"),
        DURING,
        IN_PERIOD_CLUBS,
        "instalments_paid_on_time",
        "instalments_due",
        trend=False,
    ),
    Indicator(
        "clubs_well_managed",
        _("Clubs carrying out all activities and well managed"),
        ACTIVITIES,
        RATIO,
        "%",
        _("Active clubs graded good or fair by the yearly rubric (or its recorded override)"),
        _("Active clubs"),
        _("The rubric of the year of the period's last day."),
        ACTIVE_AT_END,
        "well_managed",
        "rubric_clubs",
        trend=False,
        measured="rubric_assessed",
    ),
    Indicator(
        "members_measured",
        _("Members with blood pressure measured"),
        ACTIVITIES,
        RATIO,
        "%",
        _("Members whose blood pressure was measured at a meeting in the period"),
        _("Members on the last day of the period"),
        DURING,
        MEMBERS_AT_END,
        "members_measured",
        "members",
        trend=False,
    ),
    _count(
        "home_care_volunteers",
        _("Home-care volunteers"),
        ACTIVITIES,
        _("Home-care volunteers serving on the last day of the period"),
        "home_care_volunteers",
        _("people"),
    ),
    _count(
        "people_cared_for",
        _("People cared for at home"),
        ACTIVITIES,
        _("People on the home-care list on the last day of the period"),
        "people_cared_for",
        _("people"),
    ),
    _count(
        "home_visits",
        _("Home-care visits"),
        ACTIVITIES,
        _("Home-care visits made during the period"),
        "visits",
        _("visits"),
    ),
    _count(
        "self_help_cases",
        _("Self-help cases"),
        ACTIVITIES,
        _("Members or neighbours in sudden difficulty helped during the period"),
        "self_help",
        _("cases"),
    ),
    _count(
        "entitlement_cases",
        _("Entitlement cases"),
        ACTIVITIES,
        _("People helped to obtain their entitlements during the period"),
        "entitlement",
        _("cases"),
    ),
    _count(
        "dialogues",
        _("Dialogues with local authorities"),
        ACTIVITIES,
        _("Dialogues held during the period"),
        "dialogues",
        _("dialogues"),
    ),
    _count(
        "communication_sessions",
        _("Communication sessions"),
        ACTIVITIES,
        _("Communication sessions held during the period"),
        "communication",
        _("sessions"),
    ),
    _count(
        "exchanges",
        _("Exchanges"),
        ACTIVITIES,
        _("Exchanges with other clubs during the period"),
        "exchanges",
        _("exchanges"),
    ),
    _count(
        "resources",
        _("Resources mobilised"),
        FUNDS,
        _(
            "Cash and in-kind contributions received during the period, valued in VND; national "
            "contributions count for the nation only"
        ),
        "resources",
        "VND",
        clubs=_("Contributions to clubs count in the club's 2025 province."),
        kind=AMOUNT,
    ),
    Indicator(
        "report_completeness",
        _("Report completeness"),
        REPORTING,
        RATIO,
        "%",
        _("Clubs expected to report whose monthly report has been sent"),
        _("Clubs expected to report (active, launched by the end of the month)"),
        _("The last month of the period that has ended."),
        _("Clubs active today and launched by the end of the month."),
        "reported",
        "report_clubs",
        trend=False,
    ),
    Indicator(
        "report_timeliness",
        _("Report timeliness"),
        REPORTING,
        RATIO,
        "%",
        _("Clubs expected to report whose report was first sent by the due day"),
        _("Clubs expected to report"),
        _("The last month of the period that has ended."),
        _("Clubs active today and launched by the end of the month."),
        "reported_on_time",
        "report_clubs",
        trend=False,
    ),
]

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}


def get(code: str) -> Indicator | None:
    return BY_CODE.get(code)


def choices() -> list[tuple[str, str]]:
    return [(i.code, i.name) for i in INDICATORS]
