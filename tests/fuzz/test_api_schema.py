"""Schemathesis against the service's own OpenAPI schema, anonymous and as rep, marketing, admin.

For every operation, a bounded number of generated requests: valid ones aimed at real rows (the
ids of a small seeded world), valid ones with generated ids, and invalid ones. Every check runs
(no 5xx, only documented statuses, shapes, content types and headers, invalid input refused,
methods outside the schema refused with 405) but one: a schema-valid request may still be
refused where a rule is beyond JSON Schema (a row that does not exist, `from` after `to`, a
campaign ending before it starts), which `positive_data_acceptance` would count as a failure.
"""

import os
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from sqlmodel import Session

from app.core.settings import Settings
from tests.factories import Factory
from tests.security.test_endpoint_roles import build_world

# Generated requests per operation (at most; STRANG_FUZZ_EXAMPLES sets both): each role meets
# every operation on both databases (`run >= len(operations)` below). SQLite gets the wider pass;
# on PostgreSQL a smaller one runs the same kinds of request (real ids, generated valid, invalid)
# through its own driver and types (its errors on text, numbers and ids are not SQLite's).
# Generating the requests, not answering them, is most of this file's time.
EXAMPLES = {"sqlite": 7, "postgres": 3}
if "STRANG_FUZZ_EXAMPLES" in os.environ:
    EXAMPLES = dict.fromkeys(EXAMPLES, int(os.environ["STRANG_FUZZ_EXAMPLES"]))
EXCLUDED = [positive_data_acceptance]
# The push answers 200 with each malformed mutation rejected on its own (app/sync/push.py): a
# mutation that breaks the schema is refused inside the answer, not by the status.
PER_ITEM = {("POST", "/api/v1/sync/push")}
# Run last: it ends the fuzzing caller's own session.
LAST = {("POST", "/api/v1/auth/logout")}


def _strategy(operation: Any, params: dict[str, str]) -> st.SearchStrategy[Any]:
    names = {p.name for p in operation.path_parameters}
    real = {name: value for name, value in params.items() if name in names}
    choices = [
        operation.as_strategy(),
        operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
    ]
    if real:
        choices.insert(0, operation.as_strategy(path_parameters=real))
    return st.one_of(choices)


def _explained(error: Exception) -> str:
    """The failure, with what each inner failure said: a flaky one (failed once, passed when
    Hypothesis tried it again) otherwise names no request and no check."""
    inner = getattr(error, "exceptions", ())
    said = [str(error)[:800]] + [f"  - {type(e).__name__}: {str(e)[:1200]}" for e in inner]
    return "\n".join(said)


@pytest.mark.parametrize("role", ["anonymous", "rep", "marketing", "admin"])
def test_generated_requests_never_fail_and_match_the_schema(
    app: FastAPI,
    client: TestClient,
    factory: Factory,
    db: Session,
    settings: Settings,
    backend: str,
    role: str,
) -> None:
    world = build_world(client, factory, db, settings)
    headers = world.headers[role]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: (op.method.upper(), op.path) in LAST)
    run = 0
    failures = []

    for operation in operations:
        name = (operation.method.upper(), operation.path)

        @seed(2026)
        @hypothesis_settings(
            max_examples=EXAMPLES[backend],
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation, world.params))
        def check(case: Any) -> None:
            nonlocal run
            run += 1
            per_item = (case.operation.method.upper(), case.operation.path) in PER_ITEM
            excluded = EXCLUDED + ([negative_data_rejection] if per_item else [])
            case.call_and_validate(headers=headers, excluded_checks=excluded)

        try:
            check()
        except Exception as error:  # every failing operation is reported, not only the first
            failures.append(f"{' '.join(name)}: {_explained(error)}")
    print(f"{role}: {run} generated requests over {len(operations)} operations")
    assert not failures, "\n\n".join(failures)
    assert run >= len(operations)
