"""loan_figures for every club (nationally and by province), against hand-written SQL for the
same numbers, in the same run. The data comes from bench_arrears.py's builder.

    python bench/bench_loan_figures.py                  # 1,000 clubs on SQLite (a few minutes)
    python bench/bench_loan_figures.py --clubs 10000    # the national size
    DATABASE_URL=postgres://… python bench/bench_loan_figures.py   # SQLite, then PostgreSQL

With DATABASE_URL the bench also runs on that database, which must be a throw-away one (it is
migrated and filled with synthetic clubs). `--reuse` measures again on a database that an earlier
run of this bench or bench_arrears.py filled (building 10,000 clubs takes a quarter of an hour);
it only makes sense together with `--backend postgresql`. Prints one JSON object.
"""

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_arrears  # noqa: E402  (the shared data builder)
from driver import run_on_each_database, setup_django  # noqa: E402

ON = datetime.date(2026, 6, 30)  # bench_arrears' "today"
START = ON.replace(month=1, day=1)  # the phase start used by the dashboard's period


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clubs", type=int, default=1000)
    parser.add_argument("--loans-per-club", type=int, default=30)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    if args.backend:
        print(json.dumps(run(args)))
        return
    child_argv = ["--clubs", str(args.clubs), "--loans-per-club", str(args.loans_per_club)]
    if args.reuse:
        child_argv.append("--reuse")
    print(json.dumps(run_on_each_database(__file__, child_argv), indent=2))


def run(args):
    setup_django()
    from django.db import connection

    from ishc.clubs.models import Club
    from ishc.finance.models import Entry, Instalment, Loan

    started = time.perf_counter()
    if args.reuse and Club.objects.exists():
        counts = {"backend": connection.vendor, "clubs": Club.objects.count(), "reused": True}
    elif Club.objects.exists():
        raise SystemExit("the database already holds clubs: give a throw-away DATABASE_URL")
    else:
        counts = bench_arrears._fill(args.clubs, args.loans_per_club)
    setup = time.perf_counter() - started
    counts["loans"] = Loan.objects.count()
    counts["entries"] = Entry.objects.count()
    counts["instalments"] = Instalment.objects.count()
    return {"setup_seconds": round(setup, 1), **counts, **_measure()}


# The same numbers as loan_figures, written by hand: each table read once, GROUP BY.
# {g} is the grouping column of clubs_club (or a constant for the national row).
HAND_FLOWS = """
SELECT {g} AS g,
  SUM(CASE WHEN e.kind = 'disbursement' AND e.date >= %(start)s AND e.date <= %(end)s
      THEN (CASE WHEN e.reverses_id IS NULL THEN 1 ELSE -1 END) ELSE 0 END),
  SUM(CASE WHEN e.kind = 'disbursement' AND e.date >= %(start)s AND e.date <= %(end)s
      THEN e.principal ELSE 0 END),
  SUM(CASE WHEN e.kind = 'principal' AND e.date >= %(start)s AND e.date <= %(end)s
      THEN e.amount ELSE 0 END),
  SUM(CASE WHEN e.kind = 'interest' AND e.date >= %(start)s AND e.date <= %(end)s
      THEN e.amount ELSE 0 END),
  SUM(CASE WHEN e.loan_id IS NOT NULL AND e.date <= %(on)s THEN e.principal ELSE 0 END),
  COUNT(DISTINCT CASE WHEN e.kind = 'disbursement' AND e.date >= %(start)s
      AND e.date <= %(end)s AND e.reverses_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM finance_entry r WHERE r.reverses_id = e.id)
      THEN e.member_id END)
FROM finance_entry e JOIN clubs_club c ON c.id = e.club_id
WHERE e.date <= %(last)s
GROUP BY 1
"""

HAND_PAR = """
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
    WHERE i.due_date <= %(on)s AND i.cum_total > p.paid AND p.outstanding > 0
    GROUP BY i.loan_id
)
SELECT {g} AS g, SUM(CASE WHEN late.oldest < %(cutoff)s THEN p.outstanding ELSE 0 END)
FROM late JOIN paid p ON p.loan_id = late.loan_id
JOIN finance_loan l ON l.id = late.loan_id JOIN clubs_club c ON c.id = l.club_id
GROUP BY 1
"""

