"""The API's frame (OpenAPI, docs, error rendering) and the accounts endpoints."""

from __future__ import annotations


def test_it_publishes_openapi_3_1_and_interactive_docs(db, client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.1")
    assert "/api/v1/me" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200


def test_the_interactive_docs_load_swagger_from_this_instance_not_a_cdn(db, client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


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


def test_it_lets_owners_and_administrators_manage_members(personas, client):
    org = personas.uni_a.public_id
    client.force_login(personas.ada)
    members = client.put(
        f"/api/v1/organisations/{org}/members",
        {"email": "Bob@example.org", "role": "viewer"},
        content_type="application/json",
    )
    assert members.status_code == 200
    roles = {member["email"]: member["role"] for member in members.json()}
    assert roles["bob@example.org"] == "viewer" and roles["oscar@example.org"] == "owner"
    unknown = client.put(
        f"/api/v1/organisations/{org}/members",
        {"email": "nobody@example.org", "role": "viewer"},
        content_type="application/json",
    )
    assert unknown.status_code == 404
    removed = client.delete(f"/api/v1/organisations/{org}/members/{personas.bob.public_id}")
    assert "bob@example.org" not in [member["email"] for member in removed.json()]


def test_it_lets_members_see_but_not_manage_members(personas, client):
    org = personas.uni_a.public_id
    client.force_login(personas.alice)
    emails = [
        member["email"] for member in client.get(f"/api/v1/organisations/{org}/members").json()
    ]
    assert "oscar@example.org" in emails and "dave@example.org" not in emails
    denied = client.put(
        f"/api/v1/organisations/{org}/members",
        {"email": "bob@example.org", "role": "owner"},
        content_type="application/json",
    )
    assert denied.status_code == 403


def test_it_hides_uni_a_members_and_profile_changes_from_dave(personas, client):
    org = personas.uni_a.public_id
    client.force_login(personas.dave)
    assert client.get(f"/api/v1/organisations/{org}/members").status_code == 404
    put = client.put(
        f"/api/v1/organisations/{org}/members",
        {"email": "dave@example.org", "role": "owner"},
        content_type="application/json",
    )
    assert put.status_code == 404
    delete = client.delete(f"/api/v1/organisations/{org}/members/{personas.oscar.public_id}")
    assert delete.status_code == 404
    patch = client.patch(
        f"/api/v1/organisations/{org}", {"name": "Dave's"}, content_type="application/json"
    )
    assert patch.status_code == 403
    personas.uni_a.refresh_from_db()
    assert personas.uni_a.name == "Uni A"


def test_it_updates_the_profile_for_administrators(personas, client):
    client.force_login(personas.ada)
    response = client.patch(
        f"/api/v1/organisations/{personas.uni_a.public_id}",
        {"description": "A university in Finland."},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["description"] == "A university in Finland."
