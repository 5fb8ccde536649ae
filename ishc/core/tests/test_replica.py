"""The read-replica router: dashboards and exports may read from the replica, a person's own
pages right after they wrote may not, the data versions and the cache never do, writes never."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve, reverse

from ishc.clubs.models import Club
from ishc.core import replica
from ishc.core.models import DataVersion
from ishc.core.replica import ReplicaMiddleware, ReplicaRouter

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def with_replica(settings):
    # The alias only has to be named for the router to choose it; no connection is opened.
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}


def through(request, view):
    """Run `view` behind the middleware; return where the router sends each read it makes."""
    seen = {}

    def get_response(request):  # Django's handler: process_view hooks, then the view
        middleware.process_view(request, view, (), {})
        router = ReplicaRouter()
        seen["club"] = router.db_for_read(Club)
        seen["version"] = router.db_for_read(DataVersion)
        seen["write"] = router.db_for_write(Club)
        return HttpResponse()

    middleware = ReplicaMiddleware(get_response)
    middleware(request)
    return seen


def dashboard_view():
    return resolve(reverse("indicators:nation")).func


def request(method="get", wrote_at=None):
    r = getattr(RequestFactory(), method)("/")
    r.session = {} if wrote_at is None else {replica.WROTE_AT: wrote_at}
    return r


def test_it_reads_a_dashboard_from_the_replica_but_versions_and_writes_from_the_primary(
    with_replica,
):
    seen = through(request(), dashboard_view())
    assert seen == {"club": "replica", "version": "default", "write": "default"}


def test_it_keeps_a_person_who_just_wrote_on_the_primary(with_replica):
    r = request("post")
    through(r, dashboard_view())
    assert replica.WROTE_AT in r.session  # every write is remembered
    seen = through(request(wrote_at=r.session[replica.WROTE_AT]), dashboard_view())
    assert seen["club"] is None  # the primary: their repayment shows at once
    assert through(request(wrote_at=1), dashboard_view())["club"] == "replica"  # long ago


def test_it_keeps_every_other_page_on_the_primary(with_replica):
    club_page = resolve(reverse("clubs:list")).func
    assert through(request(), club_page)["club"] is None
    # After the request the next one starts on the primary again.
    assert ReplicaRouter().db_for_read(Club) is None


def test_it_does_nothing_without_a_replica():
    assert through(request(), dashboard_view())["club"] is None


def test_it_marks_the_dashboards_and_their_exports():
    for name in ("indicators:nation", "indicators:nation_export", "indicators:nation_loans"):
        assert getattr(resolve(reverse(name)).func, "replica_ok", False), name
