"""Django fixtures shared by the platform's tests: the named personas.

- alice issues for Uni A; oscar owns Uni A, ada administers it, rita reviews its
  definitions, victor only views;
- bob learns (a user without membership);
- carol hires: a member of the employer Acme;
- dave owns Uni B and must never see or change Uni A's data;
- pat is the platform administrator (a superuser).

The trust core's tests (tests/standards/) never request these, so they need no database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_setup"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``CREDSTACK_DATABASE_TESTS_ONLY`` set (``make test``'s second, PostgreSQL run),
    keep only the tests that use the database, wherever they live."""
    if not os.environ.get("CREDSTACK_DATABASE_TESTS_ONLY"):
        return
    selected, deselected = [], []
    for item in items:
        uses_database = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (selected if uses_database or item.get_closest_marker("django_db") else deselected).append(
            item
        )
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@dataclass
class Personas:
    uni_a: Any
    uni_b: Any
    acme: Any
    alice: Any
    oscar: Any
    ada: Any
    rita: Any
    victor: Any
    bob: Any
    carol: Any
    dave: Any
    pat: Any

    def in_uni_a(self) -> dict[str, Any]:
        """Uni A's members by role."""
        return {
            "owner": self.oscar,
            "administrator": self.ada,
            "issuer": self.alice,
            "reviewer": self.rita,
            "viewer": self.victor,
        }


@pytest.fixture
def personas(db: None) -> Personas:
    from credstack.accounts.models import Membership, Role
    from credstack.accounts.services import create_organisation, create_user

    def user(name: str, **extra: Any) -> Any:
        return create_user(f"{name}@example.org", "correct horse battery", **extra)

    oscar, dave, carol = user("oscar"), user("dave"), user("carol")
    uni_a = create_organisation(
        name="Uni A",
        slug="uni-a",
        kind="university",
        country="FI",
        region="Uusimaa",
        website="https://uni-a.example.edu",
        owner=oscar,
    )
    uni_b = create_organisation(
        name="Uni B", slug="uni-b", kind="university", country="DE", owner=dave
    )
    acme = create_organisation(name="Acme", slug="acme", kind="company", country="FI", owner=carol)
    people = {"alice": "issuer", "ada": "administrator", "rita": "reviewer", "victor": "viewer"}
    members = {}
    for name, role in people.items():
        members[name] = user(name)
        Membership.objects.create(user=members[name], organisation=uni_a, role=Role(role))
    return Personas(
        uni_a=uni_a,
        uni_b=uni_b,
        acme=acme,
        oscar=oscar,
        dave=dave,
        carol=carol,
        bob=user("bob"),
        pat=user("pat", superuser=True),
        **members,
    )


# A definition version with every EU mandatory element, for tests that need one.
COMPLETE_DEFINITION: dict[str, Any] = {
    "title": "Data literacy for public servants",
    "description": "Read, question and present data.",
    "criteria": "Pass the final assessment with at least 60 %.",
    "learning_outcomes": ["Reads a chart critically", "Cleans a small data set"],
    "workload_ects": 3,
    "eqf_level": 6,
    "cycle": "first",
    "assessment_type": "Online exam with identity check",
    "participation_form": "online",
    "quality_assurance": "Internal QA of Uni A, accredited by FINEEC",
    "alignments": [
        {
            "framework": "ESCO",
            "code": "S5.6.1",
            "name": "analyse data",
            "url": "http://data.europa.eu/esco/skill/S5.6.1",
        }
    ],
    "tags": ["data", "public sector"],
}


@pytest.fixture
def uni_a_key(personas: Personas) -> Any:
    """Uni A's active signing key (created by its owner)."""
    from credstack.issuing.services import create_signing_key

    return create_signing_key(personas.uni_a, by=personas.oscar)


@pytest.fixture
def published_definition(personas: Personas, uni_a_key: Any) -> Any:
    """A definition of Uni A, written by alice, approved by rita, published: version 1."""
    from credstack.issuing.services import (
        approve_definition,
        create_definition,
        publish_definition,
        submit_definition,
    )

    definition = create_definition(personas.uni_a, COMPLETE_DEFINITION, by=personas.alice)
    submit_definition(definition, by=personas.alice)
    approve_definition(definition, by=personas.rita)
    publish_definition(definition, by=personas.alice)
    definition.refresh_from_db()
    return definition
