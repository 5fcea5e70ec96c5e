"""schemathesis against the app's own OpenAPI schema: no route answers 500, every status code a route
answers is documented, and JSON answers match their documented schema.

Run twice: without credentials (every route must refuse cleanly, with a documented code) and logged in
as an admin with a real session cookie and CSRF token, so the generated requests reach the handlers.
Generated path parameters are half the time replaced by the ids of real dossiers, fields and pages, so
handlers run on stored data too (random ids alone only ever meet 404). Valid and invalid (negative)
requests are both generated, and writes half the time carry the stored version, so saves go through.
Examples per operation: ``SOHOA_SCHEMA_EXAMPLES`` (default 40; a deeper run: 300).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from .conftest import Env, login

EXAMPLES = int(os.environ.get("SOHOA_SCHEMA_EXAMPLES", "40"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
KNOWN: dict[str, list[Any]] = {
    "dossier_id": ["d-a1", "d-a2", "d-a3", "d-b1", "d-c1"],
    "name": ["chassis_number", "owner_name", "plate_number", "engine_number", "owner_id_number"],
    "idx": [1],
    "i": [0],
}
# Ending the session would turn the rest of the authenticated run into 401s; logout has its own tests.
SKIP_AUTHENTICATED = {"POST /logout"}


def operations(env: Env) -> list[Any]:
    """Every operation of the app's schema (loaded through the app itself)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", env.app)
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


def fuzz_operation(
    env: Env, operation: Any, client: Any, headers: dict[str, str], failures: dict[str, str], answered: Counter[str]
) -> None:
    """Generate cases for one operation, send them through ``client`` and collect check failures."""
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(strategy)
        if case.path_parameters and data.draw(st.booleans()):
            for name, choices in KNOWN.items():
                if name in case.path_parameters:
                    case.path_parameters[name] = data.draw(st.sampled_from(choices))
            current = current_version(env, case.path_parameters)
            if current and isinstance(case.body, dict) and "version" in case.body and data.draw(st.booleans()):
                case.body["version"] = current  # a write at the version stored now, confirmed: it is saved
                json_api = isinstance(case.body.get("confirm", False), bool)
                case.body["confirm"] = True if json_api else str(case.body.get("value", ""))
        try:
            response = case.call(session=client, headers=headers)
            answered[f"{operation.label} {response.status_code}"] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as e:  # one group of failures per failing case
            for failure in getattr(e, "exceptions", [e]):
                kind = f"{operation.label}: {type(failure).__name__} {getattr(failure, 'status_code', '')}"
                failures.setdefault(kind, str(e)[:800])  # one example of each kind; every case still runs

    run()


def current_version(env: Env, path: dict[str, Any]) -> int | None:
    """The stored version of the field named by the path, when it names a real one."""
    if path.get("dossier_id") not in KNOWN["dossier_id"] or path.get("name") not in KNOWN["name"]:
        return None
    return env.repo.field_versions(path["dossier_id"]).get(path["name"])


def session_headers(env: Env, user: str) -> tuple[dict[str, str], dict[str, str]]:
    """A real login: the session cookie and the CSRF header of ``user``."""
    c, token = login(env, user)
    return {"sohoa_session": c.cookies.get("sohoa_session") or ""}, {"x-csrf-token": token}


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_route_conforms_to_its_openapi_schema(env: Env, who: str) -> None:
    cookies, headers = session_headers(env, who) if who != "anonymous" else ({}, {})
    failures: dict[str, str] = {}
    answered: Counter[str] = Counter()
    ran = 0
    with asgi.get_client(env.app) as client:  # type: ignore[arg-type]
        client.cookies.update(cookies)
        for operation in operations(env):
            if who != "anonymous" and operation.label in SKIP_AUTHENTICATED:
                continue
            fuzz_operation(env, operation, client, headers, failures, answered)
            ran += 1
    assert ran >= 25  # the schema lists the whole app (HTML screens and the JSON API)
    assert failures == {}, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
    reached = {key.rsplit(" ", 1)[0] for key in answered if key.rsplit(" ", 1)[1][0] in "23"}
    if who == "anonymous":
        assert reached == {"GET /login"}  # everything else refuses a caller without credentials
    else:
        assert len(reached) >= 20, sorted(reached)  # the handlers themselves ran, not only the refusals
