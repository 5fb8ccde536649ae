"""What the money benchmarks share: each database is measured in a child process of its own
(Django is configured once per process), SQLite in a throw-away file, then the PostgreSQL named by
DATABASE_URL if there is one."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_on_each_database(script: str, child_argv: list[str]) -> dict:
    """Run `script --backend <name> *child_argv` per database; collect each child's JSON line."""
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
        results["sqlite"] = _child(script, "sqlite", child_argv, env)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        results["postgresql"] = _child(script, "postgresql", child_argv, dict(os.environ))
    return results


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
