"""Counts of meetings, health checks, activities and home care for any set of clubs, grouped by
club, commune or province, for the monthly report, the dashboards and the rubric.

Every function runs a fixed number of SQL queries whatever the number of clubs (pinned in
tests): counts are grouped in the database, never gathered per club in Python.

`group_by` is a lookup from a club-owned row to the grouping key: "club_id", "club__commune_id",
"club__province_id", or None for one total.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth

from ishc.clubs.models import VolunteerKind, VolunteerRole

from .models import (
    ActivityRecord,
    AreaStandard,
    CaredPerson,
    Kind,
    Measure,
    Meeting,
    Period,
    Reading,
    Visit,
    active_on_q,
    bp_flag_q,
)

GROUPS = ("club_id", "club__commune_id", "club__province_id", None)

FIGURES = (
    "meetings",
    "members_measured",
    "readings_flagged",
    "self_help",
    "entitlement",
    "dialogues",
    "proposals",
    "proposals_resolved",
    "communication",
    "exchanges",
    "community_work",
    "fundraising",
    "home_care_volunteers",
    "people_cared_for",
    "visits",
)
EMPTY = dict.fromkeys(FIGURES, 0)


def _key(group_by: str | None, path: str) -> str | None:
    """The grouping lookup seen from a model whose club is at `path` (e.g. "meeting__club")."""
    if group_by is None:
        return None
    if group_by not in GROUPS:
        raise ValueError(f"unknown grouping {group_by!r}")
    return path + group_by[len("club") :]


def _grouped(qs: QuerySet, key: str | None, **aggregates) -> dict:
    if key is None:
        return {None: qs.aggregate(**aggregates)}
    return {row.pop("k"): row for row in qs.values(k=F(key)).order_by().annotate(**aggregates)}


def activity_figures(
    clubs: QuerySet, start: datetime.date, end: datetime.date, group_by: str | None = None
) -> dict:
    """{group key: {figure: count}} for the period [start, end] (both days included).

    Home-care volunteers (volunteer roles of the clubs app) and people cared for are those
    serving or cared for on `end`. Groups with nothing
    recorded are absent: read them with `.get(key, EMPTY)`. Six queries in all.
    """
    parts = [
        _grouped(
            Meeting.objects.filter(club__in=clubs, held_on__range=(start, end)),
            _key(group_by, "club"),
            meetings=Count("pk"),
        ),
        _grouped(
            Reading.objects.filter(
                meeting__club__in=clubs,
                meeting__held_on__range=(start, end),
                systolic__isnull=False,
            ),
            _key(group_by, "meeting__club"),
            members_measured=Count("member_id", distinct=True),
            readings_flagged=Count("pk", filter=bp_flag_q()),
        ),
        _grouped(
            ActivityRecord.objects.filter(club__in=clubs, on__range=(start, end)),
            _key(group_by, "club"),
            self_help=Count("pk", filter=Q(kind=Kind.SELF_HELP)),
            entitlement=Count("pk", filter=Q(kind=Kind.ENTITLEMENT)),
            dialogues=Count("pk", filter=Q(kind=Kind.DIALOGUE)),
            proposals=Sum("proposals", filter=Q(kind=Kind.DIALOGUE)),
            proposals_resolved=Sum("proposals_resolved", filter=Q(kind=Kind.DIALOGUE)),
            communication=Count("pk", filter=Q(kind=Kind.COMMUNICATION)),
            exchanges=Count("pk", filter=Q(kind=Kind.EXCHANGE)),
            community_work=Count("pk", filter=Q(kind=Kind.COMMUNITY_WORK)),
            fundraising=Count("pk", filter=Q(kind=Kind.FUNDRAISING)),
        ),
        _grouped(
            VolunteerRole.objects.on(end).filter(kind=VolunteerKind.HOME_CARE, club__in=clubs),
            _key(group_by, "club"),
            home_care_volunteers=Count("pk"),
        ),
        _grouped(
            CaredPerson.objects.filter(active_on_q(end), club__in=clubs),
            _key(group_by, "club"),
            people_cared_for=Count("pk"),
        ),
        _grouped(
            Visit.objects.filter(person__club__in=clubs, on__range=(start, end)),
            _key(group_by, "person__club"),
            visits=Count("pk"),
        ),
    ]
    result: dict = {}
    for part in parts:
        for key, values in part.items():
            row = result.setdefault(key, dict(EMPTY))
            row.update({k: v or 0 for k, v in values.items()})
    if group_by is None:
        result.setdefault(None, dict(EMPTY))
    return result


def expected_visits(minimum_per_week: int, start: datetime.date, end: datetime.date) -> int:
    """Visits one person should get in [start, end] at `minimum_per_week`, rounded."""
    days = (end - start).days + 1
    return round(minimum_per_week * days / 7)


# Month-period measures: (model, date field, club path, extra filter)
_MONTHLY = {
    Measure.MEETINGS_WITH_TOPIC: (Meeting, "held_on", ~Q(topic="")),
    Measure.BP_MEETINGS: (Meeting, "held_on", Q(readings__systolic__isnull=False)),
    Measure.SELF_HELP: (ActivityRecord, "on", Q(kind=Kind.SELF_HELP)),
    Measure.COMMUNITY_WORK: (ActivityRecord, "on", Q(kind=Kind.COMMUNITY_WORK)),
}
_YEARLY = {
    Measure.COMMUNICATION: Q(kind=Kind.COMMUNICATION),
    Measure.ENTITLEMENT: Q(kind=Kind.ENTITLEMENT),
    Measure.DIALOGUES: Q(kind=Kind.DIALOGUE),
    Measure.EXCHANGES: Q(kind=Kind.EXCHANGE),
    Measure.FUNDRAISING: Q(kind=Kind.FUNDRAISING),
}


def measure_year(clubs: QuerySet, year: int, months_needed: int) -> dict:
    """{club id: [(standard, value, met)]} for every standard of an area in use, for `year`.

    A monthly standard is met for the year when it was met in at least `months_needed` months;
    its value is that number of months. A fixed number of queries (one per monthly measure plus
    four).
    """
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    standards = list(AreaStandard.objects.filter(area__active=True).select_related("area"))
    values: dict[int, dict[str, float]] = defaultdict(dict)
    for standard in standards:
        if standard.measure in _MONTHLY:
            model, field, extra = _MONTHLY[standard.measure]
            rows = (
                model.objects.filter(extra, club__in=clubs, **{f"{field}__year": year})
                .values("club_id", m=ExtractMonth(field))
                .order_by()
                .annotate(n=Count("pk", distinct=True))
            )
            months: dict[int, int] = defaultdict(int)
            for row in rows:
                months[row["club_id"]] += row["n"] >= standard.minimum
            for club_id, n in months.items():
                values[club_id][standard.measure] = n
    yearly = (
        ActivityRecord.objects.filter(club__in=clubs, on__year=year)
        .values("club_id")
        .order_by()
        .annotate(
            **{m: Count("pk", filter=q) for m, q in _YEARLY.items()},
            proposals_resolved=Sum("proposals_resolved", filter=Q(kind=Kind.DIALOGUE)),
        )
    )
    for row in yearly:
        club_id = row.pop("club_id")
        values[club_id].update({k: v or 0 for k, v in row.items()})
    for row in (
        VolunteerRole.objects.on(end)
        .filter(club__in=clubs, kind__in=[VolunteerKind.HOME_CARE, VolunteerKind.ECONOMIC])
        .values("club_id", "kind")
        .order_by()
        .annotate(n=Count("member_id", distinct=True))
    ):
        measure = (
            Measure.HOME_CARE_VOLUNTEERS
            if row["kind"] == VolunteerKind.HOME_CARE
            else Measure.ECONOMIC_VOLUNTEERS
        )
        values[row["club_id"]][measure] = row["n"]
    # Visits per person cared for per week: visits of the year over the people cared for at the
    # end of the year times the weeks of the year. People who joined the list late make it look
    # lower than it was; the home-care page shows the exact frequency per person.
    people = dict(
        CaredPerson.objects.filter(active_on_q(end), club__in=clubs)
        .values_list("club_id")
        .order_by()
        .annotate(n=Count("pk"))
    )
    visits = dict(
        Visit.objects.filter(person__club__in=clubs, on__range=(start, end))
        .values_list("person__club_id")
        .order_by()
        .annotate(n=Count("pk"))
    )
    for club_id, n in people.items():
        values[club_id][Measure.HOME_CARE_VISITS] = round(visits.get(club_id, 0) / (n * 52), 2)

    result: dict[int, list] = {}
    for club_id in clubs.values_list("pk", flat=True):
        rows = []
        for standard in standards:
            if standard.measure == Measure.HOME_CARE_VISITS and club_id not in people:
                # Nobody in need of home care: the visit standard has nothing to apply to.
                rows.append((standard, None, True))
                continue
            value = values[club_id].get(standard.measure, 0)
            needed = months_needed if standard.period == Period.MONTH else standard.minimum
            rows.append((standard, value, value >= needed))
        result[club_id] = rows
    return result
