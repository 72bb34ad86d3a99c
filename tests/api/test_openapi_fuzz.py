"""Property-based tests of every operation /api/v1/openapi.json documents (schemathesis).

Schemathesis reads the schema the API serves and generates requests for each operation,
valid ones and invalid ones (wrong types, missing fields, odd Unicode, huge numbers,
nulls), and sends them to the Django application in-process (WSGI); the VC-API's
operations are sent to the site's root (/credentials/...) too. Four callers send them:
nobody (anonymous), alice (Uni A's issuer: her session, and Uni A's API token for the
VC-API), oscar (Uni A's owner, who may also change its profile, members, keys and
tokens) and dave (Uni B's owner: his session and Uni B's API token). Every answer must

- never be a server error (5xx);
- have a status code, content type, headers and body the schema documents for the
  operation;
- when it is an error, have the one error shape of docs/platform.md, "Errors".

Generated ids name nothing, so alice's and oscar's requests are also sent with the ids of
the path and of the body replaced by Uni A's real objects (her definition, award, token, bulk job,
wallet credential), and dave's only that way: then he must never succeed in changing any
of them. The test drives Hypothesis itself, one operation after the other, so that one
test database and one set of objects serve every operation of a caller.

The run is bounded for CI (a few derandomised examples per operation, about 15 s);
``CREDSTACK_FUZZ_EXAMPLES=200`` runs a longer search.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CheckContext
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from credstack.standards.fetch import OfflineFetcher
from tests.conftest import Personas

EXAMPLES = int(os.environ.get("CREDSTACK_FUZZ_EXAMPLES", "5"))
CSRF_TOKEN = "fuzzcsrftokenfuzzcsrftokenfuzz00"  # 32 characters, as Django's secret.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The transitions a path's {transition} takes, one picked per example.
TRANSITIONS = {
    "/definitions/{definition_id}/{transition}": ("submit", "approve", "publish", "retire"),
    "/awards/{award_id}/{transition}": ("suspend", "unsuspend", "revoke"),
}


@dataclass
class Caller:
    """Who sends a request: the cookies and headers that make them who they are."""

    name: str
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    # The objects the path's and the body's ids are replaced with; empty: send the
    # generated ids only.
    known_ids: dict[str, str] = field(default_factory=dict)
    known_body_ids: dict[str, str] = field(default_factory=dict)
    also_generated_ids: bool = True


@dataclass
class World:
    """Uni A's objects the fuzzed requests reach, by the name of the path parameter."""

    ids: dict[str, str]
    # The body's fields that name objects, with the objects they are set to.
    body_ids: dict[str, str]
    sessions: dict[str, str]
    tokens: dict[str, str]


