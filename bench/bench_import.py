"""Benchmark: import N member rows from .xlsx, validated and committed, on SQLite.

    .venv/bin/python bench/bench_import.py [--rows 10000] [--clubs 150] [--runs 3]

Reports rows/s of the whole import (read, validate, commit in one transaction), the peak Python
memory of that import (tracemalloc, measured in a further run that is rolled back, because
tracing slows everything down), and — as the lower bound — the time to merely read the same file
with python-calamine, measured just before each import. The import runs --runs times, each into
empty member tables (best and median reported), with DEBUG off as in production (Django's debug
cursor would format every parameter of every statement for its query log). Aims: ≥ 20,000
rows/s and ≤ 5× the bare read. Prints one JSON object. Uses its own throw-away SQLite file
unless DATABASE_URL is set.
"""

import argparse
import datetime
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--clubs", type=int, default=150)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-import-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ishc.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["ISHC_IMPORT_MAX_ROWS"] = str(max(args.rows, 20_000))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    from ishc.clubs import importer
    from ishc.clubs.models import Club, Cohort, Member, Membership
    from ishc.geo.models import EthnicGroup, Level, Scheme, Unit

    call_command("migrate", verbosity=0)
    province = Unit.objects.create(
        scheme=Scheme.CURRENT,
        level=Level.PROVINCE,
        code=8,
        name="Tỉnh Tuyên Quang",
        division_type="tỉnh",
    )
    communes = [
        Unit.objects.create(
            scheme=Scheme.CURRENT,
            level=Level.COMMUNE,
            code=700 + i,
            name=f"Xã Số {i}",
            division_type="xã",
            parent=province,
            province=province,
        )
        for i in range(20)
    ]
    for code, name in [("01", "Kinh"), ("02", "Tày"), ("07", "Dao"), ("12", "Mông")]:
        EthnicGroup.objects.get_or_create(code=code, defaults={"name": name})
    clubs = Club.objects.bulk_create(
        Club(
            code=f"08-{i:05d}",
            name=f"CLB {i}",
            search_name=f"clb {i}",
            commune=communes[i % len(communes)],
            province=province,
            cohort=Cohort.P1336,
        )
        for i in range(args.clubs)
    )

    rng = random.Random(1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(importer.SHEETS["members"])
    ws.append([c.header for c in importer.MEMBER_COLUMNS])
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Ma", "Nông"]
    middle = ["Thị", "Văn", "Thị Thu", "Đức", "Minh"]
    given = ["Hoa", "Lan", "Mai", "Hùng", "Dũng", "Sơn", "Tuấn", "Cúc", "Đào", "Hằng"]
    for i in range(args.rows):
        year = rng.randint(1935, 2000)
        exact = rng.random() < 0.6
        ws.append(
            [
                clubs[i % len(clubs)].code,
                f"{rng.choice(family)} {rng.choice(middle)} {rng.choice(given)} {i}",
                rng.choice(["Nữ", "Nam"]),
                datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)) if exact else None,
                None if exact else year,
                rng.choice(["Kinh", "Tày", "Dao", "Mông"]),
                rng.choice(["Nghèo", "Cận nghèo", "Trung bình", "Khá giả"]),
                rng.choice(["Có", "Không"]),
                "Không",
                "Có",
                None,
                "0912345678",
                None,
                "15/03/2024" if i % 2 else datetime.date(2024, 3, 15),
                None,
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()

    def bare_read() -> float:
        """Lower bound: python-calamine reading the same sheet into Python rows, nothing else
        (the best of 2)."""
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            rows = (
                CalamineWorkbook.from_filelike(io.BytesIO(data))
                .get_sheet_by_name(importer.SHEETS["members"])
                .to_python(skip_empty_area=False)
            )
            best = min(best, time.perf_counter() - t0)
        assert len(rows) == args.rows + 1
        return best

    def empty():
        # Straight SQL: the ORM's delete would walk 20,000 members' relations in Python.
        with connection.cursor() as cursor:
            for model in (Membership, Member):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")

    # Each import is compared with a bare read measured just before it: on a shared machine
    # the load changes from one minute to the next, and a ratio of two times taken seconds
    # apart is steadier than either time.
    times, reads, ratios = [], [], []
    for run in range(args.runs):
        if run:
            empty()
        reads.append(bare_read())
        t0 = time.perf_counter()
        report = importer.run("members", None, data, commit=True, filename="bench.xlsx")
        times.append(time.perf_counter() - t0)
        ratios.append(times[-1] / reads[-1])
        assert report.ok, report.errors[:5]
        assert report.created == args.rows and Member.objects.count() == args.rows
    elapsed, median = min(times), statistics.median(times)

    # Re-import of the same file: every row matched and compared, nothing to write.
    t0 = time.perf_counter()
    again = importer.run("members", None, data, commit=True)
    reimport = time.perf_counter() - t0
    assert again.ok and again.created == 0 and Member.objects.count() == args.rows

    # Peak memory of a fresh import, traced, then rolled back.
    empty()
    tracemalloc.start()
    try:
        with transaction.atomic():
            importer.run("members", None, data, commit=True)
            raise RuntimeError("rollback")
    except RuntimeError:
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(
        json.dumps(
            {
                "benchmark": "import_members_xlsx",
                "database": django.db.connection.vendor,
                "rows": args.rows,
                "file_bytes": len(data),
                "runs": args.runs,
                "import_seconds": round(elapsed, 3),
                "import_seconds_median": round(median, 3),
                "rows_per_second": round(args.rows / elapsed),
                "reimport_seconds": round(reimport, 3),
                "peak_memory_mb": round(peak / 2**20, 1),
                "calamine_read_seconds": round(min(reads), 3),
                "ratio_to_bare_read": round(min(ratios), 2),
                "ratio_to_bare_read_median": round(statistics.median(ratios), 2),
                "aims": {"rows_per_second": 20000, "ratio_to_bare_read": 5},
            }
        )
    )


if __name__ == "__main__":
    main()
