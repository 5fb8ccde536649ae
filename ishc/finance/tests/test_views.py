"""Pages: each with a user who may, one who may not, and one from another unit."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ishc.finance import ledger, services
from ishc.finance.models import CollectionSheet, Entry, EntryKind, Loan, LoanStatus, WriteOff

from .conftest import active_loan, applied_loan, capital, make_member

D = datetime.date


@pytest.fixture
def books(fin):
    w = fin.w
    capital(w.club, w.A, 20_000_000)
    loan = active_loan(w.club, w.A, fin.a1, 1_200_000, D(2025, 1, 1), rate="0", method="flat")
    services.repay(w.club, loan, amount=100_000, on=D(2025, 2, 1))
    fin.loan = loan
    return fin


def test_it_lists_the_clubs_in_scope_with_balances(books, client):
    client.force_login(books.w.commune)
    response = client.get(reverse("finance:index"))
    assert response.status_code == 200
    assert b"CLB A" in response.content and b"CLB C" not in response.content
    assert "18,900,000 ₫" in response.content.decode()


def test_it_explains_when_no_unit_is_assigned(fin, client):
    client.force_login(fin.w.nobody)
    assert client.get(reverse("finance:index")).status_code == 403


def test_it_shows_the_club_page_in_scope_only(books, client, django_assert_max_num_queries):
    w = books.w
    url = reverse("finance:club", args=[w.A.pk])
    client.force_login(w.club)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert reverse("finance:loan_new", args=[w.A.pk]) in response.content.decode()
    client.force_login(w.province)
    response = client.get(url)
    assert response.status_code == 200
    assert reverse("finance:loan_new", args=[w.A.pk]) not in response.content.decode()
    client.force_login(w.outsider)
    assert client.get(url).status_code == 404


def test_it_records_an_entry_for_the_club_board_only(books, client):
    w = books.w
    url = reverse("finance:entry_new", args=[w.A.pk])
    data = {
        "fund": "activity",
        "kind": "income",
        "category": "golden_heart",
        "amount": "250.000",
        "date": "2025-03-01",
        "counterpart": "Ông Tư",
    }
    client.force_login(w.club)
    assert client.get(url).status_code == 200
    response = client.post(url, data)
    assert response.status_code == 302
    assert Entry.objects.filter(kind=EntryKind.INCOME, amount=250_000).count() == 1
    client.force_login(w.commune)
    assert client.post(url, data).status_code == 403
    client.force_login(w.viewer)
    assert client.post(url, data).status_code == 403
    client.force_login(w.outsider)
    assert client.post(url, data).status_code == 404
    assert Entry.objects.filter(kind=EntryKind.INCOME).count() == 1


def test_it_shows_a_refusal_on_the_form_and_writes_nothing(books, client):
    w = books.w
    client.force_login(w.club)
    before = Entry.objects.count()
    response = client.post(
        reverse("finance:entry_new", args=[w.A.pk]),
        {
            "fund": "activity",
            "kind": "expense",
            "category": "visits",
            "amount": "1,5",
            "date": "2025-03-01",
        },
    )
    assert response.status_code == 200
    assert "whole number" in response.content.decode()
    response = client.post(
        reverse("finance:entry_new", args=[w.A.pk]),
        {
            "fund": "activity",
            "kind": "expense",
            "category": "visits",
            "amount": "900.000",
            "date": "2025-03-01",
        },
    )
    assert "cannot be paid out" in response.content.decode()
    assert Entry.objects.count() == before


def test_it_runs_a_loan_through_its_pages(books, client):
    w = books.w
    client.force_login(w.club)
    response = client.post(
        reverse("finance:loan_new", args=[w.A.pk]),
        {
            "member": books.a2.pk,
            "amount": "3.000.000",
            "purpose": "Trồng nấm",
            "months": 6,
            "monthly_rate": "0.5",
            "method": "declining",
            "applied_on": "2025-03-01",
        },
    )
    loan = Loan.objects.get(member=books.a2)
    assert response.url == reverse("finance:loan", args=[loan.pk])
    assert loan.annual_rate == 6
    act = lambda name, data: client.post(  # noqa: E731
        reverse("finance:loan_action", args=[loan.pk, name]),
        {f"{name}-{k}": v for k, v in data.items()},
    )
    assert act("approve", {"on": "2025-03-02", "meeting": "Họp tháng 3"}).status_code == 302
    assert act("disburse", {"on": "2025-03-02", "voucher": "PC7"}).status_code == 302
    response = act("repay", {"on": "2025-04-02", "amount": "99.000.000"})
    assert response.status_code == 200 and "more than is owed" in response.content.decode()
    assert act("repay", {"on": "2025-04-02", "amount": "508.000"}).status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    page = client.get(reverse("finance:loan", args=[loan.pk])).content.decode()
    assert "Trồng nấm" in page and "PC7" in page
    # Officers look but do not record; other units do not even see the loan.
    client.force_login(w.province)
    assert act("repay", {"on": "2025-04-03", "amount": "1.000"}).status_code == 403
    client.force_login(w.outsider)
    assert client.get(reverse("finance:loan", args=[loan.pk])).status_code == 404


def test_it_lets_an_officer_approve_a_write_off(books, client):
    w = books.w
    loan = books.loan
    client.force_login(w.club)
    client.post(
        reverse("finance:loan_action", args=[loan.pk, "write_off"]),
        {"write_off-on": "2025-10-01", "write_off-reason": "Thành viên qua đời"},
    )
    wo = WriteOff.objects.get()
    url = reverse("finance:write_off_decide", args=[wo.pk, "approve"])
    assert client.post(url).status_code == 403  # the maker's own role cannot decide
    client.force_login(w.outsider)
    assert client.post(url).status_code == 404
    client.force_login(w.commune)
    assert "Thành viên qua đời" in client.get(reverse("finance:write_offs")).content.decode()
    assert client.post(url, {"note": "Đồng ý"}).status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WRITTEN_OFF


def test_it_lets_the_board_ask_to_reverse_a_write_off_and_an_officer_approve_it(books, client):
    w = books.w
    loan = books.loan
    wo = services.request_write_off(w.club, loan, on=D(2025, 10, 1), reason="Thành viên qua đời")
    services.decide_write_off(w.commune, wo, approve=True)
    url = reverse("finance:loan_action", args=[loan.pk, "undo_write_off"])
    data = {"undo_write_off-on": "2025-11-03", "undo_write_off-reason": "Gia đình trả nợ thay"}
    client.force_login(w.province)  # officers decide, they do not ask
    assert client.post(url, data).status_code == 403
    client.force_login(w.outsider)
    assert client.get(reverse("finance:loan", args=[loan.pk])).status_code == 404
    client.force_login(w.club)
    page = client.get(reverse("finance:loan", args=[loan.pk])).content.decode()
    assert url in page  # the board sees the request form on a written-off loan
    assert client.post(url, {**data, "undo_write_off-reason": ""}).status_code == 200  # refused
    assert client.post(url, data).status_code == 302
    undo = WriteOff.objects.get(undo=True)
    page = client.get(reverse("finance:loan", args=[loan.pk])).content.decode()
    assert url not in page  # asked once: no second request form while this one waits
    client.force_login(w.commune)
    assert "Gia đình trả nợ thay" in client.get(reverse("finance:write_offs")).content.decode()
    decide = reverse("finance:write_off_decide", args=[undo.pk, "approve"])
    assert client.post(decide, {"note": "Đồng ý"}).status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    assert ledger.loan_state(loan, D(2025, 11, 3)).outstanding == 1_100_000


def test_it_records_a_60_member_meeting_in_one_submission(fin, client):
    w = fin.w
    capital(w.club, w.A, 200_000_000)
    members = [make_member(w.A, f"Thành viên {i:02d}", w.kinh) for i in range(58)]
    members += [fin.a1, fin.a2]
    for m in members:
        active_loan(w.club, w.A, m, 1_200_000, D(2025, 1, 1), rate="0", method="flat")
    url = reverse("finance:collect", args=[w.A.pk, 2025, 2])
    client.force_login(w.club)
    response = client.get(url)
    page = response.content.decode()
    assert page.count('inputmode="numeric"') == 120
    data = {"meeting_date": "2025-02-10"}
    for loan in Loan.objects.filter(club=w.A):
        data[f"pay_{loan.pk}"] = "100.000"
    for m in members:
        data[f"fee_{m.pk}"] = "5.000"
    response = client.post(url, data)
    assert response.status_code == 302
    sheet = CollectionSheet.objects.get()
    assert sheet.entries.filter(kind=EntryKind.PRINCIPAL).count() == 60
    assert sheet.entries.filter(kind=EntryKind.INCOME, fund__kind="activity").count() == 60
    assert ledger.club_balances(w.A)["activity"] == 60 * 5_000
    # The second sheet of the month is refused: the page now shows what was recorded.
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and "Recorded for the meeting" in page
    assert "has already been submitted" in page
    assert sheet.entries.count() == 120


def test_it_keeps_typed_values_when_a_sheet_line_is_bad(books, client):
    w = books.w
    client.force_login(w.club)
    url = reverse("finance:collect", args=[w.A.pk, 2025, 3])
    response = client.post(
        url,
        {
            "meeting_date": "2025-03-05",
            f"pay_{books.loan.pk}": "100.000",
            f"fee_{books.a2.pk}": "-3",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Nothing was saved" in page
    assert 'value="100.000"' in page
    assert not CollectionSheet.objects.exists()
    client.force_login(w.commune)
    assert client.post(url, {"meeting_date": "2025-03-05"}).status_code == 403


def test_it_prints_and_exports_the_cash_book(books, client):
    w = books.w
    client.force_login(w.commune)
    url = reverse("finance:cash_book", args=[w.A.pk, "igf", 2025, 2])
    page = client.get(url).content.decode()
    assert "finance/finance.css" in page
    assert "18,800,000 ₫" in page and "18,900,000 ₫" in page  # opening and closing
    response = client.get(url + "?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.values)
    assert rows[3][7] == 18_800_000 and rows[-1][7] == 18_900_000
    client.force_login(w.outsider)
    assert client.get(url).status_code == 404


def test_it_exports_the_loan_ledgers(books, client):
    w = books.w
    client.force_login(w.province)
    response = client.get(
        reverse("finance:loan_ledger", args=[w.A.pk]) + "?on=2025-03-01&format=xlsx"
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[3][1] == "Nguyễn Thị Hoa" and rows[3][10] == 1_100_000 and rows[3][11] == 0
    response = client.get(reverse("finance:loan", args=[books.loan.pk]) + "?format=xlsx")
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Loan ledger", "Schedule"]
    page = client.get(reverse("finance:member_loans", args=[books.a1.pk])).content.decode()
    assert "1,100,000 ₫" in page
    client.force_login(w.outsider)
    assert client.get(reverse("finance:member_loans", args=[books.a1.pk])).status_code == 404


def test_it_lists_arrears_by_bucket_and_unit(books, client, django_assert_max_num_queries):
    w = books.w
    client.force_login(w.province)
    # Session, user, scope, the buckets, one page of late loans (counted from the buckets: its
    # ids, then their figures), the page of units (count and keys), 5 + 5 figure queries and
    # the unit names.
    with django_assert_max_num_queries(19):
        response = client.get(reverse("finance:arrears") + "?on=2025-05-15&by=commune")
    page = response.content.decode()
    # Paid 100,000 of 1,200,000: the 1/3 instalment is unpaid, 75 days late on 15/5.
    assert "61–90" in page and "Nguyễn Thị Hoa" in page and "Xã Ngọc Đường" in page
    assert response.context["par30"] == 1
    client.force_login(w.outsider)
    assert "Nguyễn Thị Hoa" not in client.get(reverse("finance:arrears")).content.decode()
    assert client.get(reverse("finance:club_arrears", args=[w.A.pk])).status_code == 404


def test_it_speaks_vietnamese_by_default(books, client, settings):
    w = books.w
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(w.club)
    response = client.post(
        reverse("finance:entry_new", args=[w.A.pk]),
        {
            "fund": "activity",
            "kind": "expense",
            "category": "visits",
            "amount": "900.000",
            "date": "2025-03-01",
        },
    )
    page = response.content.decode()
    assert "Quỹ hoạt động chỉ còn 0 ₫ tiền mặt vào ngày 01/03/2025" in page
    assert "Sổ quỹ" in client.get(reverse("finance:club", args=[w.A.pk])).content.decode()


def test_it_transfers_and_reverses_through_the_pages(books, client):
    w = books.w
    client.force_login(w.club)
    url = reverse("finance:transfer", args=[w.A.pk])
    response = client.post(url, {"from_fund": "igf", "amount": "1.000.000", "date": "2025-03-01"})
    assert response.status_code == 302
    assert ledger.club_balances(w.A)["activity"] == 1_000_000
    expense = services.record_entry(
        w.club,
        w.A,
        fund_kind="activity",
        kind="expense",
        amount=200_000,
        date=D(2025, 3, 2),
        category="health",
    )
    url = reverse("finance:entry_reverse", args=[expense.pk])
    assert client.post(url, {"date": "2025-03-03", "reason": ""}).status_code == 200
    assert client.post(url, {"date": "2025-03-03", "reason": "Ghi nhầm"}).status_code == 302
    assert ledger.club_balances(w.A)["activity"] == 1_000_000
    client.force_login(w.province)
    assert client.get(url).status_code == 403
    client.force_login(w.outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("finance:transfer", args=[w.A.pk])).status_code == 404


def test_it_labels_each_loan_step_by_what_it_does(client, fin):
    w = fin.w
    loan = applied_loan(w.club, w.A, fin.a1, 3_000_000, datetime.date(2025, 1, 5))
    client.force_login(w.club)
    page = client.get(reverse("finance:loan", args=[loan.pk])).content.decode()
    assert ">Approve</button>" in page and ">Save</button>" not in page
    services.approve_loan(w.club, loan, on=datetime.date(2025, 1, 6), meeting="Họp tháng")
    page = client.get(reverse("finance:loan", args=[loan.pk])).content.decode()
    assert ">Disburse</button>" in page


def test_it_pages_the_national_arrears_and_computes_figures_for_the_page_only(fin, client):
    """National arrears used to list every late loan of the country and every club's figures on
    one page (21.5 s, 4.1 MB): both lists are now paged and figures computed for the page."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ishc.clubs.models import Club

    w = fin.w
    capital(w.club, w.A, 50_000_000)
    for i in range(27):
        member = make_member(w.A, f"Thành viên vay {i:02}", w.kinh)
        active_loan(w.club, w.A, member, 1_200_000, D(2025, 1, 1), rate="0", method="flat")
    extra = [
        Club.objects.create(name=f"CLB thêm {i:02}", code=f"T-X{i}", commune=w.c2, province=w.P)
        for i in range(30)
    ]
    client.force_login(w.central)
    url = reverse("finance:arrears") + "?on=2025-05-15&by=club"
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    captured = list(context.captured_queries)  # the next request empties the connection's log
    late = response.context["late_page"]
    assert late.paginator.count == 27 and len(response.context["late"]) == 25
    assert len(client.get(url + "&page=2").context["late"]) == 2
    units = response.context["units_page"]
    assert units.paginator.count == 3 + len(extra) and len(response.context["units"]) == 25
    assert response.context["units"][0]["name"] == "CLB A"
    # The figures by club are asked for the 25 clubs of the page, never for all 33.
    id_lists = [
        {int(v) for v in ids.split(",")}
        for q in captured
        if "GROUP BY" in q["sql"]
        for ids in re.findall(r"IN \(([\d, ]+)\)", q["sql"])
    ]
    page_ids = {u["key"] for u in response.context["units"]}
    assert page_ids in id_lists
    assert not any(extra[-1].pk in ids for ids in id_lists)
    assert len(client.get(url + "&units=2").context["units"]) == 3 + len(extra) - 25


