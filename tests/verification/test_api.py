"""The VC-API endpoint POST /credentials/verify, at the VC-API path and under /api/v1/."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from credstack.standards import sign
from credstack.verification.api import VerifyCredentialResponse
from tests.verification.credentials import SignedSet, micro_credential

PATHS = ["/credentials/verify", "/api/v1/credentials/verify"]


def post(client: Client, path: str, body: Any) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json")


@pytest.mark.parametrize("path", PATHS)
def test_it_verifies_a_credential_signed_by_credstack(
    client: Client, path: str, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    response = post(client, path, {"verifiableCredential": signed.credential, "options": {}})
    assert response.status_code == 200
    result = response.json()
    assert result["verified"] is True
    assert result["verdict"] == "valid"
    assert result["errors"] == []
    assert {"proof", "issuer_binding", "status"} <= set(result["checks"])
    assert result["issuer"] == {
        "id": signed.issuer,
        "name": "Universidade Exemplo, Faculty of Science",
    }
    assert [r["check"] for r in result["results"]][:3] == ["format", "data_model", "proof"]


def test_it_reports_a_tampered_credential_with_its_errors(
    client: Client, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    result = post(client, PATHS[0], {"verifiableCredential": signed.tampered()}).json()
    assert result["verified"] is False
    assert result["verdict"] == "invalid"
    assert result["errors"][0]["title"] == "proof: failed"


def test_it_reports_a_revoked_credential(
    client: Client, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    status_list(revoked=True)
    result = post(client, PATHS[0], {"verifiableCredential": signed.credential}).json()
    assert result["verified"] is False
    assert result["verdict"] == "revoked"


def test_it_verifies_a_vc_jwt_string(client: Client, signed: SignedSet) -> None:
    unsigned = micro_credential()
    del unsigned["credentialStatus"]
    token = sign(unsigned, signed.key_pair, suite="vc-jwt")
    result = post(client, PATHS[0], {"verifiableCredential": token}).json()
    assert result["verdict"] == "valid"
    assert result["format"] == "jwt"


def test_it_checks_the_recipient_given_in_the_options(
    client: Client, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    body = {"verifiableCredential": signed.credential, "options": {"recipient": "eve@example.org"}}
    result = post(client, PATHS[0], body).json()
    assert result["verdict"] == "invalid"
    assert any(e["title"] == "recipient: failed" for e in result["errors"])


@pytest.mark.parametrize(
    "answer", ["valid", "tampered", "revoked", "wrong recipient", "not a credential", "no type"]
)
@pytest.mark.parametrize("path", PATHS)
def test_every_answer_conforms_to_the_documented_response_schema(
    client: Client, path: str, answer: str, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    credential: Any = signed.credential
    options = {}
    if answer == "tampered":
        credential = signed.tampered()
    elif answer == "revoked":
        status_list(revoked=True)
    elif answer == "wrong recipient":
        options = {"recipient": "eve@example.org"}
    elif answer == "not a credential":
        credential = "not-a-jwt"
    elif answer == "no type":
        credential = {k: v for k, v in signed.credential.items() if k != "type"}
    response = post(client, path, {"verifiableCredential": credential, "options": options})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    result = VerifyCredentialResponse.model_validate(response.json())
    assert result.verified is (answer == "valid")
    assert result.model_dump(mode="json") == response.json()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"verifiableCredential": ', "not valid JSON"),
        ("[]", "must be a JSON object"),
        ({}, "verifiableCredential is required"),
        ({"verifiableCredential": 42}, "verifiableCredential is required"),
        ({"verifiableCredential": {"a": 1}, "options": []}, "options must be a JSON object"),
        ({"verifiableCredential": "https://a.example/c"}, "not a URL"),
        (b"\xff\xfe garbage", "not valid JSON"),
    ],
)
@pytest.mark.parametrize("path", PATHS)
def test_it_answers_a_malformed_request_with_400(
    client: Client, path: str, body: Any, message: str
) -> None:
    response = post(client, path, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_submission"
    assert message in error["message"]


@pytest.mark.parametrize("path", PATHS)
def test_it_answers_an_oversized_body_with_413(client: Client, path: str, settings: Any) -> None:
    settings.CREDSTACK_VERIFY_MAX_BYTES = 4096
    body = {"verifiableCredential": {"name": "x" * 5000}}
    response = post(client, path, body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_an_unparseable_credential_is_a_report_not_an_error(client: Client) -> None:
    result = post(client, PATHS[0], {"verifiableCredential": "not-a-jwt"}).json()
    assert result["verified"] is False
    assert result["verdict"] == "invalid"


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_it_reads_no_database_and_sets_no_cookie(
    client: Client,
    path: str,
    signed: SignedSet,
    status_list: Callable[..., None],
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(0):
        response = post(client, path, {"verifiableCredential": signed.credential})
    assert response.json()["verified"] is True
    assert not response.cookies  # no session, no CSRF token: nothing kept per visitor


def test_it_needs_no_login_and_no_csrf_token(signed: SignedSet) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = post(strict, PATHS[0], {"verifiableCredential": signed.credential})
    assert response.status_code == 200


@pytest.mark.parametrize("path", PATHS)
def test_a_verifier_defect_is_answered_with_422_not_a_crash(
    client: Client, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise TypeError("unhashable type: 'dict'")

    monkeypatch.setattr("credstack.verification.services.verify", broken)
    response = post(client, path, {"verifiableCredential": {"@context": [{}]}})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "verifier_failure"


def test_it_is_documented_in_the_openapi_schema(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/credentials/verify"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "verifiableCredential" in body["properties"]
    assert {"200", "400", "413"} <= set(operation["responses"])
    assert operation.get("security") in (None, [])


@pytest.mark.parametrize("path", PATHS)
def test_it_answers_too_many_requests_with_429(
    client: Client, path: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CREDSTACK_VERIFY_RATE_LIMIT = 1
    monkeypatch.setattr("credstack.verification.services.clock", lambda: 1234.5)
    assert post(client, path, {"verifiableCredential": "x"}).status_code == 200
    refused = post(client, path, {"verifiableCredential": "x"})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused["Retry-After"] == "25"
