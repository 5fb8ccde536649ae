from django.urls import path

from . import books, views

app_name = "clubs"
urlpatterns = [
    path("", views.club_list, name="list"),
    path("outside-bands/", views.club_list, {"outside": True}, name="outside"),
    path("to-confirm/", views.club_list, {"pending": True}, name="to_confirm"),
    path("new/", views.club_create, name="create"),
    path("<int:pk>/", views.club_detail, name="detail"),
    path("<int:pk>/edit/", views.club_edit, name="edit"),
    path("<int:pk>/print/register/", books.member_register, name="print_register"),
    path("<int:pk>/status/", views.club_status, name="status"),
    path("<int:pk>/confirm-commune/", views.club_confirm, name="confirm"),
    path("<int:pk>/regulations/", views.club_regulations, name="regulations"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/board/new/", views.board_add, name="board_add"),
    path("<int:pk>/groups/new/", views.group_add, name="group_add"),
    path("<int:pk>/volunteers/new/", views.volunteer_add, name="volunteer_add"),
    path("board/<int:pk>/end/", views.board_end, name="board_end"),
    path("groups/<int:pk>/", views.group_edit, name="group_edit"),
    path("volunteers/<int:pk>/end/", views.volunteer_end, name="volunteer_end"),
    path("members/", views.member_list, name="members"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("members/<int:pk>/rejoin/", views.member_rejoin, name="member_rejoin"),
    path("members/<int:pk>/move/", views.member_move, name="member_move"),
]
urlpatterns += [
    path("import/<str:kind>/template/", views.import_template, name="template"),
    path("import/<str:kind>/", views.import_upload, name="import"),
    path("import/<str:kind>/<str:token>/", views.import_confirm, name="import_confirm"),
]