# An instalment is due in the period when principal was outstanding the day before its due date,
# and paid on time when the payments up to its due date cover its running total. One sort of each
# loan's entries and due instalments by date gives both sums as running totals.
HAND_ON_TIME = """
WITH stream AS (
    SELECT loan_id, date AS d, NULL AS cum_total,
           CASE WHEN kind IN ('principal', 'interest') THEN amount ELSE 0 END AS paid, principal
    FROM finance_entry WHERE loan_id IS NOT NULL AND date <= %(end)s
    UNION ALL
    SELECT i.loan_id, i.due_date, i.cum_total, 0, 0
    FROM finance_instalment i JOIN finance_loan l ON l.id = i.loan_id
    WHERE i.version = l.schedule_version AND i.no >= 1
      AND i.due_date >= %(start)s AND i.due_date <= %(end)s
), running AS (
    SELECT loan_id, cum_total,
           SUM(paid) OVER (PARTITION BY loan_id ORDER BY d) AS paid_by_due,
           SUM(principal) OVER (PARTITION BY loan_id ORDER BY d)
             - SUM(principal) OVER (PARTITION BY loan_id, d) AS outstanding_before
    FROM stream
)
SELECT {g} AS g, COUNT(*), SUM(CASE WHEN r.cum_total <= r.paid_by_due THEN 1 ELSE 0 END)
FROM running r JOIN finance_loan l ON l.id = r.loan_id JOIN clubs_club c ON c.id = l.club_id
WHERE r.cum_total IS NOT NULL AND r.outstanding_before > 0
GROUP BY 1
"""


def _best(call, repeat=2):
    best, result = None, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


HAND_SECONDS = {}


def _timed(cursor, name, sql, params):
    started = time.perf_counter()
    cursor.execute(sql, params)
    rows = cursor.fetchall()
    HAND_SECONDS[name] = round(time.perf_counter() - started, 3)
    return rows


def _hand(group_column):
    from django.db import connection

    params = {
        "start": START,
        "end": ON,
        "on": ON,
        "last": ON,
        "cutoff": ON - datetime.timedelta(days=30),
    }
    g = group_column or "0"
    rows = {}
    with connection.cursor() as cursor:
        for key, *values in _timed(cursor, "flows", HAND_FLOWS.format(g=g), params):
            rows[key] = dict(
                zip(
                    [
                        "loans_disbursed",
                        "amount_disbursed",
                        "principal_repaid",
                        "interest_received",
                        "outstanding_principal",
                        "borrowers",
                    ],
                    map(int, values),
                    strict=True,
                )
            )
        par = {key: int(v) for key, v in _timed(cursor, "par30", HAND_PAR.format(g=g), params)}
        on_time = {
            key: (int(due), int(paid))
            for key, due, paid in _timed(cursor, "on_time", HAND_ON_TIME.format(g=g), params)
        }
    for key, row in rows.items():
        row["par30_principal"] = par.get(key, 0)
        row["instalments_due"], row["instalments_paid_on_time"] = on_time.get(key, (0, 0))
    return rows


def _measure():
    from ishc.clubs.models import Club
    from ishc.finance.figures import loan_figures

    out = {}
    for name, group_by, column in [
        ("national", None, None),
        ("by_province", "club__province_id", "c.province_id"),
    ]:
        service_s, service_rows = _best(
            lambda: loan_figures(Club.objects.all(), START, ON, ON, group_by)  # noqa: B023
        )
        hand_s, hand_rows = _best(lambda: _hand(column))  # noqa: B023
        mine = {(r["key"] if group_by else 0): {**r} for r in service_rows}
        for row in mine.values():
            row.pop("key")
        out[f"{name}_service_seconds"] = round(service_s, 3)
        out[f"{name}_hand_sql_seconds"] = round(hand_s, 3)
        out[f"{name}_ratio"] = round(service_s / hand_s, 2)
        out[f"{name}_identical"] = mine == hand_rows
        out[f"{name}_hand_sql_parts_seconds"] = dict(HAND_SECONDS)
        if group_by is None:
            out["national_row"] = mine[0]
    out["note"] = (
        "loan_figures(all clubs, phase start, today, today) nationally and by province, best of "
        "two, vs three hand-written queries (flows, PAR30, on-time rate) for the same numbers"
    )
    return out


if __name__ == "__main__":
    main()
