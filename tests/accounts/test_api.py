"""The API's frame (OpenAPI, docs, error rendering) and the accounts endpoints."""

from __future__ import annotations


def test_it_publishes_openapi_3_1_and_interactive_docs(db, client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.1")
    assert "/api/v1/me" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_it_tells_who_is_signed_in_and_where_they_belong(personas, client):
    client.force_login(personas.alice)
    body = client.get("/api/v1/me").json()
    assert body["email"] == "alice@example.org"
    assert body["id"] == personas.alice.public_id
    assert body["memberships"] == [
        {
            "organisation": personas.uni_a.public_id,
            "slug": "uni-a",
            "name": "Uni A",
            "role": "issuer",
        }
    ]
    client.force_login(personas.bob)
    assert client.get("/api/v1/me").json()["memberships"] == []


def test_it_asks_anonymous_callers_to_authenticate(db, client):
    assert client.get("/api/v1/me").status_code == 401


def test_it_shows_organisation_profiles_publicly_by_opaque_id(personas, client):
    body = client.get(f"/api/v1/organisations/{personas.uni_a.public_id}").json()
    assert body["name"] == "Uni A" and body["country"] == "FI" and body["kind"] == "university"
    missing = client.get(f"/api/v1/organisations/{personas.uni_a.pk}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_it_renders_ninjas_own_errors_in_the_app_error_shape(personas, client):
    anonymous = client.get("/api/v1/me")
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    client.force_login(personas.alice)
    response = client.post(
        f"/api/v1/organisations/{personas.uni_a.public_id}/definitions",
        {"eqf_level": "six", "workload_ects": "lots"},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    fields = sorted(problem.split(":")[0] for problem in error["details"]["problems"])
    assert fields == ["eqf_level", "workload_ects"]
    broken = client.post(
        f"/api/v1/organisations/{personas.uni_a.public_id}/definitions",
        "{not json",
        content_type="application/json",
    )
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "bad_request"
