"""services.issue_credential: the signed OpenBadgeCredential of an award."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import override_settings

from credstack.common.errors import ConflictError, PermissionDeniedError, ValidationFailedError
from credstack.issuing.elm import ELM, ELM_CONTEXT
from credstack.issuing.models import Award, AwardStatus, SigningKey, StatusList
from credstack.issuing.services import (
    approve_definition,
    issue_credential,
    publish_definition,
    submit_definition,
    update_definition,
)
from credstack.standards import verify
from credstack.standards.jsonld.document_loader import CREDENTIALS_V2, OB_V3P0_CONTEXT
from credstack.standards.vc.identity import identity_matches
from tests.issuing.awarding import instance_fetcher

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _award(published_definition, personas, **extra) -> Award:
    options = {"recipient_email": "bob@example.org", "recipient_name": "Bob", "now": NOW}
    options.update(extra)
    return issue_credential(published_definition.published_version, by=personas.alice, **options)


def test_it_issues_a_credential_that_verifies_on_a_did_web_instance(personas, published_definition):
    award = _award(published_definition, personas)
    report = verify(award.credential, fetcher=instance_fetcher(award), now=NOW)
    assert report.verdict == "valid", report.to_dict()
    assert award.credential["issuer"]["id"] == "did:web:credstack.test:orgs:uni-a"
    assert award.status == AwardStatus.ACTIVE


def test_it_issues_a_credential_that_verifies_on_a_local_instance(personas, published_definition):
    with override_settings(CREDSTACK_BASE_URL="http://127.0.0.1:8000"):
        award = _award(published_definition, personas)
        fetcher = instance_fetcher(award)
    assert award.credential["issuer"]["id"].startswith("did:key:z6Mk")
    report = verify(award.credential, fetcher=fetcher, now=NOW)
    assert report.verdict == "valid", report.to_dict()


def test_the_credential_carries_the_eu_elements_and_the_learner(personas, published_definition):
    credential = _award(published_definition, personas, grade="A", narrative="Well done").credential
    assert credential["@context"] == [CREDENTIALS_V2, OB_V3P0_CONTEXT, ELM_CONTEXT]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"].startswith("urn:uuid:")
    assert credential["validFrom"] == credential["awardedDate"] == "2026-03-01T12:00:00Z"
    assert credential["issuer"]["address"]["addressCountry"] == "FI"
    subject = credential["credentialSubject"]
    assert subject["name"] == "Bob"
    assert identity_matches(subject["identifier"][0], "Bob@Example.org")
    assert subject["result"] == [{"type": ["Result"], "value": "A"}]
    achievement = subject["achievement"]
    assert achievement["learningOutcome"] == ["Reads a chart critically", "Cleans a small data set"]
    assert achievement["modeOfLearning"] == "online"
    assert achievement["EQFLevel"] == "http://data.europa.eu/snb/eqf/6"
    assert achievement["creditsAvailable"] == subject["creditsEarned"] == 3
    assert credential["evidence"] == [{"type": ["Evidence"], "narrative": "Well done"}]
    purposes = [entry["statusPurpose"] for entry in credential["credentialStatus"]]
    assert purposes == ["revocation", "suspension"]
    assert all(
        entry["statusListCredential"].startswith("https://credstack.test/status/sl_")
        for entry in credential["credentialStatus"]
    )


def test_every_eu_term_maps_to_an_elm_iri():
    terms = {name: value for name, value in ELM_CONTEXT.items() if name != "elm"}
    assert all(
        definition["@id"].startswith(("http://", "https://")) for definition in terms.values()
    )
    assert sum(definition["@id"].startswith(ELM) for definition in terms.values()) >= 14


def test_it_identifies_a_learner_by_did(personas, published_definition):
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    award = issue_credential(
        published_definition.published_version, recipient_did=did, by=personas.alice, now=NOW
    )
    subject = award.credential["credentialSubject"]
    assert subject["id"] == did
    assert "identifier" not in subject
    assert verify(award.credential, fetcher=instance_fetcher(award), now=NOW).verdict == "valid"


def test_the_same_idempotency_key_never_issues_twice(personas, published_definition):
    first = _award(published_definition, personas, idempotency_key="row-7")
    again = _award(published_definition, personas, idempotency_key="row-7")
    assert again.pk == first.pk
    assert Award.objects.count() == 1
    other = _award(published_definition, personas, idempotency_key="row-8")
    assert other.pk != first.pk


def test_each_award_gets_its_own_random_status_entries(personas, published_definition):
    awards = [_award(published_definition, personas) for _ in range(5)]
    revocation = {(a.revocation_list_id, a.revocation_index) for a in awards}
    assert len(revocation) == 5
    assert StatusList.objects.filter(organisation=personas.uni_a).count() == 2
    status_list = StatusList.objects.get(purpose="revocation")
    assert status_list.allocated_count == 5
    # Random, not sequential: five sequential indexes from 0 would be {0..4}.
    assert {a.revocation_index for a in awards} != set(range(5))


def test_it_takes_valid_until_from_the_expiry_rule(personas, published_definition):
    update_definition(
        published_definition,
        {"expiry_rule": "months_after_award", "expiry_months": 12},
        by=personas.alice,
    )
    submit_definition(published_definition, by=personas.alice)
    approve_definition(published_definition, by=personas.rita)
    publish_definition(published_definition, by=personas.alice)
    published_definition.refresh_from_db()
    award = _award(published_definition, personas)
    assert award.valid_until == datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    assert award.credential["validUntil"] == "2027-03-01T12:00:00Z"
    later = NOW + timedelta(days=400)
    assert verify(award.credential, fetcher=instance_fetcher(award), now=later).verdict == (
        "expired"
    )


def test_an_explicit_valid_until_wins(personas, published_definition):
    award = _award(published_definition, personas, valid_until=datetime(2030, 1, 1, tzinfo=UTC))
    assert award.credential["validUntil"] == "2030-01-01T00:00:00Z"
    assert award.valid_until.date() == date(2030, 1, 1)


@pytest.mark.parametrize("persona", ["dave", "victor", "rita", "bob", "carol"])
def test_only_issuers_of_the_organisation_may_award(personas, published_definition, persona):
    with pytest.raises(PermissionDeniedError):
        issue_credential(
            published_definition.published_version,
            recipient_email="bob@example.org",
            by=getattr(personas, persona),
        )
    assert not Award.objects.exists()


def test_it_lists_every_problem_of_a_bad_award(personas, published_definition):
    with pytest.raises(ValidationFailedError) as raised:
        issue_credential(
            published_definition.published_version,
            recipient_email="not-an-email",
            recipient_did="nope",
            evidence_url="javascript:alert(1)",
            valid_until=NOW - timedelta(days=1),
            by=personas.alice,
            now=NOW,
        )
    problems = " ".join(raised.value.problems)
    for field in ("recipient_email", "recipient_did", "evidence_url", "valid_until"):
        assert field in problems


def test_it_needs_a_recipient(personas, published_definition):
    with pytest.raises(ValidationFailedError):
        issue_credential(published_definition.published_version, by=personas.alice)


def test_it_refuses_an_unpublished_version(personas, published_definition):
    update_definition(published_definition, {"title": "Data literacy II"}, by=personas.alice)
    draft = published_definition.latest_version()
    with pytest.raises(ValidationFailedError, match="cannot be made"):
        issue_credential(draft, recipient_email="bob@example.org", by=personas.alice)


def test_it_refuses_without_a_signing_key(personas, published_definition):
    SigningKey.objects.filter(organisation=personas.uni_a).update(retired_at=NOW)
    with pytest.raises(ConflictError):
        _award(published_definition, personas)
    assert not Award.objects.exists()


def test_an_idempotency_key_reused_for_another_recipient_is_a_conflict(
    personas, published_definition
):
    _award(published_definition, personas, idempotency_key="row-1")
    with pytest.raises(ConflictError):
        _award(published_definition, personas, idempotency_key="row-1", recipient_email="x@y.org")
    assert Award.objects.count() == 1


def test_it_refuses_a_valid_until_without_time_zone(personas, published_definition):
    with pytest.raises(ValidationFailedError, match="cannot be made"):
        _award(published_definition, personas, valid_until=datetime(2030, 1, 1))


def test_the_verifier_reads_every_mandatory_eu_element_from_the_credential(
    personas, published_definition
):
    from credstack.verification.elements import micro_credential_elements

    credential = _award(published_definition, personas, grade="A").credential
    elements = {element.key: element for element in micro_credential_elements(credential)}
    missing = [
        key for key, element in elements.items() if element.mandatory and not element.present
    ]
    assert missing == []
    assert elements["assessment"].values == ["Online exam with identity check"]
    assert elements["grade"].values == ["A"]