def _session_cookie(user: Any) -> str:
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def wsgi_application() -> Iterator[Any]:
    """Django's WSGI application, as a server runs it, less one thing: after each request
    it must not close the database connection, which holds the test's transaction (as
    Django's test client does)."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(personas: Personas, published_definition: Any, settings: Any) -> World:
    from django.core.cache import cache

    from credstack.bulk.services import create_bulk_job
    from credstack.issuing.services import create_api_token, create_signing_key, issue_credential
    from credstack.wallet.services import add_issued_credential

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # Nothing leaves the machine: generated URLs are refused, never fetched.
    settings.CREDSTACK_VERIFICATION_FETCHER = OfflineFetcher()
    settings.CREDSTACK_VERIFY_RATE_LIMIT = 0
    cache.clear()

    create_signing_key(personas.uni_b, by=personas.dave)
    award = issue_credential(
        published_definition.published_version,
        recipient_email=personas.alice.email,
        recipient_name="Alice",
        by=personas.alice,
    )
    held = add_issued_credential(personas.alice, award.credential).credential
    job = create_bulk_job(
        published_definition.published_version,
        b"email,name\nlearner@example.org,Learner One\n",
        by=personas.alice,
    )
    token_row, uni_a_token = create_api_token(
        personas.uni_a, name="fuzz", scopes=["issue", "status"], by=personas.oscar
    )
    _, uni_b_token = create_api_token(
        personas.uni_b, name="fuzz", scopes=["issue", "status"], by=personas.dave
    )
    return World(
        ids={
            "organisation_id": personas.uni_a.public_id,
            "definition_id": published_definition.public_id,
            "award_id": award.public_id,
            "user_id": personas.victor.public_id,
            "token_id": token_row.public_id,
            "credential_id": held.public_id,
            "job_id": job.public_id,
        },
        body_ids={
            "definition_id": published_definition.public_id,
            "definition": published_definition.public_id,
            "credentialId": award.credential_id,
        },
        sessions={
            "alice": _session_cookie(personas.alice),
            "oscar": _session_cookie(personas.oscar),
            "dave": _session_cookie(personas.dave),
        },
        tokens={"alice": uni_a_token, "oscar": uni_a_token, "dave": uni_b_token},
    )


@pytest.fixture(params=["anonymous", "alice", "oscar", "dave"])
def caller(request: pytest.FixtureRequest, world: World) -> Caller:
    name = request.param
    if name == "anonymous":
        return Caller(name)
    return Caller(
        name,
        cookies={"sessionid": world.sessions[name], "csrftoken": CSRF_TOKEN},
        headers={"X-CSRFToken": CSRF_TOKEN, "Authorization": f"Bearer {world.tokens[name]}"},
        known_ids=world.ids,
        known_body_ids=world.body_ids,
        also_generated_ids=name != "dave",
    )


def error_shape(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    """An error answer is ``{"error": {"code", "message", "details"?}}`` (docs/platform.md)."""
    if response.status_code < 400:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"the {response.status_code} answer is not JSON") from None
    assert isinstance(body, dict) and set(body) == {"error"}, f"not the error shape: {body}"
    error = body["error"]
    assert isinstance(error, dict), f"not the error shape: {body}"
    assert set(error) <= {"code", "message", "details"}, f"unknown error fields: {body}"
    assert isinstance(error.get("code"), str) and error["code"], f"no error code: {body}"
    assert isinstance(error.get("message"), str) and error["message"], f"no message: {body}"
    return True


CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _with_known_ids(case: Any, caller: Caller) -> Iterator[bool]:
    """Make ``case`` send the generated ids (yields False) and/or Uni A's real objects
    in their place (yields True), as the caller does; then restore it."""
    generated_path, generated_body = case.path_parameters, case.body
    try:
        if caller.also_generated_ids or not caller.known_ids:
            yield False
        if not caller.known_ids:
            return
        path = dict(generated_path or {})
        for name, value in path.items():
            if name == "transition":
                choices = next(
                    (
                        found
                        for end, found in TRANSITIONS.items()
                        if case.operation.path.endswith(end)
                    ),
                    (),
                )
                # The generated value picks the transition, so examples differ.
                path[name] = choices[zlib.crc32(repr(value).encode()) % len(choices)]
            elif name in caller.known_ids:
                path[name] = caller.known_ids[name]
        body = generated_body
        if isinstance(body, dict):
            body = {
                name: caller.known_body_ids.get(name, value) if isinstance(value, str) else value
                for name, value in body.items()
            }
        if path == (generated_path or {}) and body == generated_body:
            return
        case.path_parameters, case.body = path or generated_path, body
        yield True
    finally:
        case.path_parameters, case.body = generated_path, generated_body


def _send(case: Any, caller: Caller) -> None:
    for known in _with_known_ids(case, caller):
        response = case.call(headers=caller.headers, cookies=caller.cookies)
        assert response.status_code < 500, (
            f"{caller.name}: {case.method} {case.formatted_path} answered "
            f"{response.status_code}: {response.content[:2000]!r}"
        )
        case.validate_response(response, checks=CHECKS, additional_checks=[error_shape])
        if caller.name == "dave" and known and case.method in UNSAFE_METHODS:
            assert response.status_code >= 400, (
                f"dave changed Uni A's object: {case.method} {case.formatted_path} "
                f"answered {response.status_code}"
            )


def _root_vc_api_operations(document: dict[str, Any], application: Any) -> list[Any]:
    """The VC-API operations as served at the site's root (/credentials/...), which
    /api/v1/ documents under its own prefix."""
    root = copy.deepcopy(document)
    root["paths"] = {
        path.removeprefix("/api/v1"): operations
        for path, operations in document["paths"].items()
        if path.startswith("/api/v1/credentials/")
    }
    assert len(root["paths"]) == 3, "the VC-API lost an operation"
    schema = schemathesis.openapi.from_dict(root)
    schema.app = application
    return [result.ok() for result in schema.get_all_operations()]


def _cases(operation: Any) -> Any:
    """Valid and invalid requests for ``operation`` (invalid only where it takes input)."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    # An operation without input has no invalid request.
    with contextlib.suppress(Exception):
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    return st.one_of(strategies)


