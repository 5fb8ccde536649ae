"""Arrears and PAR30 for every loan of N clubs, computed by ishc.finance (ledger + figures),
against one hand-written SQL query over the same tables, in the same run.

    python bench/bench_arrears.py                      # 1,000 clubs on SQLite (a few minutes)
    python bench/bench_arrears.py --clubs 10000        # the issue's full size
    DATABASE_URL=postgres://… python bench/bench_arrears.py   # SQLite, then that PostgreSQL

With DATABASE_URL the bench also runs on that database, which must be a throw-away one: its
tables are created by migrate and filled with synthetic clubs (the run refuses a database that
already holds clubs). SQLite always uses its own temporary file. Prints one JSON object.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from driver import run_on_each_database, setup_django  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clubs", type=int, default=1000)
    parser.add_argument("--loans-per-club", type=int, default=30)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend:
        print(json.dumps(run(args)))
        return
    child_argv = ["--clubs", str(args.clubs), "--loans-per-club", str(args.loans_per_club)]
    print(json.dumps(run_on_each_database(__file__, child_argv), indent=2))


def run(args):
    setup_django()

    from ishc.clubs.models import Club

    if Club.objects.exists():
        raise SystemExit("the database already holds clubs: give a throw-away DATABASE_URL")
    started = time.perf_counter()
    counts = _fill(args.clubs, args.loans_per_club)
    setup = time.perf_counter() - started
    return {"setup_seconds": round(setup, 1), **counts, **_measure()}


ON = None


def _fill(n_clubs, loans_per_club):
    """Synthetic clubs with the rows the services would write: capital, disbursements, and
    repayments (interest then principal) following each loan's schedule, some of them late."""
    import datetime
    import random

    from django.db import transaction

    from ishc.clubs.models import Club, Member
    from ishc.finance.models import Entry, Fund, Instalment, Loan
    from ishc.finance.schedule import build_schedule
    from ishc.geo.models import EthnicGroup, Level, Scheme, Unit

    global ON
    ON = datetime.date(2026, 6, 30)
    rng = random.Random(4)
    with transaction.atomic():
        province = Unit.objects.create(
            scheme=Scheme.CURRENT,
            level=Level.PROVINCE,
            code=99,
            name="Tỉnh Bench",
            division_type="",
        )
        communes = Unit.objects.bulk_create(
            Unit(
                scheme=Scheme.CURRENT,
                level=Level.COMMUNE,
                code=90000 + i,
                name=f"Xã {i}",
                division_type="",
                parent=province,
                province=province,
            )
            for i in range(max(1, n_clubs // 10))
        )
        kinh = EthnicGroup.objects.create(code="B1", name="Kinh")
    loans_n = repayments = entries_n = instalments_n = 0
    batch = 200
    for first in range(0, n_clubs, batch):
        with transaction.atomic():
            clubs = Club.objects.bulk_create(
                Club(
                    code=f"B-{i:06d}",
                    name=f"CLB {i}",
                    search_name=f"clb {i}",
                    commune=communes[i % len(communes)],
                    province=province,
                    cohort="1336",
                    founded_on=datetime.date(2020, 1, 1),
                )
                for i in range(first, min(first + batch, n_clubs))
            )
            funds = Fund.objects.bulk_create(
                Fund(club=c, kind=k) for c in clubs for k in ("igf", "activity")
            )
            igf = {f.club_id: f for f in funds if f.kind == "igf"}
            act = {f.club_id: f for f in funds if f.kind == "activity"}
            members = Member.objects.bulk_create(
                Member(
                    club=c,
                    full_name=f"Hội viên {j}",
                    search_name=f"hoi vien {j}",
                    sex="F",
                    birth_year=1955,
                    ethnicity=kinh,
                )
                for c in clubs
                for j in range(loans_per_club)
            )
            loans = []
            for m in members:
                start = ON - datetime.timedelta(days=rng.randint(240, 420))
                loans.append(
                    Loan(
                        club_id=m.club_id,
                        member=m,
                        amount=rng.randrange(3_000_000, 10_000_001, 500_000),
                        purpose="x",
                        months=12,
                        annual_rate=6,
                        method=rng.choice(["flat", "declining"]),
                        status="active",
                        applied_on=start,
                        approved_on=start,
                        disbursed_on=start,
                        schedule_version=1,
                    )
                )
            loans = Loan.objects.bulk_create(loans)
            entries, lines = [], []
            for c in clubs:
                entries.append(
                    Entry(
                        fund=igf[c.pk],
                        club=c,
                        date=datetime.date(2024, 1, 2),
                        kind="capital",
                        category="commune_pc",
                        amount=loans_per_club * 10_000_000,
                    )
                )
            for loan in loans:
                rows = build_schedule(loan.amount, 6, 12, loan.method, loan.disbursed_on)
                cum_p = cum_i = 0
                for r in rows:
                    cum_p += r.principal
                    cum_i += r.interest
                    lines.append(
                        Instalment(
                            loan=loan,
                            version=1,
                            no=r.no,
                            due_date=r.due_date,
                            principal=r.principal,
                            interest=r.interest,
                            cum_principal=cum_p,
                            cum_interest=cum_i,
                            cum_total=cum_p + cum_i,
                        )
                    )
                entries.append(
                    Entry(
                        fund=igf[loan.club_id],
                        club_id=loan.club_id,
                        date=loan.disbursed_on,
                        kind="disbursement",
                        amount=-loan.amount,
                        principal=loan.amount,
                        loan=loan,
                        member_id=loan.member_id,
                    )
                )
                due = [r for r in rows if r.due_date <= ON]
                behind = rng.choices([0, 1, 2, 3, 5], weights=[80, 8, 5, 3, 4])[0]
                for r in due[: max(0, len(due) - behind)]:
                    repayments += 1
                    common = {
                        "club_id": loan.club_id,
                        "date": r.due_date,
                        "loan": loan,
                        "member_id": loan.member_id,
                    }
                    if r.interest:
                        entries.append(
                            Entry(
                                fund=act[loan.club_id], kind="interest", amount=r.interest, **common
                            )
                        )
                    entries.append(
                        Entry(
                            fund=igf[loan.club_id],
                            kind="principal",
                            amount=r.principal,
                            principal=-r.principal,
                            **common,
                        )
                    )
            Instalment.objects.bulk_create(lines, batch_size=5000)
            Entry.objects.bulk_create(entries, batch_size=5000)
            loans_n += len(loans)
            entries_n += len(entries)
            instalments_n += len(lines)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "backend": connection.vendor,
        "clubs": n_clubs,
        "loans": loans_n,
        "repayments": repayments,
        "entries": entries_n,
        "instalments": instalments_n,
    }


# An instalment due on the day itself is not late (it can still be paid that day): `<`.
HAND_SQL = """
WITH paid AS (
    SELECT loan_id,
           SUM(CASE WHEN kind IN ('principal', 'interest') THEN amount ELSE 0 END) AS paid,
           SUM(principal) AS outstanding
    FROM finance_entry WHERE loan_id IS NOT NULL AND date <= %(on)s GROUP BY loan_id
), late AS (
    SELECT i.loan_id, MIN(i.due_date) AS oldest
    FROM finance_instalment i
    JOIN finance_loan l ON l.id = i.loan_id AND i.version = l.schedule_version
    JOIN paid p ON p.loan_id = i.loan_id
    WHERE i.due_date < %(on)s AND i.cum_total > p.paid AND p.outstanding > 0
    GROUP BY i.loan_id
)
SELECT l.id, l.club_id, COALESCE(p.outstanding, 0) AS outstanding, late.oldest AS oldest
FROM finance_loan l LEFT JOIN paid p ON p.loan_id = l.id LEFT JOIN late ON late.loan_id = l.id
"""


def _best(call, repeat=2):
    best, result = None, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


HAND_PAR_SQL = f"""
WITH per_loan AS ({HAND_SQL})
SELECT club_id, SUM(outstanding),
       SUM(CASE WHEN oldest < %(cutoff)s THEN outstanding ELSE 0 END)
FROM per_loan GROUP BY club_id
"""


# The first page of the national late-loan list: the 25 loans with the oldest unpaid
# instalment (due before the day, not covered by what was paid, principal outstanding).
HAND_LATE_PAGE_SQL = """
WITH paid AS (
    SELECT loan_id,
           SUM(CASE WHEN kind IN ('principal', 'interest') THEN amount ELSE 0 END) AS paid,
           SUM(principal) AS outstanding
    FROM finance_entry WHERE loan_id IS NOT NULL AND date <= %(on)s GROUP BY loan_id
)
SELECT i.loan_id, MIN(i.due_date) AS oldest, MIN(p.outstanding)
FROM finance_instalment i
JOIN finance_loan l ON l.id = i.loan_id AND i.version = l.schedule_version
JOIN paid p ON p.loan_id = i.loan_id
WHERE i.due_date < %(on)s AND i.cum_total > p.paid AND p.outstanding > 0
GROUP BY i.loan_id ORDER BY oldest, i.loan_id LIMIT 25
"""


def _measure():
    import datetime

    from django.db import connection
    from django.db.models import Sum

    from ishc.accounts.scope import NATIONAL
    from ishc.clubs.models import Club
    from ishc.finance import ledger
    from ishc.finance.figures import loan_figures
    from ishc.finance.models import Loan
    from ishc.finance.views import LatePages
    from ishc.indicators.cache import Results

    cutoff = ON - datetime.timedelta(days=30)

    def arrears_service():
        return list(
            ledger.with_arrears(Loan.objects.all(), ON).values_list(
                "pk", "club_id", "outstanding", "oldest_unpaid_due", "bucket"
            )
        )

    def par_service():
        return list(
            ledger.with_figures(Loan.objects.all(), ON)
            .values("club_id")
            .annotate(outstanding_sum=Sum("outstanding"), par30=ledger.par_expr(ON, 30))
            .order_by()
            .values_list("club_id", "outstanding_sum", "par30")
        )

    def sql(query, params):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()

        return run

    hand_arrears = sql(HAND_SQL.replace("%(on)s", "%s"), [ON, ON])
    hand_par = sql(
        HAND_PAR_SQL.replace("%(on)s", "%s").replace("%(cutoff)s", "%s"), [ON, ON, cutoff]
    )
    arrears_s, rows = _best(arrears_service)
    arrears_sql_s, hand_rows = _best(hand_arrears)
    par_s, par_rows = _best(par_service)
    par_sql_s, hand_par_rows = _best(hand_par)
    # The whole country ordered at once (the cache off): what a national page pays before its
    # provinces' first loans are cached, and what the hand-written query is compared with.
    uncached = Results()
    uncached.seconds = 0
    late_page_s, late_rows = _best(
        lambda: LatePages(uncached, NATIONAL, Club.objects.all(), ON)[0:25]
    )
    late_page_sql_s, hand_late = _best(sql(HAND_LATE_PAGE_SQL.replace("%(on)s", "%s"), [ON, ON]), 3)
    figures_s, _figures = _best(
        lambda: loan_figures(Club.objects.all(), ON.replace(month=1, day=1), ON, ON, "club_id"), 1
    )

    def as_date(value):
        return datetime.date.fromisoformat(value) if isinstance(value, str) else value

    mine = {r[0]: (r[2], r[3]) for r in rows}
    theirs = {r[0]: (r[2], as_date(r[3])) for r in hand_rows}
    # PostgreSQL sums BIGINTs into NUMERIC: compare and report whole dong as int.
    hand_par_rows = [(r[0], int(r[1]), int(r[2])) for r in hand_par_rows]
    theirs = {k: (int(v[0]), v[1]) for k, v in theirs.items()}
    outstanding = sum(r[1] for r in hand_par_rows)
    at_risk = sum(r[2] for r in hand_par_rows)
    return {
        "arrears_service_seconds": round(arrears_s, 3),
        "arrears_hand_sql_seconds": round(arrears_sql_s, 3),
        "arrears_ratio": round(arrears_s / arrears_sql_s, 2),
        "par30_service_seconds": round(par_s, 3),
        "par30_hand_sql_seconds": round(par_sql_s, 3),
        "par30_ratio": round(par_s / par_sql_s, 2),
        "late_page_seconds": round(late_page_s, 4),
        "late_page_hand_sql_seconds": round(late_page_sql_s, 4),
        "late_page_ratio": round(late_page_s / late_page_sql_s, 2),
        "late_page_identical": [(x.pk, x.oldest_unpaid_due, x.outstanding) for x in late_rows]
        == [(r[0], as_date(r[1]), int(r[2])) for r in hand_late],
        "loan_figures_seconds": round(figures_s, 3),
        "loans_late": sum(1 for v in theirs.values() if v[1] is not None),
        "par30": round(at_risk / outstanding, 4) if outstanding else None,
        "identical": mine == theirs
        and sorted(map(tuple, par_rows)) == sorted(map(tuple, hand_par_rows)),
        "note": "arrears: every loan's outstanding principal, oldest unpaid due date and bucket "
        "(ledger.with_arrears) vs one hand-written query; par30: outstanding and PAR30 principal "
        "by club (ledger.with_figures + par_expr) vs one hand-written query; loan_figures: the "
        "whole figures API by club (adds flows, borrowers and the on-time rate), not compared; "
        "late_page: the first page of the national late-loan list (finance.views.LatePages: "
        "the 25 ids by oldest unpaid due date, then their figures) vs one hand-written query "
        "for the same 25 loans",
    }


if __name__ == "__main__":
    main()
