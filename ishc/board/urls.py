from django.urls import path

from . import views

app_name = "board"
urlpatterns = [
    path("", views.index, name="index"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/export.xlsx", views.workplan_export, name="export"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/notes/", views.task_note, name="task_note"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_form, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_form, name="meeting_edit"),
    path("meetings/<int:pk>/conclusions/", views.conclusion_add, name="conclusion_add"),
    path("conclusions/<int:pk>/task/", views.conclusion_task, name="conclusion_task"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/new/", views.agency_form, name="agency_new"),
    path("agencies/<int:pk>/edit/", views.agency_form, name="agency_edit"),
    path("members/new/", views.member_form, name="member_new"),
    path("members/<int:pk>/edit/", views.member_form, name="member_edit"),
    path("resources/", views.contributions, name="contributions"),
    path("resources/new/", views.contribution_new, name="contribution_new"),
    path("documents/", views.documents, name="documents"),
    path("documents/new/", views.document_new, name="document_new"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/versions/", views.version_new, name="version_new"),
    path("files/<int:pk>/", views.download, name="download"),
    path("events/", views.events, name="events"),
    path("events/new/", views.event_new, name="event_new"),
]
