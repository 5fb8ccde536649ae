"""Demo monthly reports for the last twelve months in every state of the workflow, one report
sent back with a reason, a commune without association (the province approves directly), a club
that is late this month, and the rubric of last year with one grade set by hand."""

import datetime
import random

from django.utils import timezone

from ishc.activities.demo import months_back
from ishc.clubs.models import Club
from ishc.core.demo import DemoContext

from . import rubric
from .models import MonthlyReport, Transition, due_date
from .services import create_report, set_commune_setting, transition, update_narrative

DIFFICULTIES = [
    "Vốn quỹ tăng thu nhập còn ít so với nhu cầu vay của hội viên.",
    "Một số hội viên cao tuổi đi lại khó khăn, không dự sinh hoạt đều.",
    "Thiếu máy đo huyết áp dự phòng.",
    "Mưa lũ ảnh hưởng sản xuất của hội viên.",
]
PROPOSALS = [
    "Đề nghị UBND xã hỗ trợ thêm vốn cho quỹ tăng thu nhập.",
    "Đề nghị Hội NCT tỉnh tập huấn ghi chép sổ sách cho Ban chủ nhiệm.",
    "Đề nghị trạm y tế xã khám sức khỏe định kỳ cho hội viên.",
]


def build(ctx: DemoContext) -> None:
    o = ctx.objects
    if MonthlyReport.objects.filter(club=o["club"]).exists():
        return
    club_user, commune, province, central = (
        o["user_club"],
        o["user_commune"],
        o["user_province"],
        o["user_central"],
    )
    # Club B's commune association is not re-established yet: the province approves directly.
    if o["club_b"].commune_id:
        set_commune_setting(province, o["club_b"].commune, True)
    months = months_back(12)
    rng = random.Random(2026)
    plans = {
        # club key: (who submits, who approves at the commune, who at the province)
        "club": (club_user, commune, province),
        "club_b": (province, None, province),
        "club_c": (central, None, None),
        "club_d": (central, None, None),
    }
    for key, (submitter, commune_officer, province_officer) in plans.items():
        club = o[key]
        for i, month in enumerate(months):
            newest = i == len(months) - 1
            if newest and key == "club_d":
                continue  # late: nothing yet for last month
            report = create_report(submitter, club, month)
            update_narrative(
                submitter,
                report,
                difficulties=rng.choice(DIFFICULTIES),
                proposals=rng.choice(PROPOSALS),
                no_meeting_reason=(
                    ""
                    if club.meetings.filter(held_on__year=month.year, held_on__month=month.month)
                    else "Mùa vụ bận, hoãn sinh hoạt"
                ),
            )
            if newest and key == "club":
                continue  # still a draft
            _walk(report, submitter, commune_officer, province_officer, i, len(months), key, rng)
    year = months[-1].year
    rubric.compute(central, Club.objects.all(), year)
    result = o["club"].rubric_results.filter(year=year).first()
    if result is not None:
        rubric.override(
            province,
            result,
            "fair",
            "CLB duy trì tốt dù mưa lũ tháng 9; Hội NCT tỉnh đánh giá lại sau kiểm tra thực tế.",
        )


def _walk(report, submitter, commune_officer, province_officer, i, n, key, rng) -> None:
    """Take the report as far as its age suggests: old ones locked, recent ones on the way."""
    report = transition(submitter, report, "submit")
    # The demo is built in one go today; give the steps the dates they would have had, so that
    # timeliness and the timeline look real (demo data only: services always use today).
    sent = due_date(report.month) + datetime.timedelta(days=rng.choice([-4, -3, -1, 0, 0, 2, 6]))
    sent = min(sent, timezone.localdate())
    MonthlyReport.objects.filter(pk=report.pk).update(first_submitted_on=sent)
    if key == "club" and i == n - 4:
        report = transition(
            commune_officer, report, "reject", "Chưa ghi số hội viên được đo huyết áp."
        )
        report = transition(submitter, report, "submit")
    if commune_officer and i < n - 1:
        report = transition(commune_officer, report, "approve")
    if province_officer and i < n - 2 and (commune_officer is None or report.status != "submitted"):
        report = transition(province_officer, report, "approve")
        if i < n - 4:
            report = transition(province_officer, report, "lock")
    # Started two days before it was sent; each later step two days after the one before.
    at = timezone.make_aware(
        datetime.datetime.combine(sent, datetime.time(9))
    ) - datetime.timedelta(days=2)
    for step, t in enumerate(report.transitions.order_by("pk")):
        Transition.objects.filter(pk=t.pk).update(at=at + datetime.timedelta(days=step * 2))
