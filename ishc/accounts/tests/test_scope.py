import pytest
from django.http import Http404

from ishc.accounts.scope import editable, editable_or_404, scope_of, visible, visible_or_404
from ishc.clubs.models import Club, Member
from ishc.geo.models import Unit


def _names(user, qs=None):
    return set(
        visible(user, qs if qs is not None else Club.objects.all()).values_list("name", flat=True)
    )


def test_it_gives_each_role_its_subtree(world):
    assert _names(world.central) == {"CLB A", "CLB B", "CLB C"}
    assert _names(world.board) == {"CLB A", "CLB B", "CLB C"}
    assert _names(world.province) == {"CLB A", "CLB B"}
    assert _names(world.viewer) == {"CLB A", "CLB B"}
    assert _names(world.commune) == {"CLB A"}
    assert _names(world.club) == {"CLB A"}
    assert _names(world.outsider) == {"CLB C"}
    assert _names(world.nobody) == set()


def test_it_separates_viewing_from_entering(world):
    clubs = Club.objects.all()
    assert set(editable(world.central, clubs)) == {world.A, world.B, world.C}
    assert set(editable(world.province, clubs)) == {world.A, world.B}
    assert set(editable(world.club, clubs)) == {world.A}
    assert not editable(world.board, clubs).exists()
    assert not editable(world.viewer, clubs).exists()
    assert scope_of(world.board).can_enter is False


def test_it_follows_the_path_to_the_club(world):
    a = Member.objects.create(
        club=world.A, full_name="Bà A", sex="F", birth_year=1950, ethnicity=world.kinh
    )
    Member.objects.create(
        club=world.C, full_name="Ông C", sex="M", birth_year=1960, ethnicity=world.kinh
    )
    assert list(visible(world.commune, Member.objects.all())) == [a]
    assert visible(world.outsider, Member.objects.all()).get().full_name == "Ông C"


def test_it_answers_404_for_a_club_of_another_province(world):
    assert visible_or_404(world.commune, Club.objects, pk=world.A.pk) == world.A
    with pytest.raises(Http404):
        visible_or_404(world.outsider, Club.objects, pk=world.A.pk)
    with pytest.raises(Http404):
        editable_or_404(world.viewer, Club.objects, pk=world.A.pk)
    with pytest.raises(Http404):
        visible_or_404(world.club, Club.objects, pk="not-a-number")


def test_it_scopes_units_to_the_assigned_subtree(world):
    assert set(visible(world.province, Unit.objects.all())) == {world.P, world.c1, world.c2}
    assert set(visible(world.commune, Unit.objects.all())) == {world.c1}
    assert visible(world.central, Unit.objects.all()).count() == 5
    assert not visible(world.nobody, Unit.objects.all()).exists()


def test_it_refuses_a_model_that_does_not_say_how_to_scope(world):
    from axes.models import AccessAttempt

    with pytest.raises(TypeError):
        visible(world.central, AccessAttempt.objects.all())
