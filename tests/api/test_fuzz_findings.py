"""Bad input the property-based tests (test_openapi_fuzz.py) found reaching the database:
each is now refused with a clear error, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from credstack.issuing.models import AchievementDefinition, DefinitionVersion
from tests.conftest import COMPLETE_DEFINITION, Personas


@pytest.mark.parametrize("field", ["assessment_type", "title", "issuer_region", "criteria_url"])
def test_a_null_text_field_of_a_new_definition_is_refused_by_name(
    personas: Personas, client: Any, field: str
) -> None:
    # Used to reach the database as NULL and fail there with a server error.
    client.force_login(personas.alice)
    response = client.post(
        f"/api/v1/organisations/{personas.uni_a.public_id}/definitions",
        {**COMPLETE_DEFINITION, field: None},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert (
        f"{field}: must not be null (an empty value clears it)"
        in (response.json()["error"]["details"]["problems"])
    )
    assert not AchievementDefinition.objects.filter(organisation=personas.uni_a).exists()


def test_a_null_text_field_in_a_definition_change_leaves_the_definition_as_it_was(
    personas: Personas, published_definition: Any, client: Any
) -> None:
    client.force_login(personas.alice)
    response = client.patch(
        f"/api/v1/definitions/{published_definition.public_id}",
        {"title": "New title", "assessment_type": None, "learning_outcomes": None},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    problems = response.json()["error"]["details"]["problems"]
    assert "assessment_type: must not be null (an empty value clears it)" in problems
    assert "learning_outcomes: must be a list of texts" in problems
    versions = DefinitionVersion.objects.filter(definition=published_definition)
    assert [version.title for version in versions] == [COMPLETE_DEFINITION["title"]]


def test_an_empty_text_still_clears_a_draft_field(personas: Personas, client: Any) -> None:
    client.force_login(personas.alice)
    created = client.post(
        f"/api/v1/organisations/{personas.uni_a.public_id}/definitions",
        COMPLETE_DEFINITION,
        content_type="application/json",
    ).json()
    changed = client.patch(
        f"/api/v1/definitions/{created['id']}",
        {"assessment_type": ""},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert "type of assessment" in changed.json()["latest"]["missing_mandatory_elements"]


@pytest.mark.parametrize(
    ("field", "limit"),
    [("recipient_name", 300), ("grade", 100), ("recipient_did", 500), ("evidence_url", 2000)],
)
def test_an_award_text_longer_than_its_field_is_refused_by_name(
    personas: Personas, published_definition: Any, client: Any, field: str, limit: int
) -> None:
    # PostgreSQL refused the row with a server error; SQLite kept the whole text.
    from credstack.issuing.models import Award

    too_long = {
        "recipient_name": "N" * (limit + 1),
        "grade": "9" * (limit + 1),
        "recipient_did": "did:web:" + "a" * limit,
        "evidence_url": "https://example.org/" + "e" * limit,
    }[field]
    client.force_login(personas.alice)
    response = client.post(
        f"/api/v1/organisations/{personas.uni_a.public_id}/awards",
        {
            "definition_id": published_definition.public_id,
            "recipient_email": "learner@example.org",
            field: too_long,
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert (
        f"{field}: at most {limit} characters" in (response.json()["error"]["details"]["problems"])
    )
    assert not Award.objects.exists()


def test_an_award_text_as_long_as_its_field_is_kept_whole(
    personas: Personas, published_definition: Any, client: Any
) -> None:
    client.force_login(personas.alice)
    response = client.post(
        f"/api/v1/organisations/{personas.uni_a.public_id}/awards",
        {
            "definition_id": published_definition.public_id,
            "recipient_email": "learner@example.org",
            "recipient_name": "N" * 300,
            "grade": "9" * 100,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert (
        response.json()["recipient_name"],
        response.json()["credential"]["credentialSubject"]["result"][0]["value"],
    ) == ("N" * 300, "9" * 100)


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("offset=99999999999999999999", "query.offset: Input should be less than or equal to"),
        ("offset=-1", "query.offset: Input should be greater than or equal to 0"),
        ("limit=0", "query.limit: Input should be greater than or equal to 1"),
        ("limit=1001", "query.limit: Input should be less than or equal to 1000"),
    ],
)
def test_an_award_page_out_of_range_is_refused_by_name(
    personas: Personas, client: Any, query: str, problem: str
) -> None:
    # An offset past 2**63 failed in both databases with a server error.
    client.force_login(personas.alice)
    response = client.get(f"/api/v1/organisations/{personas.uni_a.public_id}/awards?{query}")
    assert response.status_code == 422, response.content
    assert response.json()["error"]["details"]["problems"][0].startswith(problem)


def test_the_awards_are_paged_within_the_documented_bounds(
    personas: Personas, published_definition: Any, client: Any
) -> None:
    from credstack.issuing.services import issue_credential

    for number in range(3):
        issue_credential(
            published_definition.published_version,
            recipient_email=f"l{number}@example.org",
            by=personas.alice,
        )
    client.force_login(personas.alice)
    path = f"/api/v1/organisations/{personas.uni_a.public_id}/awards"
    assert len(client.get(f"{path}?limit=2").json()) == 2
    assert len(client.get(f"{path}?limit=2&offset=2").json()) == 1
    assert client.get(f"{path}?offset=1000000000").json() == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"name": None}, "name: must not be null (an empty text clears it)"),
        ({"description": None}, "description: must not be null (an empty text clears it)"),
        ({"region": None}, "region: must not be null (an empty text clears it)"),
        ({"name": "U" * 201}, "name: at most 200 characters"),
        ({"website": "https://uni-a.example.edu/" + "w" * 200}, "website: at most 200 characters"),
        ({"email": "a" * 250 + "@x.org"}, "email: at most 254 characters"),
        ({"slug": "s" * 61}, "slug: at most 60 characters"),
    ],
)
def test_a_null_or_overlong_organisation_field_is_refused_by_name(
    personas: Personas, client: Any, changes: dict[str, Any], problem: str
) -> None:
    # A null failed in both databases; an over-long text in PostgreSQL only.
    from credstack.accounts.models import Organisation

    client.force_login(personas.oscar)
    response = client.patch(
        f"/api/v1/organisations/{personas.uni_a.public_id}",
        changes,
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["error"]["details"]["problems"] == [problem]
    stored = Organisation.objects.get(pk=personas.uni_a.pk)
    assert (stored.name, stored.region, stored.slug) == ("Uni A", "Uusimaa", "uni-a")


def test_an_api_token_name_longer_than_its_field_is_refused(
    personas: Personas, client: Any
) -> None:
    from credstack.issuing.models import ApiToken

    client.force_login(personas.oscar)
    response = client.post(
        f"/api/v1/organisations/{personas.uni_a.public_id}/tokens",
        {"name": "n" * 101, "scopes": ["issue"]},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["error"]["details"]["problems"] == ["name: at most 100 characters"]
    assert not ApiToken.objects.exists()
