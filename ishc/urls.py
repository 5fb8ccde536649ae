from django.contrib import admin
from django.urls import include, path

from ishc.activities import views as activities_views
from ishc.api.v1 import api
from ishc.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("ishc.accounts.urls")),
    path("accounts/", include("ishc.api.urls")),
    path("units/", include("ishc.geo.urls")),
    path("audit/", include("ishc.audit.urls")),
    path("dashboard/", include("ishc.indicators.urls")),
    # The meeting-day flow lives under the club's URL (one tap from the club board's home); its
    # service worker is served from the root so that its scope covers the flow.
    path("clubs/<int:club_id>/meeting-day/", include("ishc.activities.meetingday_urls")),
    path("sw.js", activities_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", activities_views.manifest, name="manifest"),
    path("clubs/", include("ishc.clubs.urls")),
    path("finance/", include("ishc.finance.urls")),
    path("activities/", include("ishc.activities.urls")),
    path("reports/", include("ishc.reports.urls")),
    path("board/", include("ishc.board.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
