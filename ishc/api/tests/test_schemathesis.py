"""The served schema, exercised by schemathesis: for every operation a bounded number of
generated requests (valid and invalid), sent with a real token through the WSGI app, must never
answer 5xx and every answer must match the schema (status, content type, body, headers).

Bounded by SCHEMATHESIS_EXAMPLES (default 8 per operation and mode) so that `make test` stays quick.
"""

import datetime
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ishc.api.tokens import create_token
from ishc.finance.tests.conftest import active_loan, capital, make_member
from ishc.reports.services import create_report
from ishc.wsgi import application

EXAMPLES = int(os.getenv("SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


@pytest.fixture
def _keep_the_test_connection():
    # The WSGI handler closes the database connection after each request (as it should in
    # production); inside a test that connection holds the test's transaction. Django's own test
    # Client turns this off the same way.
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(world, settings, _keep_the_test_connection):
    # The rate limit is tested on its own; here hundreds of requests share one token.
    settings.ISHC = {**settings.ISHC, "API_REQUESTS_PER_MINUTE": 10**6}
    member = make_member(world.A, "Nguyễn Thị Hoa", world.kinh)
    capital(world.central, world.A, 5_000_000)
    active_loan(world.central, world.A, member, 1_000_000, datetime.date(2025, 1, 10))
    create_report(world.central, world.A, datetime.date(2025, 1, 1))
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def bearer(world):
    return {"Authorization": f"Bearer {create_token(world.central, name='schemathesis')[1]}"}


def test_it_answers_every_generated_request_within_the_schema(api_schema, bearer):
    # Each operation gets its own Hypothesis run, positive (valid per the schema) and negative
    # (invalid) data alike, so one operation's failure names it.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                case.call_and_validate(headers=bearer, checks=CHECKS)

            run()
