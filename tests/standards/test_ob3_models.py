"""Open Badges 3.0 models: building exact OB 3.0 JSON, and reading without losing data."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from credstack.standards.vc.data_model import validate_credential
from credstack.standards.vc.envelope import CredentialSchema, CredentialStatus
from credstack.standards.vc.identity import identity_object_for_email
from credstack.standards.vc.ob3 import (
    Achievement,
    AchievementCredential,
    AchievementSubject,
    Address,
    Alignment,
    Criteria,
    EndorsementCredential,
    EndorsementSubject,
    Evidence,
    GeoCoordinates,
    IdentifierEntry,
    IdentityObject,
    Image,
    OpenBadgeCredential,
    Profile,
    Result,
    ResultDescription,
    RubricCriterionLevel,
)
from tests.shared_data import read_json


def _fixture(*parts: str) -> dict[str, Any]:
    return copy.deepcopy(read_json("fixtures", "1edtech-validator", *parts))


def _teamwork_badge() -> AchievementCredential:
    return OpenBadgeCredential(
        id="http://example.com/credentials/3527",
        issuer=Profile(id="https://example.com/issuers/876543", name="Example Corp"),
        valid_from=datetime(2010, 1, 1, tzinfo=UTC),
        name="Teamwork Badge",
        credential_subject=AchievementSubject(
            id="did:example:ebfeb1f712ebc6f1c276e12ec21",
            achievement=Achievement(
                id="https://example.com/achievements/21st-century-skills/teamwork",
                criteria=Criteria(
                    narrative="Team members are nominated for this badge by their peers and "
                    "recognized upon review by Example Corp management."
                ),
                description="This badge recognizes the development of the capacity to "
                "collaborate within a group environment.",
                name="Teamwork",
            ),
        ),
    )


def test_it_builds_the_exact_json_of_the_1edtech_simple_credential() -> None:
    expected = _fixture("ob30", "simple.json")
    del expected["proof"]

    assert _teamwork_badge().to_json_ld() == expected


def test_open_badge_credential_is_achievement_credential() -> None:
    assert OpenBadgeCredential is AchievementCredential


def test_a_built_credential_has_no_data_model_problem() -> None:
    assert validate_credential(_teamwork_badge().to_json_ld()) == []


def _complete_badge() -> AchievementCredential:
    issuer = Profile(
        id="https://1edtech.edu/issuers/565049",
        name="1EdTech University",
        url="https://1edtech.edu",
        email="registrar@1edtech.edu",
        image=Image(id="https://1edtech.edu/logo.png", caption="Logo"),
        address=Address(
            address_country_code="US",
            address_locality="Austin",
            postal_code="12345",
            geo=GeoCoordinates(latitude=30.27, longitude=-97.74),
        ),
        other_identifier=[IdentifierEntry(identifier="12345", identifier_type="sourcedId")],
        parent_org=Profile(id="did:example:123456789", name="Universal Universities"),
    )
    level = RubricCriterionLevel(
        id="urn:uuid:d05a0867-d0ad-4b03-bdb5-28fb5d2aab7a", name="Mastered"
    )
    alignment = Alignment(
        target_name="Final Project",
        target_url="https://1edtech.edu/catalog/degree/project",
        target_type="CFItem",
    )
    endorsement = EndorsementCredential(
        id="urn:uuid:3b0ed6ec-8e2e-4ea0-8e0e-1f2a6b0a7a59",
        name="Accreditation",
        issuer="https://accrediter.edu/issuers/565049",
        valid_from=datetime(2010, 1, 1, tzinfo=UTC),
        credential_subject=EndorsementSubject(
            id="https://1edtech.edu/issuers/565049",
            endorsement_comment="1EdTech University is in good standing",
        ),
    )
    return AchievementCredential(
        id="urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
        issuer=issuer,
        valid_from=datetime(2024, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=1))),
        valid_until="2030-01-01T00:00:00Z",
        name="1EdTech University Degree",
        image="https://1edtech.edu/credentials/3732/image",
        credential_subject=AchievementSubject(
            identifier=[identity_object_for_email("student@1edtech.edu", "pepper")],
            credits_earned=42,
            activity_start_date="2010-01-01T00:00:00",
            achievement=Achievement(
                id="https://1edtech.edu/achievements/degree",
                achievement_type="Degree",
                alignment=[alignment],
                criteria=Criteria(id="https://1edtech.edu/achievements/degree"),
                description="1EdTech University Degree Description",
                name="1EdTech University Degree",
                result_description=[
                    ResultDescription(
                        id="urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c",
                        name="Final Project Grade",
                        result_type="RubricCriterionLevel",
                        rubric_criterion_level=[level],
                    )
                ],
                endorsement=[endorsement],
            ),
            result=[
                Result(
                    result_description="urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c",
                    achieved_level=level.id,
                    status="Completed",
                )
            ],
        ),
        evidence=[Evidence(id="https://github.com/somebody/project", name="Project code")],
        credential_status=CredentialStatus(
            id="https://1edtech.edu/status/1#94567",
            type="BitstringStatusListEntry",
            statusPurpose="revocation",
            statusListIndex="94567",
            statusListCredential="https://1edtech.edu/status/1",
        ),
        credential_schema=[
            CredentialSchema(
                id="https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                "ob_v3p0_achievementcredential_schema.json",
                type="1EdTechJsonSchemaValidator2019",
            )
        ],
    )


def test_it_builds_a_complete_credential_in_ob_3_0_json() -> None:
    document = _complete_badge().to_json_ld()

    assert validate_credential(document) == []
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["validFrom"] == "2024-03-01T09:30:00+01:00"
    assert document["issuer"]["type"] == ["Profile"]
    assert document["issuer"]["address"]["type"] == ["Address"]
    assert document["issuer"]["address"]["geo"] == {
        "type": "GeoCoordinates",
        "latitude": 30.27,
        "longitude": -97.74,
    }
    assert document["issuer"]["otherIdentifier"] == [
        {"type": "IdentifierEntry", "identifier": "12345", "identifierType": "sourcedId"}
    ]
    assert document["issuer"]["image"] == {
        "id": "https://1edtech.edu/logo.png",
        "type": "Image",
        "caption": "Logo",
    }
    subject = document["credentialSubject"]
    assert subject["creditsEarned"] == 42 and isinstance(subject["creditsEarned"], int)
    assert "id" not in subject
    assert subject["identifier"][0]["identityType"] == "emailAddress"
    achievement = subject["achievement"]
    assert achievement["alignment"][0] == {
        "type": ["Alignment"],
        "targetName": "Final Project",
        "targetType": "CFItem",
        "targetUrl": "https://1edtech.edu/catalog/degree/project",
    }
    assert achievement["resultDescription"][0]["rubricCriterionLevel"][0]["type"] == [
        "RubricCriterionLevel"
    ]
    assert achievement["endorsement"][0]["type"] == [
        "VerifiableCredential",
        "EndorsementCredential",
    ]
    assert achievement["endorsement"][0]["credentialSubject"]["endorsementComment"]
    assert subject["result"][0]["type"] == ["Result"]
    assert document["evidence"][0]["type"] == ["Evidence"]
    assert document["credentialStatus"] == {
        "id": "https://1edtech.edu/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://1edtech.edu/status/1",
    }
    assert document["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"


def test_it_keeps_extension_properties_when_building() -> None:
    credential = _teamwork_badge()
    credential.credential_subject.achievement = Achievement(
        id="https://example.com/achievements/1",
        criteria=Criteria(narrative="Apply."),
        description="d",
        name="n",
        applyLink="https://example.com/apply",
    )
    document = credential.to_json_ld()
    document["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")

    assert document["credentialSubject"]["achievement"]["applyLink"] == "https://example.com/apply"
    assert validate_credential(document) == []


@pytest.mark.parametrize(
    "name",
    [
        "ob30/simple.json",
        "ob30/complete.json",
        "ob30/simple_v1.json",
        "ob30/simple-eddsa-2022.json",
        "ob30/simple-multiple-proofs.json",
        "ob30/bit-string-list/credential-status-revoked.json",
    ],
)
def test_it_reads_and_writes_a_fixture_without_changing_it(name: str) -> None:
    document = _fixture(*name.split("/"))

    assert AchievementCredential.model_validate(document).to_json_ld() == document


def test_it_keeps_unknown_properties_at_every_level_when_reading() -> None:
    document = _fixture("ob30", "complete.json")
    document["ext:note"] = {"a": [1, 2]}
    document["ext:cleared"] = None
    document["credentialSubject"]["achievement"]["ext:level"] = "EQF 6"
    document["issuer"]["address"]["ext:building"] = "B"
    document["credentialSubject"]["result"][0]["ext:score"] = 0.5

    assert AchievementCredential.model_validate(document).to_json_ld() == document


def test_it_keeps_the_date_text_as_written() -> None:
    document = _fixture("ob30", "simple.json")
    document["validFrom"] = "2010-01-01T00:00:00.000+00:00"

    credential = AchievementCredential.model_validate(document)

    assert credential.to_json_ld()["validFrom"] == "2010-01-01T00:00:00.000+00:00"


def test_it_refuses_a_naive_datetime_when_building() -> None:
    with pytest.raises(ValidationError, match="dateTimeStamp"):
        AchievementCredential(
            id="urn:uuid:1",
            issuer="https://example.com/issuer",
            valid_from=datetime(2010, 1, 1),
            credential_subject=_teamwork_badge().credential_subject,
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("achievementType", "ext:NanoDegree"),
        ("achievementType", "MicroCredential"),
    ],
)
def test_it_accepts_spec_and_extension_achievement_types(field: str, value: str) -> None:
    document = _fixture("ob30", "simple.json")
    document["credentialSubject"]["achievement"][field] = value

    assert validate_credential(document) == []


@pytest.mark.parametrize(
    ("where", "field", "value", "accepted"),
    [
        (
            ("credentialSubject", "achievement", "resultDescription", 0),
            "resultType",
            "ext:Stars",
            True,
        ),
        (
            ("credentialSubject", "achievement", "resultDescription", 0),
            "resultType",
            "Stars",
            False,
        ),
        (("credentialSubject", "result", 0), "status", "Completed", True),
        (("credentialSubject", "result", 0), "status", "ext:Paused", False),
        (("issuer", "otherIdentifier", 0), "identifierType", "ext:orcid", True),
        (("issuer", "otherIdentifier", 0), "identifierType", "orcid", False),
        (("credentialSubject", "identifier", 0), "identityType", "ltiUserId", True),
        (("credentialSubject", "identifier", 0), "identityType", "email", False),
        (
            ("credentialSubject", "achievement", "alignment", 0),
            "targetType",
            "ceasn:Competency",
            True,
        ),
        (("credentialSubject", "achievement", "alignment", 0), "targetType", "ext:ESCO", True),
        (("credentialSubject", "achievement", "alignment", 0), "targetType", "ESCO", False),
        (("credentialSubject", "achievement", "alignment", 0), "targetType", "ext:", False),
    ],
)
def test_it_checks_the_vocabularies(
    where: tuple[str | int, ...], field: str, value: str, accepted: bool
) -> None:
    document = _fixture("ob30", "complete.json")
    target: Any = document
    for part in where:
        target = target[part]
    target[field] = value
    path = "$." + ".".join(
        f"{part}" if isinstance(part, str) else f"[{part}]" for part in (*where, field)
    ).replace(".[", "[")

    problems = validate_credential(document)

    if accepted:
        assert problems == []
    else:
        assert [(problem.path, problem.code) for problem in problems] == [(path, "UNKNOWN_TERM")]


def test_it_requires_an_id_or_an_identifier_for_the_recipient() -> None:
    document = _fixture("ob30", "simple.json")
    del document["credentialSubject"]["id"]

    assert [(p.path, p.code) for p in validate_credential(document)] == [
        ("$.credentialSubject", "MISSING_PROPERTY")
    ]


def test_it_accepts_a_recipient_known_only_by_a_hashed_identifier() -> None:
    document = _fixture("ob30", "simple.json")
    del document["credentialSubject"]["id"]
    document["credentialSubject"]["identifier"] = [
        identity_object_for_email("learner@example.org", "salt")
    ]

    assert validate_credential(document) == []


def test_it_requires_each_type_when_reading_but_fills_it_when_building() -> None:
    document = _fixture("ob30", "complete.json")
    del document["credentialSubject"]["achievement"]["image"]["type"]
    del document["issuer"]["type"]

    assert {(p.path, p.code) for p in validate_credential(document)} == {
        ("$.credentialSubject.achievement.image.type", "MISSING_PROPERTY"),
        ("$.issuer.type", "MISSING_PROPERTY"),
    }
    assert Image(id="https://example.com/i.png").to_json_ld() == {
        "id": "https://example.com/i.png",
        "type": "Image",
    }


def test_it_accepts_the_compacted_single_values_of_json_ld() -> None:
    document = _fixture("ob30", "complete.json")
    document["issuer"]["type"] = "Profile"
    document["evidence"] = document["evidence"][0]
    document["credentialSubject"]["identifier"][0]["type"] = ["IdentityObject"]

    assert validate_credential(document) == []


def test_it_reads_an_identity_object_model() -> None:
    identity = IdentityObject.model_validate(
        {
            "type": "IdentityObject",
            "hashed": False,
            "identityHash": "student@1edtech.edu",
            "identityType": "emailAddress",
        }
    )

    assert (identity.hashed, identity.identity_type) == (False, "emailAddress")


def test_it_refuses_a_string_for_a_boolean() -> None:
    document = _fixture("ob30", "complete.json")
    document["credentialSubject"]["identifier"][0]["hashed"] = "false"

    assert [(p.path, p.code) for p in validate_credential(document)] == [
        ("$.credentialSubject.identifier[0].hashed", "WRONG_JSON_TYPE")
    ]
