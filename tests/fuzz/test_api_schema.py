"""Schemathesis against the service's own OpenAPI schema, as rep, marketing and admin.

For every operation, a bounded number of generated requests: valid ones aimed at real rows (the
ids of a small seeded world), valid ones with generated ids, and invalid ones. Every answer must
be below 500 and, where the schema documents its status, match the documented shape.
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
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from sqlmodel import Session

from app.core.settings import Settings
from tests.factories import Factory
from tests.security.test_endpoint_roles import build_world

EXAMPLES = int(os.environ.get("STRANG_FUZZ_EXAMPLES", "20"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
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


@pytest.mark.parametrize("role", ["rep", "marketing", "admin"])
def test_generated_requests_never_fail_and_match_the_schema(
    app: FastAPI, client: TestClient, factory: Factory, db: Session, settings: Settings, role: str
) -> None:
    world = build_world(client, factory, db, settings)
    headers = world.headers[role]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: (op.method.upper(), op.path) in LAST)
    run = 0

    for operation in operations:

        @seed(2026)
        @hypothesis_settings(
            max_examples=EXAMPLES,
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
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
    print(f"{role}: {run} generated requests over {len(operations)} operations")
    assert run >= len(operations)
