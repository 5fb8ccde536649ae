import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ishc.audit.models import AuditEntry
from ishc.clubs.models import Club
from ishc.reports.models import CommuneSetting, MonthlyReport, Status
from ishc.reports.services import (
    CENTRAL,
    PROVINCE,
    available_actions,
    blocked_reasons,
    create_report,
    set_commune_setting,
    transition,
    update_narrative,
    waiting_for,
)

from .conftest import MONTH


def _refused(user, report, action, match, reason=""):
    before = MonthlyReport.objects.get(pk=report.pk).status
    transitions = report.transitions.count()
    with pytest.raises(ValidationError, match=match):
        transition(user, report, action, reason)
    assert MonthlyReport.objects.get(pk=report.pk).status == before
    assert report.transitions.count() == transitions


def test_it_goes_all_the_way_up_and_locks(world, report):
    r = transition(world.club, report, "submit")
    assert r.status == Status.SUBMITTED
    assert r.figures["meetings"] == 1 and r.figures["attendances"] == 1
    assert r.first_submitted_on == datetime.date(2026, 4, 3) and r.on_time
    r = transition(world.commune, r, "approve")
    assert r.status == Status.COMMUNE_APPROVED
    r = transition(world.province, r, "approve")
    assert r.status == Status.PROVINCE_APPROVED
    r = transition(world.province, r, "lock")
    assert r.status == Status.LOCKED
    steps = list(r.transitions.values_list("action", "to_status", "user__username"))
    assert steps == [
        ("create", Status.DRAFT, "club"),
        ("submit", Status.SUBMITTED, "club"),
        ("approve", Status.COMMUNE_APPROVED, "commune"),
        ("approve", Status.PROVINCE_APPROVED, "province"),
        ("lock", Status.LOCKED, "province"),
    ]
    actions = AuditEntry.objects.filter(object_id=str(r.pk), action__startswith="reports.report.")
    assert actions.filter(action="reports.report.approve").count() == 2
    assert actions.filter(action="reports.report.lock").exists()


def test_it_is_rejected_with_a_reason_corrected_and_resubmitted(world, report, today):
    r = transition(world.club, report, "submit")
    _refused(world.commune, r, "reject", "reason")
    r = transition(world.commune, r, "reject", "Thiếu số liệu cho vay")
    assert r.status == Status.DRAFT and r.figures == {}
    assert r.transitions.last().reason == "Thiếu số liệu cho vay"
    update_narrative(world.club, r, proposals="Đã bổ sung")
    today(datetime.date(2026, 4, 20))
    r = transition(world.club, r, "submit")
    # Timeliness is judged on the first submission.
    assert r.first_submitted_on == datetime.date(2026, 4, 3) and r.on_time


def test_it_lists_every_empty_required_field_on_submission(world, today):
    r = create_report(world.club, world.A, MONTH)
    with pytest.raises(ValidationError) as e:
        transition(world.club, r, "submit")
    message = e.value.messages[0]
    assert "difficulties" in message and "proposals" in message and "meeting" in message
    assert MonthlyReport.objects.get(pk=r.pk).status == Status.DRAFT
    update_narrative(world.club, r, difficulties="-", proposals="-", no_meeting_reason="Lũ lụt")
    assert transition(world.club, r, "submit").status == Status.SUBMITTED


def test_it_refuses_skipping_a_level(world, report):
    _refused(world.commune, report, "approve", "cannot be")  # a draft
    r = transition(world.club, report, "submit")
    _refused(world.province, r, "approve", "commune association")
    _refused(world.central, r, "approve", "commune association")
    _refused(world.club, r, "approve", "commune association")
    r = transition(world.commune, r, "approve")
    _refused(world.commune, r, "approve", "province association")
    _refused(world.commune, r, "lock", "cannot be")
    _refused(world.central, r, "approve", "province association")


def test_it_refuses_acting_outside_ones_area_or_read_only(world, report):
    r = transition(world.club, report, "submit")
    _refused(world.outsider, r, "approve", "outside your area")
    _refused(world.viewer, r, "approve", "outside your area")
    _refused(world.board, r, "approve", "outside your area")


def test_it_reopens_a_locked_report_only_above_the_province_with_a_reason(world, report):
    r = transition(world.club, report, "submit")
    r = transition(world.commune, r, "approve")
    r = transition(world.province, r, "approve")
    r = transition(world.province, r, "lock")
    _refused(world.province, r, "reopen", "central association")
    _refused(world.commune, r, "reopen", "central association")
    _refused(world.central, r, "reopen", "reason")
    _refused(world.province, r, "reject", "cannot be")
    r = transition(world.central, r, "reopen", "Sai số thành viên")
    assert r.status == Status.DRAFT
    assert AuditEntry.objects.get(action="reports.report.reopen").data["reason"] == (
        "Sai số thành viên"
    )


