"""Pages at national size under writes: one generated nation (generate_national_data), then the
national, province and club pages cold, warm, first load after a write and under a write every
second, each against a hand-written SQL lower bound measured in the same run; then a bounded
load test against gunicorn on loopback, with and without concurrent writes; peak memory.

    python bench/bench_pages.py --clubs 1000                 # SQLite, then PostgreSQL if
    DATABASE_URL=postgres://…/any python bench/bench_pages.py  # DATABASE_URL names a server

Each database is fresh: SQLite in a temporary file, PostgreSQL a database created for this run
on the server of DATABASE_URL and dropped after (bench/driver.py). Prints one JSON object; with
--markdown PATH also writes the table (docs/benchmarks.md).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from driver import run_on_each_database, setup_django  # noqa: E402

PORT = int(os.getenv("BENCH_PORT", "8171"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clubs", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load-seconds", type=float, default=10)
    parser.add_argument("--load-requests", type=int, default=400)
    parser.add_argument("--markdown", help="write the Markdown table to this file")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend:
        print(json.dumps(run(args)))
        return
    child_argv = [
        *("--clubs", str(args.clubs), "--years", str(args.years), "--runs", str(args.runs)),
        *("--load-seconds", str(args.load_seconds), "--load-requests", str(args.load_requests)),
    ]
    results = run_on_each_database(__file__, child_argv)
    results["machine"] = machine()
    results["size"] = {"clubs": args.clubs, "years": args.years}
    print(json.dumps(results, indent=2))
    if args.markdown:
        Path(args.markdown).write_text(markdown(results), encoding="utf-8")


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    mem = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    load = os.getloadavg()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": mem,
        "load_average_1min": round(load, 1),
        "python": sys.version.split()[0],
    }


# ---- the child process: one database ------------------------------------------------------


def run(args):
    # Production settings (DEBUG off) on loopback; gunicorn serves the collected static files.
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    setup_django()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from ishc.core.nation import Nation

    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("load_admin_units", verbosity=0)
    counts = Nation(args.clubs, args.years, seed=1).run()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    generated = time.perf_counter() - started
    cache.clear()
    world = _world()
    pages = _pages(world, args.runs)
    bounds = _lower_bounds(world)
    load = _load(world, args)
    return {
        "generate_seconds": round(generated, 1),
        "rows": counts,
        "pages_ms": pages,
        "lower_bound_ms": bounds,
        "load": load,
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def _world():
    from ishc.accounts.models import Assignment, Role, User
    from ishc.clubs.models import Club, ClubStatus

    user, _c = User.objects.get_or_create(username="bench", defaults={"role": Role.CENTRAL})
    user.set_password("bench-pass-2026")
    user.save()
    Assignment.objects.get_or_create(user=user, unit=None, club=None)
    club = Club.objects.filter(status=ClubStatus.ACTIVE, loans__isnull=False).order_by("pk")[0]
    return {"user": user, "club": club, "province": club.province}


def _urls(world) -> dict:
    from django.utils import timezone

    club, province = world["club"], world["province"]
    today = timezone.localdate()
    return {
        "national dashboard": "/dashboard/nation/?programme=1336",
        "province dashboard": f"/dashboard/province/{province.pk}/?programme=1336",
        "club dashboard": f"/dashboard/club/{club.pk}/?programme=1336",
        "home": "/",
        "clubs list": "/clubs/",
        "national arrears": "/finance/arrears/",
        "club finance page": f"/finance/club/{club.pk}/",
        "collection sheet": f"/finance/club/{club.pk}/collect/{today.year}/{today.month}/",
    }


def _write(world, n=[0]):  # noqa: B006 - a counter kept between calls
    """One audited change through the services, in a club of another province than the
    province measured when there is one (a fee recorded in the activity fund)."""
    import datetime

    from django.utils import timezone

    from ishc.clubs.models import Club
    from ishc.finance import services
    from ishc.finance.models import Category, EntryKind, FundKind

    n[0] += 1
    other = Club.objects.exclude(province=world["province"]).order_by("pk").first() or world["club"]
    services.record_entry(
        world["user"],
        other,
        fund_kind=FundKind.ACTIVITY,
        kind=EntryKind.INCOME,
        amount=10_000 + n[0],
        date=timezone.localdate() - datetime.timedelta(days=1),
        category=Category.MEMBER_FEES,
    )


def _time(client, url) -> float:
    t = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - t) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return round(elapsed, 1)


def _pages(world, runs) -> dict:
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.force_login(world["user"])
    out = {}
    for name, url in _urls(world).items():
        cache.clear()
        cold = _time(client, url)
        warm = statistics.median(_time(client, url) for _i in range(runs))
        _write(world)
        after_write = _time(client, url)
        # Under a write every second: a writer thread, the page loaded for a few seconds.
        stop = threading.Event()

        def writer(stop=stop):
            from django.db import connection

            try:
                while not stop.wait(1):
                    _write(world)
            finally:
                connection.close()

        thread = threading.Thread(target=writer)
        thread.start()
        times = []
        deadline = time.perf_counter() + max(3, runs)
        while time.perf_counter() < deadline:
            times.append(_time(client, url))
        stop.set()
        thread.join()
        out[name] = {
            "cold": cold,
            "warm": warm,
            "first_after_write": after_write,
            "under_writes_p50": round(statistics.median(times), 1),
            "under_writes_max": max(times),
        }
    return out


def _lower_bounds(world) -> dict:
    """Hand-written SQL for what each page must read at the least, best of three."""
    import datetime

    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate()
    club = world["club"].pk
    queries = {
        # The national head count: current members of clubs (status as stored).
        "national dashboard": (
            "SELECT COUNT(*) FROM clubs_membership p JOIN clubs_club c ON c.id = p.club_id "
            "WHERE c.status = 'active' AND p.joined_on <= %s AND (p.left_on IS NULL OR "
            "p.left_on > %s)",
            [today, today],
        ),
        "province dashboard": (
            "SELECT COUNT(*) FROM clubs_membership p JOIN clubs_club c ON c.id = p.club_id "
            "WHERE c.province_id = %s AND p.joined_on <= %s AND (p.left_on IS NULL OR "
            "p.left_on > %s)",
            [world["province"].pk, today, today],
        ),
        "club dashboard": (
            "SELECT COUNT(*) FROM clubs_membership p WHERE p.club_id = %s AND p.joined_on <= %s",
            [club, today],
        ),
        "home": (
            "SELECT COUNT(*) FROM clubs_club c WHERE c.status = 'active'",
            [],
        ),
        # 25 clubs by name with their member counts.
        "clubs list": (
            "SELECT c.id, c.name, COUNT(p.id) FROM (SELECT id, name FROM clubs_club "
            "ORDER BY search_name, id LIMIT 25) c LEFT JOIN clubs_membership p ON p.club_id = c.id "
            "AND p.joined_on <= %s AND (p.left_on IS NULL OR p.left_on > %s) GROUP BY c.id, c.name",
            [today, today],
        ),
        # Outstanding principal of every loan: what the buckets must at least sum.
        "national arrears": (
            "SELECT COUNT(*), SUM(s) FROM (SELECT loan_id, SUM(principal) s FROM finance_entry "
            "WHERE loan_id IS NOT NULL AND date <= %s GROUP BY loan_id) t WHERE s > 0",
            [today],
        ),
        "club finance page": (
            "SELECT f.kind, SUM(e.amount) FROM finance_entry e JOIN finance_fund f ON "
            "f.id = e.fund_id WHERE e.club_id = %s GROUP BY f.kind",
            [club],
        ),
        "collection sheet": (
            "SELECT l.id, SUM(e.principal) FROM finance_loan l LEFT JOIN finance_entry e ON "
            "e.loan_id = l.id WHERE l.club_id = %s AND e.date <= %s GROUP BY l.id",
            [club, today + datetime.timedelta(days=0)],
        ),
    }
    out = {}
    with connection.cursor() as cursor:
        for name, (sql, params) in queries.items():
            runs = []
            for _i in range(3):
                t = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                runs.append((time.perf_counter() - t) * 1000)
            out[name] = round(min(runs), 2)
    return out


# ---- the load test against gunicorn --------------------------------------------------------


def _session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _load(world, args) -> dict:
    """gunicorn with 2 sync workers on loopback; 4 client threads; each URL for at most
    --load-seconds or --load-requests requests after one untimed load, first alone, then with a
    write every second."""
    from django.db import connection

    cookie = _session_cookie(world["user"])
    env = dict(os.environ)
    connection.close()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ishc.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{PORT}/accounts/login/")
        urls = _urls(world)
        out = {}
        for name in ("club finance page", "collection sheet", "national dashboard"):
            for writes in (False, True):
                out[f"{name}{' + writes' if writes else ''}"] = _hammer(
                    world, urls[name], cookie, args, writes
                )
        return out
    finally:
        server.terminate()
        server.wait(30)


def _wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not start")


def _hammer(world, path, cookie, args, writes) -> dict:
    url = f"http://127.0.0.1:{PORT}{path}"
    # One untimed load first: the steady state is measured, not the day's first computation
    # (which the page times report as "cold", and manage.py warm_figures does at night).
    warm_up = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    with urllib.request.urlopen(warm_up, timeout=120) as response:
        response.read()
    latencies, errors = [], [0]
    lock = threading.Lock()
    stop = threading.Event()
    deadline = time.monotonic() + args.load_seconds

    def client():
        while not stop.is_set() and time.monotonic() < deadline:
            with lock:
                if len(latencies) + errors[0] >= args.load_requests:
                    return
            request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    ok = response.status == 200
            except Exception:
                ok = False
            with lock:
                if ok:
                    latencies.append((time.perf_counter() - t) * 1000)
                else:
                    errors[0] += 1

    def writer():
        from django.db import connection

        try:
            while not stop.wait(1):
                _write(world)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _i in range(4)]
    if writes:
        threads.append(threading.Thread(target=writer))
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads[:4]:
        t.join()
    elapsed = time.perf_counter() - started
    stop.set()
    for t in threads[4:]:
        t.join()
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {
        "requests": len(latencies),
        "errors": errors[0],
        "req_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0,
        "p50_ms": pct(0.5) if latencies else None,
        "p99_ms": pct(0.99) if latencies else None,
    }


# ---- the Markdown table -----------------------------------------------------------------


def markdown(results) -> str:
    m = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `bench/bench_pages.py` (`make bench`: about 1,000 clubs; `make bench-full`: "
        "10,000). Each database is fresh for the run; every page time is Django's test client in "
        "one process, next to a hand-written SQL lower bound for what the page must read at "
        "least, measured in the same run. Times in milliseconds. The nation is built by "
        "`generate_national_data` (what it holds and how long it takes: docs/testing.md, 'The "
        "synthetic nation').",
        "",
        f"Size: {results['size']['clubs']:,} clubs over {results['size']['years']} years. "
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_mb']:,} MB, Python {m['python']}, "
        f"load average {m['load_average_1min']} at the end (on these 2 cores the bench's own "
        "server, load generator and database account for about 2; more means other work ran "
        "and absolute figures are pessimistic; ratios to the lower bound measured in the same "
        "run are the comparable figure).",
        "",
        "How to read: 'cold' is the first load with an empty cache, 'warm' the median of repeated "
        "loads, 'first after a write' the load right after an audited write elsewhere in the "
        "country, 'writes/s' loads while a thread writes once a second. Every page also pays a "
        "fixed cost (session, user, scope, menus, template) that the club pages show; at a few "
        "dozen clubs that cost dominates and the ratio to the lower bound says little, at 1,000 "
        "clubs and more the data dominates.",
        "",
    ]
    for backend in ("sqlite", "postgresql"):
        r = results.get(backend)
        if not r:
            continue
        rows = r["rows"]
        lines += [
            f"## {backend}",
            "",
            f"Generated in {r['generate_seconds']} s: "
            + ", ".join(f"{k} {v:,}" for k, v in rows.items())
            + f". Peak memory of the bench process: {r['peak_memory_mb']} MB.",
            "",
            "| page | cold | warm | first after a write | writes/s p50 | max | lower bound |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, p in r["pages_ms"].items():
            lines.append(
                f"| {name} | {p['cold']} | {p['warm']} | {p['first_after_write']} | "
                f"{p['under_writes_p50']} | {p['under_writes_max']} | "
                f"{r['lower_bound_ms'].get(name, '—')} |"
            )
        lines += [
            "",
            "Load test: gunicorn, 2 sync workers, 4 client threads on loopback, bounded in "
            "requests and seconds, after one untimed load of the page (the steady state, not "
            "the day's first computation); '+ writes' adds one audited write per second.",
            "",
            "| page | requests | errors | req/s | p50 | p99 |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, x in r["load"].items():
            lines.append(
                f"| {name} | {x['requests']} | {x['errors']} | {x['req_per_s']} | "
                f"{x['p50_ms']} | {x['p99_ms']} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