def test_it_keeps_the_arrears_totals_until_a_change_in_the_area_commits(
    books, client, settings, django_capture_on_commit_callbacks
):
    """The area's buckets and totals look at every loan of the area: cached like the
    dashboards, and recomputed once a change in the area has committed."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.ISHC = {**settings.ISHC, "DASHBOARD_CACHE_SECONDS": 600}
    cache.clear()
    w = books.w
    client.force_login(w.province)
    url = reverse("finance:arrears") + "?on=2025-05-15"
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    with CaptureQueriesContext(connection) as warm:
        second = client.get(url)
    assert second.context["total"] == first.context["total"]
    assert len(warm) <= len(cold) - 4
    with django_capture_on_commit_callbacks(execute=True):
        services.repay(w.club, books.loan, amount=200_000, on=D(2025, 3, 1))
    third = client.get(url)
    outstanding = first.context["total"]["outstanding_principal"]
    assert third.context["total"]["outstanding_principal"] < outstanding
    cache.clear()


def test_it_orders_late_loans_by_one_date_and_computes_figures_for_the_page_only(fin, client):
    """The national late-loan list used to order with_arrears itself, so the database computed
    every figure of every loan of the area to show 25: the page's ids are now chosen by the
    oldest unpaid due date alone, and the figures computed for those loans only."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = fin.w
    capital(w.club, w.A, 50_000_000)
    for i in range(27):
        member = make_member(w.A, f"Thành viên vay {i:02}", w.kinh)
        start = D(2025, 1, 1) + datetime.timedelta(days=i)
        active_loan(w.club, w.A, member, 1_200_000, start, rate="0", method="flat")
    client.force_login(w.central)
    url = reverse("finance:arrears") + "?on=2025-05-15&by=club"
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    captured = [q["sql"] for q in context.captured_queries]
    late = response.context["late"]
    assert len(late) == 25
    # Oldest unpaid instalment first: the loans disbursed first.
    assert [loan.oldest_unpaid_due for loan in late] == sorted(
        loan.oldest_unpaid_due for loan in late
    )
    assert late[0].days_overdue > late[-1].days_overdue
    choosing = [q for q in captured if re.search(r"LIMIT 25\b", q) and "finance_instalment" in q]
    assert len(choosing) == 1 and "interest_scheduled" not in choosing[0]
    page_ids = {loan.pk for loan in late}
    computing = [q for q in captured if '"interest_scheduled"' in q and '"bucket"' in q]
    id_lists = [
        {int(v) for v in ids.split(",")}
        for q in computing
        for ids in re.findall(r"IN \(([\d, ]+)\)", q)
    ]
    assert page_ids in id_lists
    # The same rows, figures and order as the whole list computed for every loan.
    on = D(2025, 5, 15)
    whole = ledger.with_arrears(Loan.objects.all(), on)
    whole = whole.filter(bucket__gt=0).order_by("oldest_unpaid_due", "pk")
    expected = [(x.pk, x.outstanding, x.oldest_unpaid_due, x.bucket) for x in whole[:25]]
    assert [(x.pk, x.outstanding, x.oldest_unpaid_due, x.bucket) for x in late] == expected
    assert len(client.get(url + "&page=2").context["late"]) == 2