def test_it_lets_the_province_send_back_what_the_commune_approved(world, report):
    r = transition(world.club, report, "submit")
    r = transition(world.commune, r, "approve")
    _refused(world.commune, r, "reject", "province association")
    r = transition(world.province, r, "reject", "Số liệu quỹ chưa khớp")
    assert r.status == Status.DRAFT


def test_it_lets_the_province_approve_directly_where_no_commune_association_exists(world, report):
    set_commune_setting(world.province, world.c1, True)
    r = transition(world.club, report, "submit")
    _refused(world.commune, r, "approve", "province association")
    assert [a.code for a in available_actions(world.province, r)] == ["approve", "reject"]
    r = transition(world.province, r, "approve")
    assert r.status == Status.PROVINCE_APPROVED


def test_it_lets_only_the_province_change_the_commune_setting(world):
    with pytest.raises(PermissionDenied):
        set_commune_setting(world.commune, world.c1, True)
    assert not CommuneSetting.objects.exists()
    set_commune_setting(world.province, world.c1, True)
    assert AuditEntry.objects.filter(action="reports.commune_setting.changed").exists()


def test_it_refuses_a_second_report_a_future_month_or_before_founding(world, report, today):
    with pytest.raises(ValidationError, match="already has a report"):
        create_report(world.club, world.A, MONTH)
    with pytest.raises(ValidationError, match="future month"):
        create_report(world.club, world.A, datetime.date(2026, 5, 1))
    with pytest.raises(ValidationError, match="not founded"):
        create_report(world.club, world.A, datetime.date(2020, 11, 1))
    assert MonthlyReport.objects.count() == 1


def test_it_refuses_changes_to_a_report_that_is_not_a_draft(world, report):
    r = transition(world.club, report, "submit")
    with pytest.raises(ValidationError, match="Only a draft"):
        update_narrative(world.club, r, difficulties="changed")


def test_it_offers_each_user_only_their_own_step(world, report):
    assert [a.code for a in available_actions(world.club, report)] == ["submit"]
    assert [a.code for a in available_actions(world.outsider, report)] == []
    r = transition(world.club, report, "submit")
    assert [a.code for a in available_actions(world.commune, r)] == ["approve", "reject"]
    assert available_actions(world.province, r) == []
    assert available_actions(world.viewer, r) == []


def _unconfirm(club):
    # The resolver left the 2025 commune empty: the club waits in its province's "to confirm"
    # list, as club 08-00003 did.
    Club.objects.filter(pk=club.pk).update(commune=None)
    club.refresh_from_db()


def test_it_lets_the_province_approve_a_club_whose_commune_is_not_confirmed(world, report):
    _unconfirm(world.A)
    r = transition(world.club, report, "submit")
    assert [a.code for a in available_actions(world.commune, r)] == []
    assert [a.code for a in available_actions(world.province, r)] == ["approve", "reject"]
    _refused(world.commune, r, "approve", "outside your area")
    r = transition(world.province, r, "approve")
    assert r.status == Status.PROVINCE_APPROVED
    assert waiting_for(r) == PROVINCE  # the lock


@pytest.mark.parametrize("state", ["confirmed", "unconfirmed", "no association", "no officer"])
def test_it_gives_every_submitted_report_exactly_one_approver(world, report, state):
    if state == "unconfirmed":
        _unconfirm(world.A)
    elif state == "no association":
        CommuneSetting.objects.create(commune=world.c1, province_approves_directly=True)
    elif state == "no officer":
        world.commune.assignments.all().delete()
    r = transition(world.club, report, "submit")
    officers = [world.commune, world.province, world.central, world.outsider, world.viewer]
    approvers = [u.username for u in officers if "approve" in _codes(u, r)]
    expected = {"confirmed": ["commune"], "no officer": []}.get(state, ["province"])
    assert approvers == expected
    assert bool(blocked_reasons(world.A)) == (state in ("unconfirmed", "no officer"))


def _codes(user, report):
    return [a.code for a in available_actions(user, report)]


def test_it_says_who_may_reopen_a_locked_report(world, report):
    r = transition(world.club, report, "submit")
    r = transition(world.commune, r, "approve")
    r = transition(world.province, r, "approve")
    r = transition(world.province, r, "lock")
    assert waiting_for(r) == CENTRAL
    assert _codes(world.province, r) == [] and _codes(world.central, r) == ["reopen"]
