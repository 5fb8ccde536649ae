"""What the benchmarks share: each database is measured in a child process of its own (Django is
configured once per process), SQLite in a throw-away file, then PostgreSQL when DATABASE_URL
names a server: in a database created for this bench alone (`<name>_<bench>`) and dropped after,
so that no bench meets another's rows (they used to share one and crash on IntegrityError)."""

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def run_on_each_database(script: str, child_argv: list[str]) -> dict:
    """Run `script --backend <name> *child_argv` per database; collect each child's JSON line."""
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
        results["sqlite"] = _child(script, "sqlite", child_argv, env)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        with fresh_postgres(url, Path(script).stem.removeprefix("bench_")) as own:
            env = {**os.environ, "DATABASE_URL": own}
            results["postgresql"] = _child(script, "postgresql", child_argv, env)
    return results


@contextlib.contextmanager
def fresh_postgres(url: str, suffix: str):
    """A new, empty database on the server of `url`, dropped afterwards."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'ishc'}_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _child(script: str, backend: str, child_argv: list[str], env: dict) -> dict:
    command = [sys.executable, script, "--backend", backend, *child_argv]
    out = subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def setup_django() -> None:
    """Configure Django for a child process and create the tables."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ishc.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
