"""validate_credential against the 1EdTech validator's fixtures and the VC envelope rules.

Fixtures: 1EdTech/digital-credentials-public-validator test resources (see
fixtures/1edtech-validator/SOURCE.txt). Each one is classified by the check that must
reject it, as the validator's own tests do (OB30Tests.java, Endorsement30Tests.java).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.standards.errors import DataModelError
from credstack.standards.vc.data_model import (
    CREDENTIAL_MODELS,
    Problem,
    credential_kind,
    json_path,
    require_valid_credential,
    validate_credential,
    validity_period,
)
from tests.shared_data import fixture_path, read_json

VALID = "valid"
DATA_MODEL = "data model"
PROOF = "proof"
VALIDITY_PERIOD = "validity period"
STATUS = "status, refresh and schema retrieval"

# fixture -> (the check that must reject it, the data-model problem paths it has).
FIXTURES: dict[str, tuple[str, set[str]]] = {
    "clr20/complex.json": (VALID, set()),
    "clr20/simple-noproof.json": (VALID, set()),
    "clr20/simple.json": (VALID, set()),
    "clr20/simple_old_safesigned.json": (VALID, set()),
    "clr20/simple_v1.json": (VALID, set()),
    "ob30/complete.json": (VALID, set()),
    "ob30/endorsement-valid.json": (VALID, set()),
    "ob30/simple-context-alias.json": (VALID, set()),
    "ob30/simple-context-version.json": (VALID, set()),
    "ob30/simple-did-key-method.json": (VALID, set()),
    "ob30/simple-did-web-method.json": (VALID, set()),
    "ob30/simple-eddsa-2022.json": (VALID, set()),
    "ob30/simple-multiple-proofs.json": (VALID, set()),
    "ob30/simple.json": (VALID, set()),
    "ob30/simple_v1.json": (VALID, set()),
    "ob30/credential-status-revoked.json": (STATUS, set()),
    "ob30/bit-string-list/credential-status-revoked.json": (STATUS, set()),
    "ob30/bit-string-list/credential-status-revoked-blank-nodes.json": (STATUS, set()),
    # credentialStatus 1EdTechRevocationList, refreshService to a dead URL, a second
    # credentialSchema that cannot be fetched: the data model itself is fine.
    "ob30/endorsement-err-schema-status-refresh.json": (STATUS, set()),
    "ob30/simple-err-expired.json": (VALIDITY_PERIOD, set()),
    # validFrom 2040: not yet valid. Its subject also lacks the required achievement.
    "ob30/simple-err-issued.json": (VALIDITY_PERIOD, {"$.credentialSubject.achievement"}),
    "ob30/simple-err-proof-method.json": (PROOF, set()),
    "ob30/simple-err-proof-method-no-scheme.json": (PROOF, set()),
    "ob30/simple-err-proof-method-unknown-did-method.json": (PROOF, set()),
    "ob30/simple-err-proof-method-unknown-scheme.json": (PROOF, set()),
    "ob30/simple-err-proof-value.json": (PROOF, set()),
    "ob30/simple-err-context.json": (
        DATA_MODEL,
        {"$['@context'][0]", "$.credentialSubject.achievement"},
    ),
    "ob30/simple-err-credential-subject-achievement-result-description-type.json": (
        DATA_MODEL,
        {"$.credentialSubject.achievement.resultDescription[2].type"},
    ),
    "ob30/simple-err-credential-subject-identifier-type.json": (
        DATA_MODEL,
        {"$.credentialSubject.identifier[0].type"},
    ),
    "ob30/simple-err-credential-subject-profile-type.json": (
        DATA_MODEL,
        {"$.credentialSubject.source.type"},
    ),
    "ob30/simple-err-credential-subject-result-type.json": (
        DATA_MODEL,
        {"$.credentialSubject.result[1].type"},
    ),
    "ob30/simple-err-credential-subject-type.json": (DATA_MODEL, {"$.credentialSubject.type"}),
    "ob30/simple-err-evidence-type.json": (DATA_MODEL, {"$.evidence[1].type"}),
    "ob30/simple-err-issuer-otheridentifier-type.json": (
        DATA_MODEL,
        {"$.issuer.otherIdentifier[1].type"},
    ),
    "ob30/simple-err-issuer-parentorg-type.json": (DATA_MODEL, {"$.issuer.parentOrg.type"}),
    "ob30/simple-err-issuer-type.json": (DATA_MODEL, {"$.issuer.type"}),
    "ob30/simple-err-issuer.json": (
        DATA_MODEL,
        {"$.issuer", "$.credentialSubject.achievement"},
    ),
    "ob30/simple-err-type.json": (DATA_MODEL, {"$.type"}),
    # No achievement in the subject (OB 3.0 B.1.2 requires one).
    "ob30/simple-noproof.json": (DATA_MODEL, {"$.credentialSubject.achievement"}),
    # The VC 1.1 "complete" sample: endorsements without the required id, and the
    # OB 2.0 identityType "email" where OB 3.0 says "emailAddress".
    "ob30/complete_v1.json": (
        DATA_MODEL,
        {
            "$.endorsement[0].id",
            "$.issuer.endorsement[0].id",
            "$.credentialSubject.achievement.endorsement[0].id",
            "$.credentialSubject.achievement.creator.endorsement[0].id",
            "$.credentialSubject.achievement.creator.endorsement[1].id",
            "$.credentialSubject.identifier[0].identityType",
            "$.credentialSubject.identifier[1].identityType",
        },
    ),
}


def _fixture_names() -> list[str]:
    root = fixture_path()
    return sorted(
        path.relative_to(root).as_posix()
        for folder in ("ob30", "clr20")
        for path in (root / folder).rglob("*.json")
    )


@pytest.mark.parametrize("name", _fixture_names())
def test_it_reports_exactly_the_data_model_problems_of_each_1edtech_fixture(name: str) -> None:
    assert name in FIXTURES, f"classify the new fixture {name} in FIXTURES"
    check, expected_paths = FIXTURES[name]
    problems = validate_credential(read_json("fixtures", "1edtech-validator", name))
    assert {problem.path for problem in problems} == expected_paths, (check, problems)
    if check == VALID:
        assert problems == []


def test_it_knows_every_classified_fixture() -> None:
    assert set(FIXTURES) == set(_fixture_names())


@pytest.mark.parametrize(
    "name", sorted(name for name, (check, _) in FIXTURES.items() if check == VALID)
)
def test_its_models_read_and_write_every_valid_fixture_unchanged(name: str) -> None:
    document = read_json("fixtures", "1edtech-validator", name)
    model = CREDENTIAL_MODELS[credential_kind(document)]

    assert model.model_validate(document).to_json_ld() == document


def _simple() -> dict[str, Any]:
    return copy.deepcopy(read_json("fixtures", "1edtech-validator", "ob30", "simple.json"))


def _simple_v1() -> dict[str, Any]:
    return copy.deepcopy(read_json("fixtures", "1edtech-validator", "ob30", "simple_v1.json"))


def _complete() -> dict[str, Any]:
    return copy.deepcopy(read_json("fixtures", "1edtech-validator", "ob30", "complete.json"))


def _paths(document: Any) -> dict[str, str]:
    return {problem.path: problem.code for problem in validate_credential(document)}


def test_it_reports_every_problem_not_only_the_first() -> None:
    credential = _complete()
    credential["issuer"]["type"] = ["Organization"]
    credential["credentialSubject"]["achievement"].pop("criteria")
    credential["credentialSubject"]["achievement"]["achievementType"] = "Degreee"
    credential["evidence"][1]["type"] = "Proof"
    credential["validFrom"] = "2010-01-01"

    assert _paths(credential) == {
        "$.issuer.type": "INVALID_TYPE",
        "$.credentialSubject.achievement.criteria": "MISSING_PROPERTY",
        "$.credentialSubject.achievement.achievementType": "UNKNOWN_TERM",
        "$.evidence[1].type": "INVALID_TYPE",
        "$.validFrom": "INVALID_DATETIME",
    }


def test_its_messages_name_the_expected_and_the_found_value() -> None:
    credential = _simple()
    credential["credentialSubject"]["achievement"]["achievementType"] = "Degreee"

    [problem] = validate_credential(credential)

    assert problem == Problem(
        "$.credentialSubject.achievement.achievementType",
        "'Degreee' is not a term of AchievementType or an extension term like 'ext:MyTerm'",
        "UNKNOWN_TERM",
    )


@pytest.mark.parametrize("not_a_credential", [None, [], "credential", 42])
def test_it_reports_a_document_that_is_not_an_object(not_a_credential: Any) -> None:
    assert _paths(not_a_credential) == {"$": "WRONG_JSON_TYPE"}


def test_it_reports_wrong_json_types_instead_of_raising() -> None:
    credential = _simple()
    credential["credentialSubject"]["achievement"]["name"] = 7
    credential["credentialSubject"]["achievement"]["criteria"] = "be nice"
    credential["issuer"] = 3

    assert _paths(credential) == {
        "$.credentialSubject.achievement.name": "WRONG_JSON_TYPE",
        "$.credentialSubject.achievement.criteria": "WRONG_JSON_TYPE",
        "$.issuer": "WRONG_JSON_TYPE",
    }


def test_it_accepts_an_issuer_given_as_a_uri() -> None:
    credential = _simple()
    credential["issuer"] = "https://example.com/issuers/876543"

    assert validate_credential(credential) == []


@pytest.mark.parametrize("issuer_id", ["example.com/issuers/1", "not a uri", ""])
def test_it_rejects_an_issuer_id_that_is_not_a_uri(issuer_id: str) -> None:
    credential = _simple()
    credential["issuer"]["id"] = issuer_id

    assert _paths(credential) == {"$.issuer.id": "INVALID_URI"}


def test_it_requires_the_vc_context_first() -> None:
    credential = _simple()
    credential["@context"].reverse()

    assert _paths(credential) == {"$['@context'][0]": "INVALID_CONTEXT"}


def test_it_requires_the_open_badges_context_in_an_open_badge() -> None:
    credential = _simple()
    credential["@context"] = ["https://www.w3.org/ns/credentials/v2"]

    assert _paths(credential) == {"$['@context']": "INVALID_CONTEXT"}


@pytest.mark.parametrize("ob_context", ["context.json", "context-3.0.1.json"])
def test_it_rejects_an_ob_context_that_cannot_follow_vc_2_0(ob_context: str) -> None:
    credential = _simple()
    credential["@context"][1] = f"https://purl.imsglobal.org/spec/ob/v3p0/{ob_context}"

    assert _paths(credential) == {"$['@context'][1]": "INVALID_CONTEXT"}


def test_it_requires_a_context() -> None:
    credential = _simple()
    del credential["@context"]

    assert _paths(credential) == {"$['@context']": "MISSING_PROPERTY"}


def test_it_requires_valid_from_in_a_vc_2_0_open_badge() -> None:
    credential = _simple()
    del credential["validFrom"]

    assert _paths(credential) == {"$.validFrom": "MISSING_PROPERTY"}


def test_it_rejects_vc_1_1_dates_in_a_vc_2_0_credential() -> None:
    credential = _simple()
    credential["issuanceDate"] = credential.pop("validFrom")

    assert _paths(credential) == {
        "$.issuanceDate": "UNDEFINED_PROPERTY",
        "$.validFrom": "MISSING_PROPERTY",
    }


def test_it_requires_issuance_date_in_a_vc_1_1_credential() -> None:
    credential = _simple_v1()
    del credential["issuanceDate"]

    assert _paths(credential) == {"$.issuanceDate": "MISSING_PROPERTY"}


@pytest.mark.parametrize(
    "value",
    ["2010-01-01T00:00:00", "2010-01-01", "01/01/2010", "2010-13-01T00:00:00Z", 1262304000],
)
def test_it_rejects_a_valid_from_that_is_not_a_date_time_stamp(value: Any) -> None:
    credential = _simple()
    credential["validFrom"] = value

    assert _paths(credential) == {"$.validFrom": "INVALID_DATETIME"}


def test_it_rejects_a_validity_that_ends_before_it_starts() -> None:
    credential = _simple()
    credential["validUntil"] = "2009-12-31T23:59:59Z"

    assert _paths(credential) == {"$.validUntil": "INVALID_VALUE"}


def test_it_requires_the_name_of_a_vc_2_0_endorsement() -> None:
    credential = _complete()
    del credential["endorsement"][0]["name"]

    assert _paths(credential) == {"$.endorsement[0].name": "MISSING_PROPERTY"}


def test_it_checks_the_context_of_embedded_endorsements() -> None:
    credential = _complete()
    credential["issuer"]["endorsement"][0]["@context"] = ["https://example.com/context.json"]

    assert _paths(credential) == {
        "$.issuer.endorsement[0]['@context'][0]": "INVALID_CONTEXT",
        "$.issuer.endorsement[0]['@context']": "INVALID_CONTEXT",
    }


def test_it_finds_endorsements_at_any_depth_but_not_in_a_context() -> None:
    credential = _complete()
    unnamed = {k: v for k, v in credential["issuer"]["endorsement"][0].items() if k != "name"}
    credential["credentialSubject"]["achievement"]["related"] = [
        {"id": "urn:uuid:1", "type": ["Related"], "endorsement": [unnamed]}
    ]
    # A term definition named "endorsement" in an inline context is not an endorsement.
    credential["@context"] = [
        *credential["@context"],
        {"endorsement": {"@id": "https://example.com/endorsement", "@type": "@id"}},
    ]

    problems = _paths(credential)

    assert problems == {
        "$.credentialSubject.achievement.related[0].endorsement[0].name": "MISSING_PROPERTY"
    }


def test_it_accepts_a_plain_verifiable_credential_without_valid_from() -> None:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject", "name": "Alice"},
    }

    assert validate_credential(credential) == []
    assert credential_kind(credential) == "VerifiableCredential"


@pytest.mark.parametrize(
    ("types", "kind"),
    [
        (["VerifiableCredential", "OpenBadgeCredential"], "OpenBadgeCredential"),
        (["VerifiableCredential", "AchievementCredential"], "OpenBadgeCredential"),
        (["VerifiableCredential", "ClrCredential"], "ClrCredential"),
        ("EndorsementCredential", "EndorsementCredential"),
        (["VerifiableCredential"], "VerifiableCredential"),
        (None, "VerifiableCredential"),
    ],
)
def test_it_tells_the_kind_of_credential_from_its_type(types: Any, kind: str) -> None:
    assert credential_kind({"type": types}) == kind


def test_credential_kind_refuses_a_non_mapping() -> None:
    with pytest.raises(TypeError):
        credential_kind(["VerifiableCredential"])  # type: ignore[arg-type]


def test_it_reads_the_validity_period_of_vc_2_0_and_1_1() -> None:
    assert validity_period(
        {"validFrom": "2010-01-01T00:00:00Z", "validUntil": "2030-01-01T01:00:00+01:00"}
    ) == (datetime(2010, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
    assert validity_period(
        {"issuanceDate": "2010-01-01T00:00:00.5Z", "expirationDate": "2020-01-01T00:00:00Z"}
    ) == (datetime(2010, 1, 1, 0, 0, 0, 500000, tzinfo=UTC), datetime(2020, 1, 1, tzinfo=UTC))
    assert validity_period({}) == (None, None)


def test_validity_period_prefers_the_vc_2_0_names() -> None:
    start, end = validity_period(
        {"issuanceDate": "2000-01-01T00:00:00Z", "validFrom": "2010-01-01T00:00:00Z"}
    )
    assert (start, end) == (datetime(2010, 1, 1, tzinfo=UTC), None)


def test_validity_period_raises_for_a_malformed_date() -> None:
    with pytest.raises(DataModelError) as raised:
        validity_period({"validFrom": "yesterday", "validUntil": "2010-01-01T00:00:00"})
    assert [path for path, _ in raised.value.problems] == ["$.validFrom", "$.validUntil"]


@pytest.mark.parametrize(
    ("parts", "path"),
    [
        ([], "$"),
        (["credentialSubject", "achievement", "type"], "$.credentialSubject.achievement.type"),
        (
            ["issuer", "otherIdentifier", 0, "identifierType"],
            "$.issuer.otherIdentifier[0].identifierType",
        ),
        (["@context", 0], "$['@context'][0]"),
        (["it's"], "$['it\\'s']"),
    ],
)
def test_it_writes_json_paths(parts: list[str | int], path: str) -> None:
    assert json_path(parts) == path


# Property: corrupting one part of a valid credential yields a problem pointing into it.

_FREE_TYPES = ("credentialSchema", "credentialStatus", "refreshService", "proof")


def _type_paths(value: Any, parts: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found: list[tuple[str | int, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _FREE_TYPES:
                continue
            if key == "type":
                found.append((*parts, key))
            else:
                found += _type_paths(item, (*parts, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _type_paths(item, (*parts, index))
    return found


COMPLETE = read_json("fixtures", "1edtech-validator", "ob30", "complete.json")
TYPE_PATHS = _type_paths(COMPLETE)
REQUIRED_PATHS: list[tuple[str | int, ...]] = [
    ("@context",),
    ("id",),
    ("type",),
    ("issuer",),
    ("issuer", "id"),
    ("validFrom",),
    ("credentialSubject",),
    ("credentialSubject", "achievement"),
    ("credentialSubject", "achievement", "id"),
    ("credentialSubject", "achievement", "name"),
    ("credentialSubject", "achievement", "description"),
    ("credentialSubject", "achievement", "criteria"),
    ("credentialSubject", "achievement", "alignment", 1, "targetName"),
    ("credentialSubject", "achievement", "alignment", 0, "targetUrl"),
    ("credentialSubject", "achievement", "resultDescription", 0, "resultType"),
    ("credentialSubject", "achievement", "resultDescription", 1, "name"),
    ("credentialSubject", "achievement", "resultDescription", 1, "rubricCriterionLevel", 0, "id"),
    ("credentialSubject", "achievement", "otherIdentifier", 0, "identifierType"),
    ("credentialSubject", "identifier", 0, "identityHash"),
    ("credentialSubject", "identifier", 1, "hashed"),
    ("credentialSubject", "source", "id"),
    ("issuer", "otherIdentifier", 1, "identifier"),
    ("issuer", "endorsement", 0, "credentialSubject"),
    ("issuer", "endorsement", 0, "credentialSubject", "id"),
    ("issuer", "endorsement", 0, "name"),
    ("endorsement", 0, "issuer"),
    ("image", "id"),
]


def _parent_and_key(document: Any, parts: tuple[str | int, ...]) -> tuple[Any, str | int]:
    parent = document
    for part in parts[:-1]:
        parent = parent[part]
    return parent, parts[-1]


def _points_into(problem_path: str, changed: str) -> bool:
    return problem_path == changed or problem_path.startswith((changed + ".", changed + "["))


@settings(max_examples=60, deadline=None)
@given(parts=st.sampled_from(REQUIRED_PATHS))
def test_dropping_a_required_property_is_reported_at_its_path(
    parts: tuple[str | int, ...],
) -> None:
    credential = copy.deepcopy(COMPLETE)
    parent, key = _parent_and_key(credential, parts)
    del parent[key]

    problems = validate_credential(credential)

    assert any(_points_into(problem.path, json_path(parts)) for problem in problems), problems


@settings(max_examples=60, deadline=None)
@given(
    parts=st.sampled_from(TYPE_PATHS),
    wrong=st.sampled_from(["Thing", ["Thing"], [], 42, {"id": "x"}]),
)
def test_a_wrong_type_value_is_reported_at_its_path(
    parts: tuple[str | int, ...], wrong: Any
) -> None:
    credential = copy.deepcopy(COMPLETE)
    parent, key = _parent_and_key(credential, parts)
    parent[key] = copy.deepcopy(wrong)

    problems = validate_credential(credential)

    assert any(_points_into(problem.path, json_path(parts)) for problem in problems), problems


def test_the_corruption_properties_cover_the_nested_classes() -> None:
    covered = {parts[-2] if isinstance(parts[-2], str) else parts[-3] for parts in TYPE_PATHS[1:]}
    assert {
        "issuer",
        "credentialSubject",
        "achievement",
        "alignment",
        "resultDescription",
        "rubricCriterionLevel",
        "result",
        "identifier",
        "otherIdentifier",
        "address",
        "geo",
        "parentOrg",
        "image",
        "evidence",
        "endorsement",
    } <= covered


@pytest.mark.parametrize(
    "parts",
    [
        ("w3c-vc-di-eddsa", "unsigned.json"),
        ("w3c-vc-di-eddsa", "eddsa-rdfc-2022", "signedDataInt.json"),
        ("w3c-vc-di-eddsa", "eddsa-jcs-2022", "signedJCS.json"),
        ("w3c-vc-di-eddsa", "Ed25519Signature2020", "signedEdSig.json"),
    ],
)
def test_it_accepts_the_credentials_of_the_w3c_signing_vectors(parts: tuple[str, ...]) -> None:
    credential = read_json("vectors", *parts)

    assert credential_kind(credential) == "VerifiableCredential"
    assert validate_credential(credential) == []


@pytest.mark.parametrize("which", ["unsigned", "signed"])
def test_it_accepts_the_credential_of_the_1edtech_signing_vector(which: str) -> None:
    vector = read_json("vectors", "1edtech-ob3-di", "ob-vector.json")

    assert validate_credential(vector[which]) == []


def test_it_reports_a_document_nested_too_deeply_instead_of_crashing() -> None:
    credential = _simple()
    nested: list[Any] = []
    for _ in range(5000):
        nested = [nested]
    credential["ext:deep"] = nested

    assert _paths(credential) == {"$": "INVALID_VALUE"}


def test_require_valid_credential_raises_with_every_problem() -> None:
    credential = _simple()
    credential["issuer"]["type"] = ["Organization"]
    del credential["credentialSubject"]["achievement"]["criteria"]

    with pytest.raises(DataModelError, match=r"\$\.issuer\.type.*and 1 more") as raised:
        require_valid_credential(credential)

    assert [path for path, _ in raised.value.problems] == [
        "$.issuer.type",
        "$.credentialSubject.achievement.criteria",
    ]
    require_valid_credential(_simple())


def test_it_reports_a_missing_context_of_a_plain_credential_once() -> None:
    credential = {
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
    }

    assert [(p.path, p.code) for p in validate_credential(credential)] == [
        ("$['@context']", "MISSING_PROPERTY")
    ]
