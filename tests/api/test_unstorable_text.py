"""Text no database can store (a NUL character, a lone surrogate) is refused where it
enters, naming where it is, and nothing is written. PostgreSQL answered such input with a
server error; SQLite stored it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credstack.bulk.models import BulkJob
from credstack.common.text import MAX_PROBLEMS, unstorable_text
from credstack.issuing.models import AchievementDefinition, Award
from credstack.wallet.models import WalletCredential
from tests.conftest import Personas


def test_it_names_every_string_and_key_that_cannot_be_stored() -> None:
    value = {"a": ["fine", "nul\x00"], "b\ud800": 1, "c": {"d": "\udc00", "e": 3}}
    assert unstorable_text(value, "credential") == [
        "credential: a member's name holds a lone surrogate, which is not Unicode text",
        "credential.a[1]: holds a NUL character, which text cannot contain",
        "credential.c.d: holds a lone surrogate, which is not Unicode text",
    ]
    assert unstorable_text({"text": "ünïcødé 学习 🎓", "n": [1, None, True]}) == []


def test_it_reads_json_nested_as_deep_as_the_parser_allows() -> None:
    deep = json.loads("[" * 900 + '"\\u0000"' + "]" * 900)
    assert unstorable_text(deep) == [
        "[0]" * 900 + ": holds a NUL character, which text cannot contain"
    ]


def test_it_stops_after_enough_problems() -> None:
    assert len(unstorable_text(["\x00"] * 1000)) == MAX_PROBLEMS


@pytest.fixture
def api_token(personas: Personas) -> str:
    from credstack.issuing.services import create_api_token

    _, token = create_api_token(
        personas.uni_a, name="t", scopes=["issue", "status"], by=personas.oscar
    )
    return token


@pytest.mark.parametrize("path", ["/credentials/issue", "/api/v1/credentials/issue"])
@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Al\u0000ice", "holds a NUL character, which text cannot contain"),
        ("Al\ud800ice", "holds a lone surrogate, which is not Unicode text"),
    ],
)
def test_the_vc_api_refuses_a_credential_with_unstorable_text(
    published_definition: Any, api_token: str, client: Any, path: str, name: str, why: str
) -> None:
    subject = {
        "name": name,
        "achievement": {"id": published_definition.public_id},
        "identifier": [
            {"identityType": "emailAddress", "hashed": False, "identityHash": "a@example.org"}
        ],
    }
    response = client.post(
        path,
        json.dumps({"credential": {"credentialSubject": subject}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token}",
    )
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "unstorable_text"
    assert response.json()["error"]["details"]["problems"] == [
        f"credential.credentialSubject.name: {why}"
    ]
    assert not Award.objects.exists()


def test_the_root_vc_api_answers_a_body_off_its_schema_in_the_error_shape(
    api_token: str, client: Any
) -> None:
    # It used to answer with django-ninja's own {"detail": [...]}.
    response = client.post(
        "/credentials/status",
        {"credentialId": 5},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token}",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"
    assert "credentialStatus: Field required" in response.json()["error"]["details"]["problems"]


def test_a_definition_with_a_nul_in_a_learning_outcome_is_refused(
    personas: Personas, client: Any
) -> None:
    client.force_login(personas.alice)
    response = client.post(
        f"/api/v1/organisations/{personas.uni_a.public_id}/definitions",
        {"title": "Data", "learning_outcomes": ["Reads\u0000 charts"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["problems"] == [
        "learning_outcomes[0]: holds a NUL character, which text cannot contain"
    ]
    assert not AchievementDefinition.objects.exists()


def test_a_form_field_with_a_nul_is_refused(personas: Personas, client: Any) -> None:
    client.force_login(personas.alice)
    response = client.post(
        "/api/v1/bulk-jobs",
        {"definition": "def_\x00", "file": SimpleUploadedFile("a.csv", b"email,name\n")},
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["problems"] == [
        "definition: holds a NUL character, which text cannot contain"
    ]
    assert not BulkJob.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organisations/org_%00",
        "/api/v1/awards/aw%00",
        "/api/v1/wallet/credentials/wc%00",
    ],
)
def test_an_api_path_with_a_nul_names_nothing(personas: Personas, client: Any, path: str) -> None:
    client.force_login(personas.alice)
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "the URL holds a NUL character"}
    }


@pytest.mark.parametrize(
    "path", ["/c/aw%00/", "/catalogue/def%00/", "/status/sl%00", "/wallet/c/wc%00/"]
)
def test_a_page_path_with_a_nul_is_not_found(personas: Personas, client: Any, path: str) -> None:
    client.force_login(personas.bob)
    assert client.get(path).status_code == 404


def test_a_query_with_a_nul_is_a_bad_request(personas: Personas, client: Any) -> None:
    client.force_login(personas.alice)
    api = client.get(f"/api/v1/organisations/{personas.uni_a.public_id}/awards?status=%00")
    assert api.status_code == 400
    assert api.json()["error"] == {
        "code": "bad_request",
        "message": "the query holds a NUL character",
    }
    assert client.get("/orgs/uni-a/awards/?q=%00").status_code == 400


def test_a_session_cookie_with_a_nul_is_a_bad_request(db: None, client: Any) -> None:
    # A quoted cookie's octal escape becomes a NUL, which reached the session's lookup.
    client.cookies.load('sessionid="\\000abcdefghij"')
    assert client.get("/wallet/").status_code == 400
    assert client.get("/api/v1/me").json()["error"]["message"] == "a cookie holds a NUL character"


def test_a_header_with_a_nul_is_a_bad_request(
    personas: Personas, published_definition: Any, client: Any
) -> None:
    client.force_login(personas.alice)
    response = client.post(
        f"/api/v1/organisations/{personas.uni_a.public_id}/awards",
        {"definition_id": published_definition.public_id, "recipient_email": "l@example.org"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="key\x00",
    )
    assert response.status_code == 400
    assert not Award.objects.exists()


@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800"])
def test_the_wallet_refuses_a_credential_with_unstorable_text(
    personas: Personas, client: Any, settings: Any, escape: str
) -> None:
    from credstack.standards.fetch import OfflineFetcher

    settings.CREDSTACK_VERIFICATION_FETCHER = OfflineFetcher()
    text = (
        '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": '
        f'["VerifiableCredential"], "name": "A{escape}", "issuer": "did:example:1", '
        '"credentialSubject": {"id": "did:example:2"}}'
    )
    client.force_login(personas.bob)
    api = client.post(
        "/api/v1/wallet/credentials", {"credential": text}, content_type="application/json"
    )
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "not_a_credential"
    assert "name: holds a" in api.json()["error"]["message"]
    page = client.post("/wallet/import/", {"text": text})
    assert page.status_code == 400
    assert "name: holds a" in page.content.decode()
    assert not WalletCredential.objects.exists()
