from django.urls import path

from . import books, views

app_name = "activities"
urlpatterns = [
    path("", views.index, name="index"),
    path("areas/", views.areas, name="areas"),
    path("club/<int:club_id>/", views.club, name="club"),
    path("club/<int:club_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("club/<int:club_id>/follow-up/", views.followup, name="followup"),
    path("club/<int:club_id>/record/<slug:kind>/", views.record_new, name="record_new"),
    path("club/<int:club_id>/home-care/", views.homecare, name="homecare"),
    path("club/<int:club_id>/home-care/<slug:what>/", views.homecare_add, name="homecare_add"),
    path("records/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/print/", books.minutes, name="print_minutes"),
    path("club/<int:club_id>/print/health/", books.health_book, name="print_health"),
    path("club/<int:club_id>/print/home-care/", books.homecare_book, name="print_homecare"),
]
