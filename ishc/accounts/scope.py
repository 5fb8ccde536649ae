"""The one place that decides what a user may see and change.

Every query for user-visible data goes through `visible()` or `editable()` (or the *_or_404
helpers built on them). A model says how it reaches its club with a `SCOPE_CLUB` attribute (""
for Club itself, "club" for Member, "loan__club" for a repayment …) or how it reaches a 2025 unit
with `SCOPE_UNIT`; a model with both is scoped through its club when it has one, else through its
unit (a contribution given to a club or to a commune). Two more flags widen what is *seen*, never
what is changed:

- `SCOPE_NATIONAL = True`: objects tied to no unit are national and seen by everyone with a scope;
- `SCOPE_INHERITED = True`: objects of the units above the user's are seen too, so that a
  province's guidance reaches its communes and clubs.

Nothing here knows how many levels the hierarchy has beyond "province holds communes holds
clubs", and no view filters by unit itself.

An object outside the scope answers 404, never 403, so that a URL reveals nothing about whether
it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import READ_ONLY_ROLES, User

_NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    national: bool
    province_ids: frozenset[int]
    commune_ids: frozenset[int]
    club_ids: frozenset[int]
    can_enter: bool
    role: str

    @property
    def empty(self) -> bool:
        return not (self.national or self.province_ids or self.commune_ids or self.club_ids)

    def club_q(self, path: str = "") -> Q:
        """Q for objects whose club (reached through `path`) lies in this scope."""
        if self.national:
            return Q()
        p = f"{path}__" if path else ""
        q = _NOTHING
        if self.province_ids:
            q |= Q(**{f"{p}province_id__in": self.province_ids})
        if self.commune_ids:
            q |= Q(**{f"{p}commune_id__in": self.commune_ids})
        if self.club_ids:
            q |= Q(**{f"{p}{'pk' if not path else 'id'}__in": self.club_ids})
        return q

    def unit_q(
        self, path: str = "unit", national_objects: bool = False, inherited: bool = False
    ) -> Q:
        """Q for objects tied to a 2025 unit (reached through `path`) inside this scope.

        With national_objects, objects tied to no unit (national ones) are visible to everybody
        with a scope, as national guidance is meant for every level. With inherited, objects of
        the units above the user's (the province of an assigned commune or club, the commune of
        an assigned club) are visible too.
        """
        if self.national:
            return Q()
        q = _NOTHING
        if self.province_ids:
            q |= Q(**{f"{path}_id__in": self.province_ids})
            q |= Q(**{f"{path}__province_id__in": self.province_ids})
        if self.commune_ids:
            q |= Q(**{f"{path}_id__in": self.commune_ids})
        if national_objects and not self.empty:
            q |= Q(**{f"{path}__isnull": True})
        if inherited and (self.commune_ids or self.club_ids):
            q |= Q(**{f"{path}_id__in": self._units_above()})
        return q

    def _units_above(self) -> list[int]:
        from ishc.clubs.models import Club
        from ishc.geo.models import Unit

        above = set(
            Unit.objects.filter(pk__in=self.commune_ids).values_list("province_id", flat=True)
        )
        for province_id, commune_id in Club.objects.filter(pk__in=self.club_ids).values_list(
            "province_id", "commune_id"
        ):
            above.update(u for u in (province_id, commune_id) if u)
        return sorted(above)


ANONYMOUS = Scope(False, frozenset(), frozenset(), frozenset(), False, "")
# The whole country as an area, for work done on no one's behalf (manage.py warm_figures): the
# shared cache keys a national area by its data versions alone, whoever looks at it.
NATIONAL = Scope(True, frozenset(), frozenset(), frozenset(), False, "")


def scope_of(user: User) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    if not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_ishc_scope", None)
    if cached is not None:
        return cached
    national = False
    provinces, communes, clubs = set(), set(), set()
    for unit_id, level, club_id in user.assignments.values_list(
        "unit_id", "unit__level", "club_id"
    ):
        if club_id:
            clubs.add(club_id)
        elif unit_id is None:
            national = True
        elif level == "province":
            provinces.add(unit_id)
        else:
            communes.add(unit_id)
    scope = Scope(
        national=national,
        province_ids=frozenset(provinces),
        commune_ids=frozenset(communes),
        club_ids=frozenset(clubs),
        can_enter=user.role not in READ_ONLY_ROLES,
        role=user.role,
    )
    user._ishc_scope = scope  # type: ignore[attr-defined]
    return scope


def _filter(
    scope: Scope, qs: QuerySet, for_edit: bool = False, inherited: bool | None = None
) -> QuerySet:
    model = qs.model
    club_path = getattr(model, "SCOPE_CLUB", None)
    unit_path = getattr(model, "SCOPE_UNIT", None)
    if inherited is None:
        inherited = getattr(model, "SCOPE_INHERITED", False)
    if unit_path is not None:
        unit_q = scope.unit_q(
            unit_path,
            national_objects=not for_edit and getattr(model, "SCOPE_NATIONAL", False),
            inherited=not for_edit and inherited,
        )
    if club_path is not None and unit_path is not None:
        return qs.filter(
            (Q(**{f"{club_path}__isnull": False}) & scope.club_q(club_path))
            | (Q(**{f"{club_path}__isnull": True}) & unit_q)
        )
    if club_path is not None:
        return qs.filter(scope.club_q(club_path))
    if unit_path is not None:
        return qs.filter(unit_q)
    if model._meta.label == "geo.Unit":
        return qs.filter(_unit_self_q(scope))
    raise TypeError(f"{model.__name__} declares neither SCOPE_CLUB nor SCOPE_UNIT")


def _unit_self_q(scope: Scope) -> Q:
    if scope.national:
        return Q()
    q = _NOTHING
    if scope.province_ids:
        q |= Q(pk__in=scope.province_ids) | Q(province_id__in=scope.province_ids)
    if scope.commune_ids:
        q |= Q(pk__in=scope.commune_ids)
    return q


def visible(user: User, qs: QuerySet, inherited: bool | None = None) -> QuerySet:
    """What the user may see of `qs`. `inherited` overrides the model's SCOPE_INHERITED for one
    use, e.g. a club recording its share of its province's allocation must see that allocation."""
    return _filter(scope_of(user), qs, inherited=inherited)


