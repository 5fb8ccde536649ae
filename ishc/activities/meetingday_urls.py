from django.urls import path

from . import views

app_name = "meetingday"
urlpatterns = [
    path("", views.meeting_day_current, name="current"),
    path("<int:year>/<int:month>/", views.meeting_day, name="month"),
]
