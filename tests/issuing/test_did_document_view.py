"""The did:web DID document the app serves for each organisation."""

from __future__ import annotations

import pytest
from django.test import override_settings

from credstack.issuing.identifiers import did_web_authority
from credstack.issuing.services import create_signing_key, rotate_signing_key


def test_it_serves_every_key_at_the_did_web_path(personas, client):
    first = create_signing_key(personas.uni_a, by=personas.oscar)
    second = rotate_signing_key(personas.uni_a, by=personas.oscar)
    response = client.get("/orgs/uni-a/did.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/did+json"
    assert response["Access-Control-Allow-Origin"] == "*"  # resolvers in browsers
    document = response.json()
    assert document["id"] == "did:web:credstack.test:orgs:uni-a"
    assert [method["publicKeyMultibase"] for method in document["verificationMethod"]] == [
        first.public_key_multibase,
        second.public_key_multibase,
    ]
    assert "secret" not in response.content.decode().lower()


def test_it_answers_404_without_keys_or_organisation(personas, client):
    assert client.get("/orgs/uni-a/did.json").status_code == 404
    assert client.get("/orgs/nobody/did.json").status_code == 404


def test_it_serves_no_did_web_on_a_local_instance(personas, client):
    create_signing_key(personas.uni_a, by=personas.oscar)
    with override_settings(
        CREDSTACK_BASE_URL="http://127.0.0.1:8000", ALLOWED_HOSTS=["testserver"]
    ):
        assert client.get("/orgs/uni-a/did.json").status_code == 404


@pytest.mark.parametrize(
    ("base_url", "authority"),
    [
        ("https://badges.example.edu", "did:web:badges.example.edu"),
        ("https://Badges.Example.edu:8443", "did:web:badges.example.edu%3A8443"),
        ("https://example.edu/credstack", "did:web:example.edu:credstack"),
        ("http://badges.example.edu", None),
        ("https://localhost:8000", None),
        ("https://127.0.0.1", None),
        ("https://app.localhost", None),
        ("https://intranet", None),
    ],
)
def test_it_uses_did_web_only_for_a_real_https_domain(base_url, authority):
    assert did_web_authority(base_url) == authority
