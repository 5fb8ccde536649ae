"""The capability table (ishc.accounts.permissions): role × scope, one object at a time."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from ishc.accounts import permissions
from ishc.accounts.models import Role
from ishc.accounts.permissions import CAPABILITIES, can, require


def test_it_gives_a_club_board_its_own_club_and_nothing_else(world):
    assert can(world.club, "finance.record", world.A)
    assert not can(world.club, "finance.record", world.B)
    assert not can(world.club, "finance.approve_write_off", world.A)
    assert not can(world.club, "clubs.create")


def test_it_gives_a_read_only_viewer_nothing(world):
    for name in CAPABILITIES:
        assert not can(world.viewer, name), name
        assert not can(world.viewer, name, world.A), name


def test_it_gives_a_user_without_an_area_nothing(world):
    for name in CAPABILITIES:
        assert not can(world.nobody, name), name


def test_it_refuses_an_officer_outside_her_area(world):
    assert can(world.commune, "clubs.edit", world.A)
    assert not can(world.commune, "clubs.edit", world.B)
    assert not can(world.outsider, "clubs.edit", world.A)
    assert can(world.outsider, "clubs.edit", world.C)
    assert can(world.province, "indicators.edit_targets", world.c2)
    assert not can(world.province, "indicators.edit_targets", world.c3)


def test_it_keeps_money_with_the_club_and_decisions_with_the_officers(world):
    assert not can(world.commune, "finance.record", world.A)
    assert can(world.commune, "finance.approve_write_off", world.A)
    assert can(world.central, "finance.record", world.C)


def test_it_lets_a_board_member_edit_only_her_agencys_tasks(world):
    from ishc.board.models import Agency, BoardMember, Task

    health = Agency.objects.create(name="Bộ Y tế")
    labour = Agency.objects.create(name="Bộ LĐTBXH")
    BoardMember.objects.create(
        full_name="Board", agency=health, user=world.board, term_start="2024-01-01"
    )
    mine = Task.objects.create(title="Mine", year=2025, responsible=health, deadline="2025-12-31")
    other = Task.objects.create(title="Other", year=2025, responsible=labour, deadline="2025-12-31")
    assert can(world.board, "board.edit_task", mine)
    assert not can(world.board, "board.edit_task", other)
    assert can(world.board, "board.note_task", other, supporting_ids={health.pk})
    assert not can(world.board, "board.admin")
    assert can(world.central, "board.edit_task", other)
    assert not can(world.province, "board.edit_task", mine)


def test_it_refuses_in_vietnamese_with_the_reason(world):
    with translation.override("vi"):
        with pytest.raises(PermissionDenied) as refused:
            require(world.viewer, "finance.record", world.A)
        assert "Người xem" in str(refused.value)
        with pytest.raises(PermissionDenied) as refused:
            require(world.club, "finance.record", world.B)
        assert str(refused.value) == "Việc này nằm ngoài địa bàn của bạn."


def test_it_refuses_an_unknown_capability_loudly(world):
    with pytest.raises(KeyError):
        can(world.central, "finance.recrod")


def test_it_never_lets_a_role_hand_out_a_role_at_or_above_its_own(world):
    order = [Role.ADMIN, Role.CENTRAL, Role.PROVINCE, Role.COMMUNE, Role.CLUB]
    for manager_role, allowed in permissions.MANAGES.items():
        if manager_role == Role.ADMIN:
            continue
        mine = order.index(manager_role)
        assert all(r not in order or order.index(r) > mine for r in allowed), manager_role


def test_it_keeps_the_docs_matrix_generated_from_the_table():
    doc = (Path(__file__).resolve().parents[3] / "docs" / "architecture.md").read_text()
    start, end = "<!-- capability matrix: start -->\n", "<!-- capability matrix: end -->"
    assert start in doc and end in doc, "docs/architecture.md lacks the matrix markers"
    generated = doc.split(start, 1)[1].split(end, 1)[0]
    assert generated == permissions.matrix_markdown(), (
        "docs/architecture.md differs from the table: run `manage.py capability_matrix --write`"
    )
