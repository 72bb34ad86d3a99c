"""The W3C VC-API issuer endpoints and the API tokens that guard them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from credstack.common.errors import PermissionDeniedError, ValidationFailedError
from credstack.issuing.achievement import achievement_id
from credstack.issuing.models import ApiToken, Award
from credstack.issuing.services import create_api_token, revoke_api_token
from credstack.standards import verify
from tests.issuing.awarding import instance_fetcher


@pytest.fixture
def token(personas) -> str:
    _, secret = create_api_token(
        personas.uni_a, name="LMS", scopes=["issue", "status"], by=personas.oscar
    )
    return secret


def _credential(definition, **subject):
    body = {
        "type": ["AchievementSubject"],
        "achievement": {"id": achievement_id(definition.published_version)},
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": False,
                "identityHash": "bob@example.org",
            }
        ],
        "name": "Bob",
    }
    body.update(subject)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": body,
        "validUntil": "2030-01-01T00:00:00Z",
    }


def _issue(client, token, credential, path="/credentials/issue", **headers):
    return client.post(
        path,
        {"credential": credential, "options": {}},
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **headers,
    )


@pytest.mark.parametrize("path", ["/credentials/issue", "/api/v1/credentials/issue"])
def test_it_issues_a_verifiable_credential(published_definition, token, client, path):
    response = _issue(client, token, _credential(published_definition), path)
    assert response.status_code == 201, response.content
    credential = response.json()["verifiableCredential"]
    award = Award.objects.get(credential_id=credential["id"])
    assert credential["credentialSubject"]["name"] == "Bob"
    assert credential["validUntil"] == "2030-01-01T00:00:00Z"
    now = datetime.now(UTC)
    assert verify(credential, fetcher=instance_fetcher(award), now=now).verdict == "valid"
    assert ApiToken.objects.get().last_used_at is not None


def test_the_idempotency_key_header_is_honoured(published_definition, token, client):
    first = _issue(client, token, _credential(published_definition), HTTP_IDEMPOTENCY_KEY="k1")
    second = _issue(client, token, _credential(published_definition), HTTP_IDEMPOTENCY_KEY="k1")
    assert first.json() == second.json()
    assert Award.objects.count() == 1


def test_it_accepts_the_definition_id_as_achievement_id(published_definition, token, client):
    credential = _credential(
        published_definition, achievement={"id": published_definition.public_id}
    )
    assert _issue(client, token, credential).status_code == 201


def test_it_refuses_an_achievement_it_does_not_publish(published_definition, token, client):
    credential = _credential(
        published_definition, achievement={"id": "https://elsewhere.example/badge"}
    )
    response = _issue(client, token, credential)
    assert response.status_code == 422
    assert "not published here" in response.json()["error"]["details"]["problems"][0]


def test_it_refuses_a_missing_or_bad_token(published_definition, token, client):
    assert _issue(client, "cst_wrong", _credential(published_definition)).status_code == 401
    response = client.post("/credentials/issue", {"credential": {}}, "application/json")
    assert response.status_code == 401
    revoke_api_token(ApiToken.objects.get(), by=None)
    assert _issue(client, token, _credential(published_definition)).status_code == 401
    assert not Award.objects.exists()


def test_a_token_only_acts_within_its_scopes(personas, published_definition, client):
    _, status_only = create_api_token(personas.uni_a, name="s", scopes=["status"], by=None)
    response = _issue(client, status_only, _credential(published_definition))
    assert response.status_code == 403


def test_a_token_of_uni_b_cannot_issue_uni_a_definitions(personas, published_definition, client):
    _, uni_b_token = create_api_token(personas.uni_b, name="b", scopes=["issue"], by=personas.dave)
    assert _issue(client, uni_b_token, _credential(published_definition)).status_code == 422


def _status(client, token, credential_id, status):
    return client.post(
        "/credentials/status",
        {
            "credentialId": credential_id,
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": status}],
        },
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_it_revokes_and_suspends_through_the_status_endpoint(published_definition, token, client):
    credential = _issue(client, token, _credential(published_definition)).json()[
        "verifiableCredential"
    ]
    assert _status(client, token, credential["id"], "suspended").json()["status"] == "suspended"
    assert _status(client, token, credential["id"], "active").json()["status"] == "active"
    assert _status(client, token, credential["id"], "revoked").json()["status"] == "revoked"
    assert _status(client, token, credential["id"], "active").status_code == 409
    award = Award.objects.get()
    now = datetime.now(UTC)
    assert verify(credential, fetcher=instance_fetcher(award), now=now).verdict == "revoked"
    assert _status(client, token, "urn:uuid:nothing", "revoked").status_code == 404


def test_a_token_of_uni_b_cannot_change_uni_a_credentials(
    personas, published_definition, token, client
):
    credential_id = _issue(client, token, _credential(published_definition)).json()[
        "verifiableCredential"
    ]["id"]
    _, uni_b_token = create_api_token(personas.uni_b, name="b", scopes=["status"], by=None)
    assert _status(client, uni_b_token, credential_id, "revoked").status_code == 404
    assert Award.objects.get().status == "active"


def test_only_key_managers_create_tokens_and_only_hashes_are_stored(personas):
    with pytest.raises(PermissionDeniedError):
        create_api_token(personas.uni_a, name="x", scopes=["issue"], by=personas.alice)
    with pytest.raises(PermissionDeniedError):
        create_api_token(personas.uni_a, name="x", scopes=["issue"], by=personas.dave)
    with pytest.raises(ValidationFailedError):
        create_api_token(personas.uni_a, name="x", scopes=["admin"], by=personas.oscar)
    row, secret = create_api_token(personas.uni_a, name="x", scopes=["issue"], by=personas.ada)
    assert secret.startswith("cst_") and len(secret) > 40
    stored = ApiToken.objects.values_list("token_hash", flat=True).get(pk=row.pk)
    assert secret not in stored and len(stored) == 64


def test_the_openapi_schema_documents_the_vc_api(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/credentials/issue" in paths
    assert "/api/v1/credentials/status" in paths


def test_owners_manage_tokens_over_the_api(personas, published_definition, client):
    base = f"/api/v1/organisations/{personas.uni_a.public_id}/tokens"
    client.force_login(personas.oscar)
    created = client.post(base, {"name": "LMS", "scopes": ["issue"]}, "application/json")
    assert created.status_code == 201
    token = created.json()["token"]
    assert "token" not in client.get(base).json()[0]
    assert _issue(client, token, _credential(published_definition)).status_code == 201
    revoked = client.delete(f"{base}/{created.json()['id']}")
    assert revoked.json()["revoked_at"] is not None
    assert _issue(client, token, _credential(published_definition)).status_code == 401
    client.force_login(personas.alice)
    assert client.get(base).status_code == 403
    client.force_login(personas.dave)
    assert client.post(
        base, {"name": "x", "scopes": ["issue"]}, "application/json"
    ).status_code == (404)
