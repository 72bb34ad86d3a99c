"""/definitions/<id>/v<n>: the Achievement id in every awarded credential resolves."""

from __future__ import annotations

from credstack.issuing.services import (
    approve_definition,
    publish_definition,
    retire_definition,
    submit_definition,
    update_definition,
)
from tests.issuing.award_pages import award_for_bob


def _path(achievement_id: str) -> str:
    return achievement_id.removeprefix("https://credstack.test")


def test_a_browser_is_sent_to_the_catalogue_page(client, personas, published_definition):
    award = award_for_bob(personas, published_definition)
    path = _path(award.credential["credentialSubject"]["achievement"]["id"])
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 302
    assert response["Location"] == f"/catalogue/{published_definition.public_id}/"


def test_a_json_client_gets_the_achievement_as_awarded(client, personas, published_definition):
    award = award_for_bob(personas, published_definition)
    awarded = award.credential["credentialSubject"]["achievement"]
    response = client.get(_path(awarded["id"]), HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    document = response.json()
    assert document["@context"] == award.credential["@context"]
    assert {key: value for key, value in document.items() if key != "@context"} == awarded


def test_earlier_versions_keep_resolving_after_an_edit_and_retirement(
    client, personas, published_definition
):
    award = award_for_bob(personas, published_definition)
    first = _path(award.credential["credentialSubject"]["achievement"]["id"])
    update_definition(published_definition, {"title": "Data literacy, revised"}, by=personas.alice)
    submit_definition(published_definition, by=personas.alice)
    approve_definition(published_definition, by=personas.rita)
    publish_definition(published_definition, by=personas.alice)
    assert client.get(first, HTTP_ACCEPT="application/json").json()["name"] == (
        "Data literacy for public servants"
    )
    retire_definition(published_definition, by=personas.alice)
    retired = client.get(first, HTTP_ACCEPT="text/html")
    assert retired.status_code == 200
    assert retired.json()["id"].endswith(first)


def test_unknown_and_unpublished_versions_are_not_found(client, personas, published_definition):
    update_definition(published_definition, {"title": "A draft"}, by=personas.alice)
    definition_id = published_definition.public_id
    assert client.get(f"/definitions/{definition_id}/v2").status_code == 404
    assert client.get(f"/definitions/{definition_id}/v9").status_code == 404
    assert client.get("/definitions/def_nosuchdefinition/v1").status_code == 404
