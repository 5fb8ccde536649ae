"""`make bench` / `make bench-full`: every benchmark, each in a fresh database of its own, on
SQLite and, when DATABASE_URL names a PostgreSQL server, on PostgreSQL in the same run; the pages
benchmark writes docs/benchmarks.md. Every bench's JSON goes to bench/results/<bench>.json.

    python bench/run_all.py --clubs 1000
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from driver import fresh_postgres  # noqa: E402

# Benches that run both databases themselves through driver.run_on_each_database.
BOTH = ["bench_arrears.py", "bench_loan_figures.py"]
# Benches that use the one database of DATABASE_URL (a temporary SQLite file without it).
ONE = ["bench_dashboard.py", "bench_import.py", "bench_reports.py", "bench_board_figures.py"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clubs", type=int, default=1000)
    parser.add_argument("--only-pages", action="store_true", help="only bench_pages.py")
    args = parser.parse_args()
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith("postgres")
    sqlite_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    size = ["--clubs", str(args.clubs)]
    _run("bench_pages.py", [*size, "--markdown", "docs/benchmarks.md"], os.environ, out)
    if args.only_pages:
        return
    for script in BOTH:
        _run(script, size, os.environ, out)
    for script in ONE:
        extra = size if script == "bench_dashboard.py" else []
        _run(script, extra, sqlite_env, out, "sqlite")
        if postgres:
            with fresh_postgres(url, Path(script).stem.removeprefix("bench_")) as own:
                _run(script, extra, {**os.environ, "DATABASE_URL": own}, out, "postgresql")


def _run(script, argv, env, out, suffix=""):
    name = Path(script).stem + (f"-{suffix}" if suffix else "")
    print(f"== {name}", flush=True)
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *argv],
        env=dict(env),
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    (out / f"{name}.json").write_text(result.stdout)
    print(result.stdout[-2000:], flush=True)


if __name__ == "__main__":
    main()
