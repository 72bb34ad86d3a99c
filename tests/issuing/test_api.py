"""The issuing endpoints: definitions and keys, with organisation boundaries."""

from __future__ import annotations

import pytest

from tests.issuing.test_definitions import COMPLETE


def create(client, personas, fields):
    return client.post(
        f"/api/v1/organisations/{personas.uni_a.public_id}/definitions",
        fields,
        content_type="application/json",
    )


def test_it_runs_the_definition_workflow_over_the_api(personas, client):
    client.force_login(personas.alice)
    created = create(client, personas, COMPLETE)
    assert created.status_code == 201, created.content
    definition_id = created.json()["id"]
    assert created.json()["latest"]["missing_mandatory_elements"] == []
    assert client.post(f"/api/v1/definitions/{definition_id}/submit").status_code == 200
    assert client.post(f"/api/v1/definitions/{definition_id}/approve").status_code == 403
    client.force_login(personas.rita)
    assert client.post(f"/api/v1/definitions/{definition_id}/approve").status_code == 200
    client.force_login(personas.alice)
    published = client.post(f"/api/v1/definitions/{definition_id}/publish").json()
    assert (published["published_version"], published["latest"]["status"]) == (1, "published")
    changed = client.patch(
        f"/api/v1/definitions/{definition_id}", {"title": "v2"}, content_type="application/json"
    ).json()
    assert (changed["published_version"], changed["latest"]["number"]) == (1, 2)


def test_it_lists_the_missing_elements_when_publication_is_refused(personas, client):
    client.force_login(personas.oscar)
    definition_id = create(client, personas, {"title": "Half done"}).json()["id"]
    response = client.post(f"/api/v1/definitions/{definition_id}/publish")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "mandatory_elements_missing"
    assert any(problem.startswith("learning outcomes") for problem in error["details"]["problems"])


def test_it_reports_bad_fields_with_their_names(personas, client):
    client.force_login(personas.alice)
    response = create(client, personas, {"eqf_level": 12})
    assert response.status_code == 422
    assert response.json()["error"]["details"]["problems"][0].startswith("eqf_level")


@pytest.mark.parametrize("transition", ["submit", "approve", "publish", "retire"])
def test_it_hides_uni_a_definitions_from_dave(personas, client, transition):
    client.force_login(personas.alice)
    definition_id = create(client, personas, COMPLETE).json()["id"]
    client.force_login(personas.dave)
    assert client.get(f"/api/v1/definitions/{definition_id}").status_code == 404
    assert client.post(f"/api/v1/definitions/{definition_id}/{transition}").status_code == 404
    patched = client.patch(
        f"/api/v1/definitions/{definition_id}", {"title": "x"}, content_type="application/json"
    )
    assert patched.status_code == 404
    org = personas.uni_a.public_id
    assert client.get(f"/api/v1/organisations/{org}/definitions").status_code == 404
    assert create(client, personas, COMPLETE).status_code == 404
    assert client.post(f"/api/v1/organisations/{org}/keys/rotate").status_code == 404
    client.force_login(personas.alice)
    latest = client.get(f"/api/v1/definitions/{definition_id}").json()["latest"]
    assert (latest["title"], latest["status"]) == (COMPLETE["title"], "draft")


def test_it_lets_a_viewer_read_but_not_write(personas, client):
    client.force_login(personas.alice)
    definition_id = create(client, personas, COMPLETE).json()["id"]
    client.force_login(personas.victor)
    assert client.get(f"/api/v1/definitions/{definition_id}").status_code == 200
    assert client.post(f"/api/v1/definitions/{definition_id}/submit").status_code == 403
    rotate = client.post(f"/api/v1/organisations/{personas.uni_a.public_id}/keys/rotate")
    assert rotate.status_code == 403
    assert rotate.json()["error"]["code"] == "permission_denied"


def test_it_rotates_keys_and_lists_them_with_the_issuer_id(personas, client):
    client.force_login(personas.oscar)
    org = personas.uni_a.public_id
    first = client.post(f"/api/v1/organisations/{org}/keys/rotate").json()
    second = client.post(f"/api/v1/organisations/{org}/keys/rotate").json()
    listing = client.get(f"/api/v1/organisations/{org}/keys").json()
    assert listing["issuer"] == "did:web:credstack.test:orgs:uni-a"
    assert [key["id"] for key in listing["keys"]] == [first["id"], second["id"]]
    assert listing["keys"][0]["retired_at"] is not None
    assert "secret" not in str(listing).lower()
