"""services.issue_credentials: a batch of awards gives each request what a single award
would, stored in one transaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from credstack.common.errors import ConflictError, PermissionDeniedError, ValidationFailedError
from credstack.issuing import services
from credstack.issuing.batch_signing import SigningPool, SigningResult
from credstack.issuing.models import STATUS_LIST_LENGTH, Award, SigningKey, StatusList
from credstack.issuing.services import (
    AwardRequest,
    issue_credential,
    issue_credentials,
    prepare_awards,
    store_awards,
)
from credstack.issuing.signals import awards_issued
from credstack.standards import verify
from credstack.standards.vc.identity import identity_matches
from tests.issuing.awarding import instance_fetcher

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def learner(number: int, **extra: Any) -> AwardRequest:
    return AwardRequest(
        recipient_email=f"learner{number}@example.org",
        recipient_name=f"Learner {number}",
        **extra,
    )


def batch(definition: Any, requests: list[AwardRequest], by: Any, **options: Any) -> list[Any]:
    return issue_credentials(definition.published_version, requests, by=by, now=NOW, **options)


@pytest.fixture
def announced():
    """The award batches ``awards_issued`` announces."""
    batches: list[list[str]] = []

    def receiver(sender: Any, awards: Any, **kwargs: Any) -> None:
        batches.append([award.public_id for award in awards])

    awards_issued.connect(receiver, weak=False)
    yield batches
    awards_issued.disconnect(receiver)


def test_each_request_gets_a_credential_that_verifies(personas, published_definition) -> None:
    requests = [learner(n, grade=str(n), narrative=f"Row {n}") for n in range(4)]
    outcomes = batch(published_definition, requests, personas.alice)
    assert [outcome.error for outcome in outcomes] == [None] * 4
    assert all(outcome.created for outcome in outcomes)
    for number, outcome in enumerate(outcomes):
        award = Award.objects.get(pk=outcome.award.pk)
        credential = award.credential
        assert identity_matches(
            credential["credentialSubject"]["identifier"][0], f"learner{number}@example.org"
        )
        assert credential["credentialSubject"]["result"][0]["value"] == str(number)
        assert credential["evidence"][0]["narrative"] == f"Row {number}"
        report = verify(credential, fetcher=instance_fetcher(award), now=NOW)
        assert report.verdict == "valid", report.to_dict()
    assert Award.objects.count() == 4


def test_a_batch_credential_has_the_shape_of_a_single_award(personas, published_definition):
    single = issue_credential(
        published_definition.published_version,
        recipient_email="learner9@example.org",
        recipient_name="Learner 9",
        by=personas.alice,
        now=NOW,
    ).credential
    [outcome] = batch(published_definition, [learner(8)], personas.alice)
    batched = outcome.award.credential

    def shape(credential: dict[str, Any]) -> dict[str, Any]:
        subject = credential["credentialSubject"]
        return {
            **{key: value for key, value in credential.items() if key not in ("id", "proof")},
            "credentialSubject": {
                key: value for key, value in subject.items() if key not in ("identifier", "name")
            },
            "credentialStatus": [
                {k: v for k, v in entry.items() if k not in ("id", "statusListIndex")}
                for entry in credential["credentialStatus"]
            ],
        }

    assert shape(batched) == shape(single)
    assert {key for key in batched["proof"]} == {key for key in single["proof"]}


def test_the_new_awards_are_announced_once_together(
    personas, published_definition, announced, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        earlier = issue_credential(
            published_definition.published_version,
            recipient_email="learner0@example.org",
            by=personas.alice,
            idempotency_key="row-0",
            now=NOW,
        )
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = batch(
            published_definition,
            [learner(0, idempotency_key="row-0"), learner(1), learner(2)],
            personas.alice,
        )
    assert outcomes[0].award.pk == earlier.pk and not outcomes[0].created
    assert announced == [[earlier.public_id], [o.award.public_id for o in outcomes[1:]]]


def test_a_bad_request_fails_alone_with_the_problems_a_single_award_raises(
    personas, published_definition
) -> None:
    bad = {"recipient_email": "not-an-email", "evidence_url": "javascript:alert(1)"}
    with pytest.raises(ValidationFailedError) as single:
        issue_credential(published_definition.published_version, by=personas.alice, **bad)
    outcomes = batch(published_definition, [learner(1), AwardRequest(**bad)], personas.alice)
    assert outcomes[0].award is not None
    error = outcomes[1].error
    assert isinstance(error, ValidationFailedError)
    assert (error.message, error.problems) == (single.value.message, single.value.problems)
    assert Award.objects.count() == 1


def test_idempotency_keys_hold_across_and_within_batches(personas, published_definition):
    first = batch(published_definition, [learner(1, idempotency_key="a")], personas.alice)
    outcomes = batch(
        published_definition,
        [
            learner(1, idempotency_key="a"),  # made before: the same award
            learner(2, idempotency_key="a"),  # made before, for someone else: a conflict
            learner(3, idempotency_key="b"),
            learner(3, idempotency_key="b"),  # repeats a request of this batch
            learner(4, idempotency_key="b"),  # reuses a key of this batch for someone else
        ],
        personas.alice,
    )
    assert outcomes[0].award.pk == first[0].award.pk and not outcomes[0].created
    assert isinstance(outcomes[1].error, ConflictError)
    assert outcomes[1].error.code == "idempotency_key_reused"
    assert outcomes[2].created and not outcomes[3].created
    assert outcomes[3].award.pk == outcomes[2].award.pk
    assert isinstance(outcomes[4].error, ConflictError)
    assert Award.objects.count() == 2


def test_an_award_stored_meanwhile_under_a_key_is_returned(
    personas, published_definition, monkeypatch
) -> None:
    """Another request stored an award with the key between the batch's look and its
    insert: the insert fails, the batch looks again and returns that award."""
    meanwhile = issue_credential(
        published_definition.published_version,
        recipient_email="learner1@example.org",
        by=personas.alice,
        idempotency_key="k1",
        now=NOW,
    )
    looks = {"n": 0}
    existing_awards = services._existing_awards

    def late_look(organisation: Any, keys: Any) -> Any:
        looks["n"] += 1
        return {} if looks["n"] == 1 else existing_awards(organisation, keys)

    monkeypatch.setattr(services, "_existing_awards", late_look)
    outcomes = batch(
        published_definition, [learner(1, idempotency_key="k1"), learner(2)], personas.alice
    )
    assert looks["n"] == 2
    assert outcomes[0].award.pk == meanwhile.pk and not outcomes[0].created
    assert outcomes[1].created
    assert Award.objects.count() == 2
    assert StatusList.objects.get(purpose="revocation").allocated_count == 2


def test_the_entries_are_distinct_random_and_counted(personas, published_definition) -> None:
    outcomes = batch(published_definition, [learner(n) for n in range(40)], personas.alice)
    awards = [outcome.award for outcome in outcomes]
    revocation = [award.revocation_index for award in awards]
    suspension = [award.suspension_index for award in awards]
    assert len(set(revocation)) == len(set(suspension)) == 40
    assert sorted(revocation) != list(range(40))
    for purpose, indexes in (("revocation", revocation), ("suspension", suspension)):
        status_list = StatusList.objects.get(purpose=purpose)
        assert status_list.allocated_count == 40
        allocated = bytes(status_list.allocated)
        assert all(allocated[i >> 3] & (0x80 >> (i & 7)) for i in indexes)


def test_a_batch_that_fills_a_list_goes_on_in_a_new_one(personas, published_definition):
    [first] = batch(published_definition, [learner(0)], personas.alice)
    old_list = StatusList.objects.get(pk=first.award.revocation_list_id)
    allocated = bytearray(b"\xff" * (STATUS_LIST_LENGTH // 8))
    allocated[0] = 0b11111100  # indexes 6 and 7 are free
    StatusList.objects.filter(pk=old_list.pk).update(
        allocated=bytes(allocated), allocated_count=STATUS_LIST_LENGTH - 2
    )
    outcomes = batch(published_definition, [learner(n) for n in range(1, 6)], personas.alice)
    awards = [outcome.award for outcome in outcomes]
    in_old = sorted(a.revocation_index for a in awards if a.revocation_list_id == old_list.pk)
    assert in_old == [6, 7]
    new_lists = {a.revocation_list_id for a in awards} - {old_list.pk}
    assert len(new_lists) == 1
    new_list = StatusList.objects.get(pk=new_lists.pop())
    assert new_list.allocated_count == 3 and new_list.credential is not None
    old_list.refresh_from_db()
    assert old_list.is_full
    for award in awards:
        award = Award.objects.get(pk=award.pk)
        assert verify(award.credential, fetcher=instance_fetcher(award), now=NOW).verdict == (
            "valid"
        )


def test_a_credential_that_cannot_be_signed_gives_back_its_entries(
    personas, published_definition, monkeypatch
) -> None:
    validate_and_sign = services.validate_and_sign

    def second_fails(credentials: Any, *args: Any, **kwargs: Any) -> list[SigningResult]:
        results = list(validate_and_sign(credentials, *args, **kwargs))
        results[1] = SigningResult(
            None, "the credential cannot be signed", ("a term is undefined",)
        )
        return results

    monkeypatch.setattr(services, "validate_and_sign", second_fails)
    outcomes = batch(published_definition, [learner(n) for n in range(3)], personas.alice)
    error = outcomes[1].error
    assert isinstance(error, ValidationFailedError)
    assert (error.message, error.problems) == (
        "the credential cannot be signed",
        ["a term is undefined"],
    )
    assert outcomes[0].created and outcomes[2].created
    assert Award.objects.count() == 2
    for purpose in ("revocation", "suspension"):
        assert StatusList.objects.get(purpose=purpose).allocated_count == 2


def test_every_request_fails_without_a_signing_key(personas, published_definition) -> None:
    SigningKey.objects.filter(organisation=personas.uni_a).update(retired_at=NOW)
    outcomes = batch(published_definition, [learner(1), learner(2)], personas.alice)
    assert all(isinstance(outcome.error, ConflictError) for outcome in outcomes)
    assert outcomes[0].error.code == "no_signing_key"
    assert not Award.objects.exists()


@pytest.mark.parametrize("persona", ["dave", "victor", "bob"])
def test_only_issuers_of_the_organisation_may_award_a_batch(
    personas, published_definition, persona
) -> None:
    with pytest.raises(PermissionDeniedError):
        batch(published_definition, [learner(1)], getattr(personas, persona))
    assert not Award.objects.exists()
    assert not StatusList.objects.exists()


def test_worker_processes_sign_what_this_process_would(personas, published_definition):
    with SigningPool(2) as pool:
        outcomes = batch(
            published_definition, [learner(n) for n in range(5)], personas.alice, signing_pool=pool
        )
    assert all(outcome.created for outcome in outcomes)
    for outcome in outcomes:
        award = Award.objects.get(pk=outcome.award.pk)
        assert award.credential == outcome.award.credential
        report = verify(award.credential, fetcher=instance_fetcher(award), now=NOW)
        assert report.verdict == "valid", report.to_dict()


def test_a_batch_prepared_in_one_transaction_is_stored_in_the_next(
    personas, published_definition
) -> None:
    from django.db import transaction

    with transaction.atomic():
        prepared = prepare_awards(
            published_definition.published_version,
            [learner(n, idempotency_key=f"k{n}") for n in range(3)],
            by=personas.alice,
            now=NOW,
        )
    assert not Award.objects.exists()
    assert StatusList.objects.get(purpose="revocation").allocated_count == 3
    with transaction.atomic():
        outcomes = store_awards(prepared)
    assert all(outcome.created for outcome in outcomes)
    for outcome in outcomes:
        award = Award.objects.get(pk=outcome.award.pk)
        assert verify(award.credential, fetcher=instance_fetcher(award), now=NOW).verdict == (
            "valid"
        )


def test_a_key_awarded_between_preparing_and_storing_gets_that_award(
    personas, published_definition
) -> None:
    prepared = prepare_awards(
        published_definition.published_version,
        [learner(1, idempotency_key="k1"), learner(2, idempotency_key="k2")],
        by=personas.alice,
        now=NOW,
    )
    meanwhile = issue_credential(
        published_definition.published_version,
        recipient_email="learner1@example.org",
        by=personas.alice,
        idempotency_key="k1",
        now=NOW,
    )
    outcomes = store_awards(prepared)
    assert outcomes[0].award.pk == meanwhile.pk and not outcomes[0].created
    assert outcomes[1].created
    assert Award.objects.count() == 2


@pytest.mark.parametrize("field", ["public_id", "credential_id"])
def test_the_database_refuses_a_second_award_with_the_same_identifier(
    personas, published_definition, field: str
) -> None:
    first, second = (
        outcome.award for outcome in batch(published_definition, [learner(1), learner(2)], None)
    )
    assert first is not None and second is not None

    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=second.pk).update(**{field: getattr(first, field)})

    assert Award.objects.get(pk=second.pk).credential_id == second.credential_id


def test_the_signed_credential_is_stored_as_the_json_text_it_was_signed_as(
    personas, published_definition
) -> None:
    [outcome] = batch(published_definition, [learner(1, grade="A")], personas.alice)
    issued = outcome.award.credential

    with connection.cursor() as cursor:
        cursor.execute("SELECT credential FROM issuing_award WHERE id = %s", [outcome.award.pk])
        [(stored,)] = cursor.fetchall()

    assert stored == json.dumps(issued)
    again = Award.objects.get(pk=outcome.award.pk).credential
    assert again == issued and list(again) == list(issued)  # in the order it was signed
    assert verify(again, fetcher=instance_fetcher(outcome.award), now=NOW).verdict.value == "valid"
