"""CLR 2.0 models: ClrCredential, ClrSubject, Association."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from credstack.standards.vc.clr import Association, ClrCredential, ClrSubject
from credstack.standards.vc.data_model import validate_credential
from credstack.standards.vc.ob3 import Achievement, Criteria, Profile
from tests.shared_data import read_json


def _fixture(*parts: str) -> dict[str, Any]:
    return copy.deepcopy(read_json("fixtures", "1edtech-validator", *parts))


def _problems(document: Any) -> list[tuple[str, str]]:
    return [(problem.path, problem.code) for problem in validate_credential(document)]


def _transcript() -> ClrCredential:
    badge = _fixture("ob30", "simple.json")
    return ClrCredential(
        id="urn:uuid:5d9ecb5e-3d0f-4d1c-a0a3-8c0d2f7e1d11",
        name="Transcript",
        issuer=Profile(id="https://example.edu/issuers/565049", name="Example University"),
        valid_from=datetime(2024, 6, 30, tzinfo=UTC),
        credential_subject=ClrSubject(
            id="did:example:ebfeb1f712ebc6f1c276e12ec21",
            verifiable_credential=[badge],
            achievement=[
                Achievement(
                    id="urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002",
                    name="Program",
                    description="The whole program",
                    criteria=Criteria(narrative="All courses."),
                )
            ],
            association=[
                Association(
                    association_type="isParentOf",
                    source_id="urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002",
                    target_id=badge["credentialSubject"]["achievement"]["id"],
                )
            ],
        ),
    )


def test_it_builds_a_clr_in_clr_2_0_json() -> None:
    document = _transcript().to_json_ld()

    assert validate_credential(document) == []
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert document["credentialSubject"]["type"] == ["ClrSubject"]
    assert document["credentialSubject"]["association"] == [
        {
            "type": "Association",
            "associationType": "isParentOf",
            "sourceId": "urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002",
            "targetId": "https://example.com/achievements/21st-century-skills/teamwork",
        }
    ]


def test_it_embeds_the_signed_credentials_unchanged() -> None:
    badge = _fixture("ob30", "simple.json")

    document = _transcript().to_json_ld()

    assert document["credentialSubject"]["verifiableCredential"] == [badge]


@pytest.mark.parametrize(
    "name", ["clr20/simple.json", "clr20/complex.json", "clr20/simple_v1.json"]
)
def test_it_reads_and_writes_a_fixture_without_changing_it(name: str) -> None:
    document = _fixture(*name.split("/"))

    assert ClrCredential.model_validate(document).to_json_ld() == document


def test_it_reports_the_problems_of_an_embedded_credential_at_their_path() -> None:
    document = _fixture("clr20", "simple.json")
    embedded = document["credentialSubject"]["verifiableCredential"][0]
    embedded["credentialSubject"]["achievement"]["type"] = ["Badge"]
    del embedded["validFrom"]

    assert sorted(_problems(document)) == [
        (
            "$.credentialSubject.verifiableCredential[0].credentialSubject.achievement.type",
            "INVALID_TYPE",
        ),
        ("$.credentialSubject.verifiableCredential[0].validFrom", "MISSING_PROPERTY"),
    ]


def test_it_rejects_an_unknown_association_type() -> None:
    document = _fixture("clr20", "complex.json")
    document["credentialSubject"]["association"][2]["associationType"] = "ext:isSiblingOf"

    assert _problems(document) == [
        ("$.credentialSubject.association[2].associationType", "UNKNOWN_TERM")
    ]


def test_it_requires_association_ends_to_be_uris() -> None:
    document = _fixture("clr20", "complex.json")
    document["credentialSubject"]["association"][0]["targetId"] = "course 101"
    del document["credentialSubject"]["association"][1]["sourceId"]

    assert _problems(document) == [
        ("$.credentialSubject.association[0].targetId", "INVALID_URI"),
        ("$.credentialSubject.association[1].sourceId", "MISSING_PROPERTY"),
    ]


@pytest.mark.parametrize("credentials", [[], None])
def test_it_requires_at_least_one_verifiable_credential(credentials: Any) -> None:
    document = _fixture("clr20", "simple.json")
    if credentials is None:
        del document["credentialSubject"]["verifiableCredential"]
    else:
        document["credentialSubject"]["verifiableCredential"] = credentials

    assert [path for path, _ in _problems(document)] == ["$.credentialSubject.verifiableCredential"]


def test_it_requires_the_clr_subject_type() -> None:
    document = _fixture("clr20", "simple.json")
    document["credentialSubject"]["type"] = ["AchievementSubject"]

    assert _problems(document) == [("$.credentialSubject.type", "INVALID_TYPE")]


def test_it_requires_the_clr_context() -> None:
    document = _fixture("clr20", "simple.json")
    document["@context"].pop(1)

    assert _problems(document) == [("$['@context']", "INVALID_CONTEXT")]


def test_it_requires_a_name() -> None:
    document = _fixture("clr20", "simple.json")
    del document["name"]

    assert _problems(document) == [("$.name", "MISSING_PROPERTY")]


def test_it_checks_the_achievements_the_clr_lists() -> None:
    document = _fixture("clr20", "simple.json")
    del document["credentialSubject"]["achievement"][1]["criteria"]

    assert _problems(document) == [
        ("$.credentialSubject.achievement[1].criteria", "MISSING_PROPERTY")
    ]
