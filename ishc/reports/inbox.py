"""What waits for an officer: reports for my decision, clubs late this month, reports sent back
and not re-sent, write-offs waiting for a second person, clubs whose commune is to confirm. Each
kind is one query in the user's scope; the home page shows the counts."""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ishc.accounts.permissions import LEVEL, can
from ishc.accounts.scope import editable, visible
from ishc.clubs.models import Club
from ishc.finance.models import WriteOff, WriteOffStatus

from . import services
from .figures import late_clubs
from .models import MonthlyReport, Status, Transition


@dataclass(frozen=True)
class Kind:
    code: str
    label: str


KINDS = [
    Kind("decide", gettext_lazy("Reports waiting for my decision")),
    Kind("late", gettext_lazy("Clubs late this month")),
    Kind("sent_back", gettext_lazy("Sent back, not re-sent yet")),
    Kind("write_offs", gettext_lazy("Write-offs waiting for a second person")),
    Kind("to_confirm", gettext_lazy("Clubs whose commune is to confirm")),
]


def report_month(today: datetime.date) -> datetime.date:
    """The month being reported: last month."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def querysets(user) -> dict[str, QuerySet | None]:
    """Each kind's rows for the user (None where the kind is not the user's to act on)."""
    today = timezone.localdate()
    out: dict[str, QuerySet | None] = dict.fromkeys([k.code for k in KINDS])
    if not can(user, "reports.submit"):
        return out
    level = LEVEL[user.role]
    reports = editable(user, MonthlyReport.objects.select_related("club", "club__commune"))
    if level > services.CLUB and level < services.CENTRAL:
        out["decide"] = (
            reports.exclude(status__in=[Status.DRAFT, Status.LOCKED])
            .filter(services.waiting_q(level))
            .order_by("month", "club__name")
        )
    clubs = visible(user, Club.objects.all())
    if level > services.CLUB:
        out["late"] = late_clubs(clubs, report_month(today), today).select_related("commune")
    last = Transition.objects.filter(report=OuterRef("pk")).order_by("-at", "-pk")
    out["sent_back"] = (
        reports.filter(status=Status.DRAFT)
        .alias(last_action=Subquery(last.values("action")[:1]))
        .filter(last_action="reject")
        .annotate(reason=Subquery(last.values("reason")[:1]))
        .order_by("month", "club__name")
    )
    if can(user, "finance.approve_write_off"):
        out["write_offs"] = (
            visible(user, WriteOff.objects.select_related("loan", "loan__club", "loan__member"))
            .filter(status=WriteOffStatus.PENDING)
            .exclude(requested_by=user)
            .order_by("requested_at")
        )
    if can(user, "clubs.confirm_commune"):
        out["to_confirm"] = clubs.filter(commune__isnull=True).order_by("name")
    return out


def counts(user) -> list[dict]:
    """[{kind, count, url}] for the kinds that are the user's, one COUNT query each."""
    base = reverse("reports:inbox")
    mine = querysets(user)
    return [
        {"kind": k, "count": mine[k.code].count(), "url": f"{base}?kind={k.code}"}
        for k in KINDS
        if mine[k.code] is not None
    ]
