"""Schemathesis' stateful phase: sequences of calls where a later call uses what an earlier one
answered (a campaign made, then its collateral added, its share revoked, ...), following the
links Schemathesis infers from the schema. Every check runs but `positive_data_acceptance`
(see test_api_schema.py); the caller's own logout is left out, since it ends the sequence's
session."""

import os
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from sqlmodel import Session

from app.core.settings import Settings
from tests.factories import Factory
from tests.fuzz.test_api_schema import EXCLUDED
from tests.security.test_endpoint_roles import build_world

SEQUENCES = int(os.environ.get("STRANG_FUZZ_SEQUENCES", "20"))


@pytest.mark.parametrize("role", ["rep", "marketing", "admin"])
def test_call_sequences_never_fail_and_match_the_schema(
    app: FastAPI, client: TestClient, factory: Factory, db: Session, settings: Settings, role: str
) -> None:
    world = build_world(client, factory, db, settings)
    headers = world.headers[role]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    calls: list[tuple[str, str]] = []

    class Sequences(schema.exclude(path="/api/v1/auth/logout").as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            calls.append((case.operation.method.upper(), case.operation.path))
            return {"headers": headers}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(response, excluded_checks=EXCLUDED)

    Sequences.run(
        settings=hypothesis_settings(
            max_examples=SEQUENCES,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    print(f"{role}: {len(calls)} calls over {len(set(calls))} operations")
    assert len(set(calls)) >= 10  # the sequences reached well beyond one or two operations
