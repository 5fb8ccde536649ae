from django.urls import path

from . import books, views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("late/", views.late, name="late"),
    path("inbox/", views.inbox_view, name="inbox"),
    path("communes/", views.communes, name="communes"),
    path("period/", views.period, name="period"),
    path("period/print/", books.period, name="print_period"),
    path("rubric/", views.rubric_view, name="rubric"),
    path("rubric/<int:club_id>/<int:year>/", views.rubric_club, name="rubric_club"),
    path("club/<int:club_id>/", views.club, name="club"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/print/", books.monthly, name="print_monthly"),
]