def editable(user: User, qs: QuerySet) -> QuerySet:
    """What the user may change of `qs`: their scope, if their role enters data at all."""
    scope = scope_of(user)
    if not scope.can_enter:
        return qs.none()
    return _filter(scope, qs, for_edit=True)


def visible_or_404(user: User, qs: QuerySet, **lookup) -> Model:
    try:
        return visible(user, qs).get(**lookup)
    except (qs.model.DoesNotExist, ValueError):
        raise Http404 from None


def editable_or_404(user: User, qs: QuerySet, **lookup) -> Model:
    try:
        return editable(user, qs).get(**lookup)
    except (qs.model.DoesNotExist, ValueError):
        raise Http404 from None


def manageable_roles(user: User) -> list[str]:
    """The roles the user may hand out; decided in ishc.accounts.permissions."""
    from .permissions import manageable_roles as roles

    return roles(user)


def _assignment_inside_q(scope: Scope) -> Q:
    return scope.unit_q("unit") | (Q(club__isnull=False) & scope.club_q("club"))


def manageable_users(user: User) -> QuerySet:
    """People the user may add, reset and deactivate: of a role below theirs, with every
    assignment inside their scope (someone also assigned elsewhere belongs to a higher level),
    and never a superuser or staff account."""
    from .models import Assignment

    scope = scope_of(user)
    roles = manageable_roles(user)
    if not roles or scope.empty:
        return User.objects.none()
    # Superusers and staff are outside every officer's reach, whatever role they carry: they
    # are managed only from the command line or by another superuser in the admin.
    qs = User.objects.filter(role__in=roles, is_superuser=False, is_staff=False).exclude(pk=user.pk)
    if scope.national:
        return qs
    inside = _assignment_inside_q(scope)
    return qs.filter(pk__in=Assignment.objects.filter(inside).values("user_id")).exclude(
        pk__in=Assignment.objects.exclude(inside).values("user_id")
    )


def scope_name(user: User) -> str:
    """The units a user sees, in words, for the title of a list that covers the whole scope (an
    export of "all my clubs" names whose clubs they are)."""
    from ishc.clubs.models import Club
    from ishc.geo.models import Unit

    scope = scope_of(user)
    if scope.national:
        return str(_("Whole country"))
    names = list(
        Unit.objects.filter(pk__in=scope.province_ids | scope.commune_ids)
        .order_by("level", "name")
        .values_list("name", flat=True)
    )
    names += (
        Club.objects.filter(pk__in=scope.club_ids).order_by("name").values_list("name", flat=True)
    )
    return ", ".join(names)
