"""The API documents its error answers: every operation's errors have the one error shape
(docs/platform.md, "Errors"), with the statuses the handlers can answer; and what the
property-based tests (test_openapi_fuzz.py) found undocumented or unreachable."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import COMPLETE_DEFINITION, Personas


@pytest.fixture
def openapi(client: Any, db: None) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").json()


def _operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
    ]


def _schema_name(response: dict[str, Any]) -> str:
    return str(response["content"]["application/json"]["schema"]["$ref"]).rsplit("/", 1)[-1]


def test_every_operation_documents_its_error_answers_with_the_error_shape(
    openapi: dict[str, Any],
) -> None:
    error = openapi["components"]["schemas"]["ApiError"]
    assert error["required"] == ["error"]
    body = openapi["components"]["schemas"]["ApiErrorBody"]
    assert set(body["required"]) == {"code", "message"}
    for method, path, operation in _operations(openapi):
        responses = operation["responses"]
        if operation.get("security"):
            assert {"401", "403"} <= set(responses), f"{method} {path}"
        if "{" in path:
            assert "404" in responses, f"{method} {path}"
        if "requestBody" in operation:
            assert {"400", "422"} <= set(responses), f"{method} {path}"
        for status, response in responses.items():
            if status.startswith("4"):
                assert _schema_name(response) in {"ApiError", "ErrorResponse"}, (
                    f"{method} {path} {status}"
                )


def test_a_public_operation_does_not_claim_to_need_a_login(openapi: dict[str, Any]) -> None:
    verify = openapi["paths"]["/api/v1/credentials/verify"]["post"]
    assert "401" not in verify["responses"]
    profile = openapi["paths"]["/api/v1/organisations/{organisation_id}"]["get"]
    assert set(profile["responses"]) == {"200", "404", "422"}


def test_it_serves_the_achievement_of_a_published_definition(
    personas: Personas, published_definition: Any, client: Any
) -> None:
    # The transitions' route, /definitions/{id}/{transition}, answered this GET with 405.
    client.force_login(personas.alice)
    response = client.get(f"/api/v1/definitions/{published_definition.public_id}/achievement")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == COMPLETE_DEFINITION["title"]
    assert "Achievement" in response.json()["type"]


def test_the_achievement_of_an_unpublished_definition_is_a_documented_conflict(
    personas: Personas, client: Any, openapi: dict[str, Any]
) -> None:
    client.force_login(personas.alice)
    created = client.post(
        f"/api/v1/organisations/{personas.uni_a.public_id}/definitions",
        {"title": "Draft"},
        content_type="application/json",
    ).json()
    response = client.get(f"/api/v1/definitions/{created['id']}/achievement")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_published"
    documented = openapi["paths"]["/api/v1/definitions/{definition_id}/achievement"]["get"]
    assert "409" in documented["responses"]


def test_a_status_change_for_an_unknown_credential_is_a_documented_404(
    personas: Personas, published_definition: Any, client: Any, openapi: dict[str, Any]
) -> None:
    from credstack.issuing.services import create_api_token

    _, token = create_api_token(personas.uni_a, name="t", scopes=["status"], by=personas.oscar)
    response = client.post(
        "/api/v1/credentials/status",
        {"credentialId": "urn:uuid:nothing", "credentialStatus": [{"status": "revoked"}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    documented = openapi["paths"]["/api/v1/credentials/status"]["post"]["responses"]
    assert _schema_name(documented["404"]) == "ApiError"


def test_a_bulk_upload_for_an_unknown_definition_is_a_documented_404(
    personas: Personas, client: Any, openapi: dict[str, Any]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas.alice)
    response = client.post(
        "/api/v1/bulk-jobs",
        {"definition": "def_nothing", "file": SimpleUploadedFile("a.csv", b"email,name\n")},
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "404" in openapi["paths"]["/api/v1/bulk-jobs"]["post"]["responses"]


def test_every_reference_of_the_schema_resolves(openapi: dict[str, Any]) -> None:
    # The verifier's request body pointed at #/$defs/VerifyOptions, which the document
    # has not: no client (nor the property-based tests) could build its body.
    def references(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [ref for value in node.values() for ref in references(value)]
        if isinstance(node, list):
            return [ref for item in node for ref in references(item)]
        return []

    found = references(openapi)
    assert found
    for reference in found:
        assert reference.startswith("#/components/schemas/"), reference
        assert reference.rsplit("/", 1)[-1] in openapi["components"]["schemas"], reference


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v2/", "/credentials/nothing"])
def test_an_unknown_api_route_is_not_found_in_the_error_shape(
    db: None, client: Any, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "no such route"}}


def test_an_unknown_page_is_still_a_page(db: None, client: Any) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
