from django.contrib import admin
from django.urls import include, path

from ishc.api.v1 import api
from ishc.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("ishc.accounts.urls")),
    path("units/", include("ishc.geo.urls")),
    path("audit/", include("ishc.audit.urls")),
    path("dashboard/", include("ishc.indicators.urls")),
    path("clubs/", include("ishc.clubs.urls")),
    path("finance/", include("ishc.finance.urls")),
    path("activities/", include("ishc.activities.urls")),
    path("reports/", include("ishc.reports.urls")),
    path("board/", include("ishc.board.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
