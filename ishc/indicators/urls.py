from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.home, name="dashboard"),
    path("nation/", views.dashboard, {"level": "nation"}, name="nation"),
    path("nation/loans/", views.loans, {"level": "nation"}, name="nation_loans"),
    path("province/<int:pk>/", views.dashboard, {"level": "province"}, name="province"),
    path("commune/<int:pk>/", views.dashboard, {"level": "commune"}, name="commune"),
    path("club/<int:pk>/", views.dashboard, {"level": "club"}, name="club"),
    path("nation/report/", views.report, {"level": "nation"}, name="nation_report"),
    path("province/<int:pk>/report/", views.report, {"level": "province"}, name="province_report"),
    path("commune/<int:pk>/report/", views.report, {"level": "commune"}, name="commune_report"),
    path("club/<int:pk>/report/", views.report, {"level": "club"}, name="club_report"),
    path("nation/export.xlsx", views.export, {"level": "nation"}, name="nation_export"),
    path(
        "province/<int:pk>/export.xlsx", views.export, {"level": "province"}, name="province_export"
    ),
    path("commune/<int:pk>/export.xlsx", views.export, {"level": "commune"}, name="commune_export"),
    path("club/<int:pk>/export.xlsx", views.export, {"level": "club"}, name="club_export"),
    path("indicators/", views.indicator_list, name="catalogue"),
    path("targets/", views.target_list, name="targets"),
    path("targets/new/", views.target_new, name="target_new"),
    path("targets/import/", views.target_import, name="target_import"),
    path(
        "targets/import/<str:token>/confirm/",
        views.target_import_confirm,
        name="target_import_confirm",
    ),
    path("targets/template.xlsx", views.target_template, name="target_template"),
]
