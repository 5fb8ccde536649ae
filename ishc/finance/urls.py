from django.urls import path

from . import books, views

app_name = "finance"

urlpatterns = [
    path("", views.index, name="index"),
    path("arrears/", views.arrears, name="arrears"),
    path("write-offs/", views.write_offs, name="write_offs"),
    path(
        "write-offs/<int:pk>/<str:decision>/",
        views.write_off_decide,
        name="write_off_decide",
    ),
    path("club/<int:pk>/", views.club, name="club"),
    path("club/<int:pk>/entries/new/", views.entry_new, name="entry_new"),
    path("club/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("club/<int:pk>/loans/new/", views.loan_new, name="loan_new"),
    path("club/<int:pk>/loans/", views.loan_ledger, name="loan_ledger"),
    path("club/<int:pk>/arrears/", views.arrears, name="club_arrears"),
    path("club/<int:pk>/collect/", views.collect_current, name="collect_current"),
    path("club/<int:pk>/collect/<int:year>/<int:month>/", views.collect, name="collect"),
    path("club/<int:pk>/cash-book/<str:fund>/", views.cash_book_current, name="cash_book_current"),
    path(
        "club/<int:pk>/cash-book/<str:fund>/<int:year>/<int:month>/",
        views.cash_book,
        name="cash_book",
    ),
    path(
        "club/<int:pk>/print/cash-book/<str:fund>/<int:year>/<int:month>/",
        books.cash_book,
        name="print_cash_book",
    ),
    path("club/<int:pk>/print/loans/", books.loan_ledger, name="print_loan_ledger"),
    path("club/<int:pk>/print/golden-heart/", books.golden_heart, name="print_golden_heart"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("loans/<int:pk>/", views.loan, name="loan"),
    path("loans/<int:pk>/<str:action>/", views.loan, name="loan_action"),
    path("members/<int:pk>/loans/", views.member_loans, name="member_loans"),
]
