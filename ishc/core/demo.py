"""Demo data for `make run`: each app contributes a build(ctx) step, run in this order. Steps are
idempotent, so re-running `make run` changes nothing."""

import importlib
from dataclasses import dataclass, field

DEMO_STEPS = [
    "ishc.clubs.demo",
    "ishc.accounts.demo",
    "ishc.finance.demo",
    "ishc.activities.demo",
    # Reports freeze fund and loan figures on submission, so they come after the funds.
    "ishc.reports.demo",
    "ishc.board.demo",
    "ishc.indicators.demo",
]

DEMO_PASSWORD = "ishc-demo-2026"


@dataclass
class DemoContext:
    """Shared between steps: what earlier steps built, by name."""

    objects: dict = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def build() -> DemoContext:
    ctx = DemoContext()
    for name in DEMO_STEPS:
        importlib.import_module(name).build(ctx)
    return ctx
