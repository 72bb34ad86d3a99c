"""The award endpoints under /api/v1/ (session authentication)."""

from __future__ import annotations

import pytest

from credstack.issuing.models import Award


def _create(client, personas, definition, **extra):
    body = {"definition_id": definition.public_id, "recipient_email": "bob@example.org"}
    body.update(extra.pop("body", {}))
    return client.post(
        f"/api/v1/organisations/{personas.uni_a.public_id}/awards",
        body,
        content_type="application/json",
        **extra,
    )


def test_an_issuer_awards_lists_gets_and_revokes(personas, published_definition, client):
    client.force_login(personas.alice)
    created = _create(client, personas, published_definition, body={"grade": "B"})
    assert created.status_code == 201, created.content
    award = created.json()
    assert award["status"] == "active"
    assert award["credential"]["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    listed = client.get(f"/api/v1/organisations/{personas.uni_a.public_id}/awards").json()
    assert [item["id"] for item in listed] == [award["id"]]
    assert (
        client.get(f"/api/v1/awards/{award['id']}").json()["credential_id"]
        == (award["credential_id"])
    )
    suspended = client.post(
        f"/api/v1/awards/{award['id']}/suspend", {"reason": "check"}, "application/json"
    )
    assert suspended.json()["status"] == "suspended"
    active = client.post(f"/api/v1/awards/{award['id']}/unsuspend", {}, "application/json")
    assert active.json()["status"] == "active"
    revoked = client.post(
        f"/api/v1/awards/{award['id']}/revoke", {"reason": "Plagiarism"}, "application/json"
    )
    assert revoked.status_code == 200
    assert (revoked.json()["status"], revoked.json()["status_reason"]) == ("revoked", "Plagiarism")
    again = client.post(
        f"/api/v1/awards/{award['id']}/revoke", {"reason": "again"}, "application/json"
    )
    assert again.status_code == 409


def test_the_idempotency_key_header_returns_the_same_award(personas, published_definition, client):
    client.force_login(personas.alice)
    first = _create(client, personas, published_definition, HTTP_IDEMPOTENCY_KEY="abc")
    second = _create(client, personas, published_definition, HTTP_IDEMPOTENCY_KEY="abc")
    assert first.json()["id"] == second.json()["id"]
    assert Award.objects.count() == 1


def test_dave_can_neither_see_nor_award_nor_revoke_uni_a_awards(
    personas, published_definition, client
):
    client.force_login(personas.alice)
    award_id = _create(client, personas, published_definition).json()["id"]
    client.force_login(personas.dave)
    assert _create(client, personas, published_definition).status_code == 404
    assert client.get(f"/api/v1/organisations/{personas.uni_a.public_id}/awards").status_code == (
        404
    )
    assert client.get(f"/api/v1/awards/{award_id}").status_code == 404
    response = client.post(f"/api/v1/awards/{award_id}/revoke", {"reason": "x"}, "application/json")
    assert response.status_code == 404
    assert Award.objects.get().status == "active"


@pytest.mark.parametrize("persona", ["victor", "rita"])
def test_members_without_the_right_may_look_but_not_award_or_revoke(
    personas, published_definition, client, persona
):
    client.force_login(personas.alice)
    award_id = _create(client, personas, published_definition).json()["id"]
    client.force_login(getattr(personas, persona))
    assert client.get(f"/api/v1/awards/{award_id}").status_code == 200
    assert _create(client, personas, published_definition).status_code == 403
    response = client.post(f"/api/v1/awards/{award_id}/revoke", {"reason": "x"}, "application/json")
    assert response.status_code == 403


def test_bad_award_input_lists_every_problem(personas, published_definition, client):
    client.force_login(personas.alice)
    response = _create(
        client,
        personas,
        published_definition,
        body={"recipient_email": "nope", "evidence_url": "ftp://x"},
    )
    assert response.status_code == 422
    problems = response.json()["error"]["details"]["problems"]
    assert len(problems) == 2


def test_an_anonymous_caller_is_refused(personas, published_definition, client):
    assert _create(client, personas, published_definition).status_code == 401


def test_a_verifier_reading_the_instance_sees_the_revocation_at_once(
    personas, published_definition, client
):
    from credstack.standards import verify
    from tests.issuing.awarding import InstanceClientFetcher

    client.force_login(personas.alice)
    award = _create(client, personas, published_definition).json()
    fetcher = InstanceClientFetcher(client)
    assert verify(award["credential"], fetcher=fetcher).verdict == "valid"
    assert any("/orgs/uni-a/did.json" in url for url in fetcher.requested)
    assert any("/status/sl_" in url for url in fetcher.requested)
    client.post(f"/api/v1/awards/{award['id']}/revoke", {"reason": "x"}, "application/json")
    assert verify(award["credential"], fetcher=InstanceClientFetcher(client)).verdict == "revoked"
