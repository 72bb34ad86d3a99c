"""The public verifier checks this instance's own awards from its database: by the QR
code's link, by upload and over the VC-API, on a deployment (did:web) and on a local
instance (did:key on http://127.0.0.1), where the network fetcher refuses every request."""

from __future__ import annotations

import json
import re

import pytest

from credstack.issuing.services import revoke_credential
from tests.issuing.award_pages import award_for_bob

BASE_URLS = ["https://credstack.test", "http://127.0.0.1:8000"]


@pytest.fixture(params=BASE_URLS)
def award(request, settings, personas, published_definition):
    settings.CREDSTACK_BASE_URL = request.param
    return award_for_bob(personas, published_definition)


def _verdict_of_link(client, settings, award) -> str:
    link = f"{settings.CREDSTACK_BASE_URL}/c/{award.public_id}/json"
    response = client.get("/verify/", {"url": link})
    assert response.status_code == 200
    found = re.search(r'data-verdict="([a-z_]+)"', response.content.decode())
    assert found is not None
    return found[1]


def test_the_issuer_is_did_web_on_a_deployment_and_did_key_locally(settings, award):
    expected = "did:key:" if settings.CREDSTACK_BASE_URL.startswith("http:") else "did:web:"
    assert award.credential["issuer"]["id"].startswith(expected)


def test_the_verifier_page_verifies_an_award_by_its_link(client, settings, award):
    assert _verdict_of_link(client, settings, award) == "valid"


def test_the_verifier_page_sees_a_revocation_at_once(client, settings, award, personas):
    revoke_credential(award, by=personas.alice, reason="Awarded in error")
    assert _verdict_of_link(client, settings, award) == "revoked"


def test_the_vc_api_verifies_an_award_of_this_instance(client, award, personas):
    body = {"verifiableCredential": award.credential}
    response = client.post("/credentials/verify", json.dumps(body), "application/json")
    assert response.status_code == 200
    assert response.json()["verdict"] == "valid", response.json()
    revoke_credential(award, by=personas.alice, reason="Awarded in error")
    response = client.post("/credentials/verify", json.dumps(body), "application/json")
    assert response.json()["verdict"] == "revoked"


def test_the_verifier_page_verifies_an_award_by_its_shared_page_address(client, settings, award):
    page = f"{settings.CREDSTACK_BASE_URL}/c/{award.public_id}/"
    response = client.get("/verify/", {"url": page})
    found = re.search(r'data-verdict="([a-z_]+)"', response.content.decode())
    assert found is not None and found[1] == "valid"


def test_the_public_page_answers_a_json_client_with_the_credential(client, award):
    path = f"/c/{award.public_id}/"
    as_json = client.get(path, HTTP_ACCEPT="application/ld+json")
    assert as_json.status_code == 200
    assert json.loads(as_json.content) == award.credential
    assert "Content-Disposition" not in as_json
    as_page = client.get(path, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert as_page["Content-Type"].startswith("text/html")
    for response in (as_json, as_page):
        assert "Accept" in [field.strip() for field in response["Vary"].split(",")]
