"""A definition version as an Open Badges 3.0 Achievement, signed and verified."""

from __future__ import annotations

from datetime import UTC, datetime

from credstack.issuing.achievement import definition_to_achievement, eu_elements
from credstack.issuing.identifiers import issuer_id, verification_method
from credstack.issuing.services import create_definition, create_signing_key, load_key_pair
from credstack.standards import sign, verify
from credstack.standards.fetch import StaticFetcher
from credstack.standards.keys.did_web import did_web_to_url
from credstack.standards.vc.ob3 import Achievement
from tests.issuing.test_definitions import COMPLETE


def test_it_maps_the_elements_ob3_has_fields_for(personas):
    create_signing_key(personas.uni_a, by=personas.oscar)
    definition = create_definition(
        personas.uni_a, {**COMPLETE, "workload_ects": 2.5, "language": "fi"}, by=personas.alice
    )
    achievement = definition_to_achievement(definition.latest_version())
    Achievement.model_validate(achievement)
    assert achievement["id"] == f"https://credstack.test/definitions/{definition.public_id}/v1"
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["name"] == COMPLETE["title"]
    assert achievement["criteria"] == {"narrative": COMPLETE["criteria"]}
    assert achievement["creditsAvailable"] == 2.5
    assert achievement["inLanguage"] == "fi"
    assert achievement["tag"] == COMPLETE["tags"]
    eqf, skill = achievement["alignment"]
    assert eqf["targetUrl"] == "http://data.europa.eu/snb/eqf/6"
    assert eqf["targetFramework"] == "European Qualifications Framework"
    assert skill["targetCode"] == "S5.6.1" and skill["targetFramework"] == "ESCO"
    creator = achievement["creator"]
    assert creator["id"] == "did:web:credstack.test:orgs:uni-a"
    assert creator["address"]["addressCountryCode"] == "FI"
    assert creator["address"]["addressRegion"] == "Uusimaa"


def test_it_keeps_the_remaining_eu_elements_for_the_next_step(personas):
    definition = create_definition(
        personas.uni_a,
        {**COMPLETE, "workload_hours": 75, "prerequisites": "Basic statistics"},
        by=personas.alice,
    )
    elements = eu_elements(definition.latest_version())
    assert elements["learningOutcome"] == COMPLETE["learning_outcomes"]
    assert elements["volumeOfLearning"] == "PT75H"
    assert elements["modeOfLearning"] == "online"
    assert elements["qualityAssurance"] == COMPLETE["quality_assurance"]
    assert elements["entryRequirement"] == "Basic statistics"
    assert "gradingScheme" not in elements


def test_it_produces_an_achievement_the_trust_core_signs_and_verifies(personas):
    key = create_signing_key(personas.uni_a, by=personas.oscar)
    definition = create_definition(personas.uni_a, COMPLETE, by=personas.alice)
    did = issuer_id(personas.uni_a)
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:7f1d3c52-8a9b-4e0f-b6a1-2c3d4e5f6a7b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Uni A"},
        "validFrom": "2026-03-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:bob",
            "type": ["AchievementSubject"],
            "achievement": definition_to_achievement(definition.latest_version()),
        },
    }
    signed = sign(credential, load_key_pair(key), verification_method=verification_method(key))
    from credstack.issuing.identifiers import did_document

    fetcher = StaticFetcher({did_web_to_url(did): did_document(personas.uni_a)})
    report = verify(signed, fetcher=fetcher, now=datetime(2026, 4, 1, tzinfo=UTC))
    assert report.verified, report.to_dict()
