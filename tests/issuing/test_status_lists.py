"""Status list allocation: random free indexes, full lists, issuers across key rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.test import override_settings

from credstack.issuing.models import STATUS_LIST_LENGTH, StatusList, StatusPurpose
from credstack.issuing.services import issue_credential, revoke_credential, rotate_signing_key
from credstack.issuing.status_lists import allocate_index
from credstack.standards import verify
from tests.issuing.awarding import instance_fetcher

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LOCAL = "http://127.0.0.1:8000"


def _issue(personas, definition, email="bob@example.org"):
    return issue_credential(
        definition.published_version, recipient_email=email, by=personas.alice, now=NOW
    )


def test_a_full_list_is_left_for_a_new_one(personas, published_definition):
    first = _issue(personas, published_definition)
    StatusList.objects.filter(pk=first.revocation_list_id).update(
        allocated_count=STATUS_LIST_LENGTH
    )
    second = _issue(personas, published_definition)
    assert second.revocation_list_id != first.revocation_list_id
    assert second.suspension_list_id == first.suspension_list_id
    assert verify(second.credential, fetcher=instance_fetcher(second), now=NOW).verdict == "valid"


def test_the_last_free_index_of_a_nearly_full_list_is_found(personas, uni_a_key):
    with transaction.atomic():
        status_list, _, _ = allocate_index(
            personas.uni_a, StatusPurpose.REVOCATION, issuer="did:example:x", now=NOW
        )
        allocated = bytearray(b"\xff" * (STATUS_LIST_LENGTH // 8))
        allocated[1000] = 0b11111011  # only index 8005 is free
        StatusList.objects.filter(pk=status_list.pk).update(
            allocated=bytes(allocated), allocated_count=STATUS_LIST_LENGTH - 1
        )
        again, index, created = allocate_index(
            personas.uni_a, StatusPurpose.REVOCATION, issuer="did:example:x", now=NOW
        )
    assert (again.pk, index, created) == (status_list.pk, 8005, False)
    again.refresh_from_db()
    assert again.is_full


def test_revocation_keeps_working_across_a_did_key_rotation(personas, published_definition):
    with override_settings(CREDSTACK_BASE_URL=LOCAL):
        before = _issue(personas, published_definition)
        rotate_signing_key(personas.uni_a, by=personas.oscar)
        after = _issue(personas, published_definition)
        assert before.credential["issuer"]["id"] != after.credential["issuer"]["id"]
        assert before.revocation_list_id != after.revocation_list_id
        later = NOW + timedelta(hours=1)
        for award in (before, after):
            revoke_credential(award, reason="test", by=personas.alice, now=later)
        for award in (before, after):
            award.refresh_from_db()
            report = verify(award.credential, fetcher=instance_fetcher(award), now=later)
            assert report.verdict == "revoked", report.to_dict()


def test_did_web_lists_survive_a_rotation(personas, published_definition):
    before = _issue(personas, published_definition)
    rotate_signing_key(personas.uni_a, by=personas.oscar)
    after = _issue(personas, published_definition)
    assert before.revocation_list_id == after.revocation_list_id
    revoke_credential(before, reason="test", by=personas.alice, now=NOW)
    assert verify(before.credential, fetcher=instance_fetcher(before), now=NOW).verdict == (
        "revoked"
    )
    assert verify(after.credential, fetcher=instance_fetcher(after), now=NOW).verdict == "valid"


def test_a_new_list_is_signed_on_the_compiled_json_ld_path(
    personas, published_definition, monkeypatch
):
    from credstack.standards.dataintegrity import eddsa_rdfc_2022

    def general_path(document, **options):
        raise AssertionError("a document fell back to the general JSON-LD path")

    # Neither the award nor the two new status lists may need the slow general path.
    monkeypatch.setattr(eddsa_rdfc_2022, "to_rdf", general_path)
    award = _issue(personas, published_definition)
    assert award.revocation_list.credential is not None
    assert award.suspension_list.credential is not None