@pytest.mark.django_db
def test_every_documented_operation_answers_any_input_without_a_server_error(
    caller: Caller, world: World, wsgi_application: Any, settings: Any
) -> None:
    # An exception reaches the test with its traceback instead of becoming a 500 page.
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30, "the schema lost its operations"
    operations += _root_vc_api_operations(schema.raw_schema, wsgi_application)
    failures: list[str] = []
    for operation in operations:

        @hypothesis_settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_cases(operation))
        def fuzz(case: Any) -> None:
            # A savepoint per example: a database error (PostgreSQL then refuses every
            # later query of the transaction) is reported for its own request alone.
            with transaction.atomic():
                _send(case, caller)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as error:
            notes = "\n".join(getattr(error, "__notes__", ()))
            failures.append(f"{operation.label}: {type(error).__name__}: {error}\n{notes}")
    assert not failures, "\n\n".join(failures)


# Values a client could put anywhere in a credential: any JSON, with odd text and numbers.
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
)


def _json_containers(children: Any) -> Any:
    return st.lists(children, max_size=3) | st.dictionaries(
        st.text(max_size=10), children, max_size=3
    )


ANY_JSON = st.recursive(JSON_SCALARS, _json_containers, max_leaves=8)
DATES = (
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat())
    | st.datetimes().map(lambda moment: moment.isoformat())
    | st.sampled_from(["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2026-02-30", "now"])
    | ANY_JSON
)


def _maybe(key: str, values: Any) -> Any:
    """A one-member dict or an empty one: the member may be left out."""
    return st.one_of(st.just({}), values.map(lambda value: {key: value}))


@st.composite
def vc_api_credentials(draw: Any, achievement_ids: list[str]) -> dict[str, Any]:
    """A VC-API issue request around one of Uni A's achievements, every other part of it
    valid, odd or of the wrong kind."""
    identity = st.fixed_dictionaries(
        {
            "type": st.just("IdentityObject"),
            "identityType": st.sampled_from(["emailAddress", "name", ""]) | ANY_JSON,
            "hashed": st.booleans() | ANY_JSON,
            "identityHash": st.emails() | st.text(max_size=300) | ANY_JSON,
        }
    )
    subject: dict[str, Any] = {"achievement": {"id": draw(st.sampled_from(achievement_ids))}}
    valid_identity = st.emails().map(
        lambda email: [
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": False,
                "identityHash": email,
            }
        ]
    )
    subject |= draw(
        _maybe("identifier", valid_identity | st.lists(identity, max_size=2) | ANY_JSON)
    )
    subject |= draw(_maybe("id", st.sampled_from(["did:example:learner"]) | ANY_JSON))
    subject |= draw(_maybe("name", st.text(max_size=400) | ANY_JSON))
    subject |= draw(
        _maybe("result", st.lists(st.fixed_dictionaries({"value": ANY_JSON}), max_size=2))
    )
    credential: dict[str, Any] = {"credentialSubject": subject}
    for name in ("validFrom", "awardedDate", "validUntil"):
        credential |= draw(_maybe(name, DATES))
    evidence = st.fixed_dictionaries(
        {"id": st.sampled_from(["https://example.org/work"]) | ANY_JSON, "narrative": ANY_JSON}
    )
    credential |= draw(_maybe("evidence", st.lists(evidence, max_size=2) | ANY_JSON))
    options = draw(_maybe("idempotencyKey", st.text(max_size=250) | ANY_JSON))
    return {"credential": credential, "options": options}


@pytest.mark.django_db
def test_the_vc_api_issues_or_refuses_any_credential_of_a_published_achievement(
    world: World, published_definition: Any, client: Any
) -> None:
    """Requests that name a real achievement reach the awarding code itself, which the
    schema-driven requests above, built on made-up ids, seldom do."""
    from credstack.issuing.achievement import achievement_id
    from credstack.issuing.models import Award

    achievements = [
        published_definition.public_id,
        achievement_id(published_definition.published_version),
    ]

    @hypothesis_settings(
        max_examples=EXAMPLES * 6,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=vc_api_credentials(achievements))
    def issue(request: dict[str, Any]) -> None:
        awards_before = Award.objects.count()
        response = client.post(
            "/credentials/issue",
            json.dumps(request),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {world.tokens['alice']}",
        )
        assert response.status_code in (201, 409, 422), response.content
        body = response.json()
        if response.status_code == 201:
            assert body["verifiableCredential"]["proof"]
            assert Award.objects.count() <= awards_before + 1
        else:
            assert set(body) == {"error"} and body["error"]["message"], body
            assert Award.objects.count() == awards_before

    issue()
