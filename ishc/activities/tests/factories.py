"""Small builders shared by the activities and reports tests (on top of the `world` fixture)."""

import datetime

from ishc.clubs.models import Member, Membership


def member(club, name, sex="F", born=1950, joined=datetime.date(2021, 1, 1), world=None, **kw):
    m = Member.objects.create(
        club=club,
        full_name=name,
        sex=sex,
        birth_year=born,
        ethnicity_id=kw.pop("ethnicity_id", None) or _kinh(),
        **kw,
    )
    Membership.objects.create(member=m, club=club, joined_on=joined)
    return m


def _kinh():
    from ishc.geo.models import EthnicGroup

    return EthnicGroup.objects.get_or_create(code="01", defaults={"name": "Kinh"})[0].pk
