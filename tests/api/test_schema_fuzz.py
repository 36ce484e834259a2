"""Schemathesis over every operation the OpenAPI document lists, in-process.

A bounded, reproducible slice of ``make fuzz``: every phase (examples, coverage,
fuzzing, stateful), every check in tests/support/fuzz.py (STRICT_CHECKS, with
positive_data_acceptance, as the long campaign), a fixed seed and
derandomized generation, against the app on this lane's PostgreSQL with committed
seed data and a real user's bearer token. Operations are read from the document, so
a new endpoint is fuzzed the day it is added.
"""

import schemathesis

from taskmanager import jobs
from tests.conftest import empty_tables
from tests.support import fuzz

# Small enough for make test (about a minute here); make fuzz runs the long campaign.
MAX_EXAMPLES = 5
MAX_STEPS = 4


def test_no_operation_fails_a_schemathesis_check(committed_app, monkeypatch):
    # Ids from 1 whatever ran before in this lane: the same seed draws the same requests.
    empty_tables(committed_app)
    # No worker runs here: jobs (confirmation and invitation emails) are not queued
    # for a later test's worker to find.
    monkeypatch.setattr(jobs, "publish", lambda task, kwargs: None)
    seeded = fuzz.seed(committed_app)
    # positive_data_acceptance too: the document is exact, so a schema-valid request is
    # never a 400 (tests/api/test_document_is_exact.py pins each place it once was).
    config = fuzz.config(max_examples=MAX_EXAMPLES, max_steps=MAX_STEPS, checks=fuzz.STRICT_CHECKS)
    schema = schemathesis.openapi.from_wsgi(fuzz.SPEC_PATH, committed_app, config=config)
    fuzz.use_bearer_token(schema, committed_app, seeded.email)
    documented = {
        f"{method.upper()} {path}"
        for path, item in schema.raw_schema["paths"].items()
        for method in item
        if method in ("get", "put", "post", "patch", "delete")
    }

    outcome = fuzz.run(schema)

    assert outcome.ok, outcome.report("schemathesis in-process")
    assert outcome.operations == documented, "operations the fuzzer never called"
