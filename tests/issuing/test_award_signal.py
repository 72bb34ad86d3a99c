"""signals.awards_issued: other apps learn of new awards once they are committed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from credstack.issuing.models import Award
from credstack.issuing.services import issue_credential
from credstack.issuing.signals import awards_issued

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def received():
    batches: list[list[Award]] = []

    def receiver(sender, awards, **kwargs):
        batches.append(list(awards))

    awards_issued.connect(receiver, weak=False)
    yield batches
    awards_issued.disconnect(receiver)


def _award(published_definition, personas, **extra) -> Award:
    return issue_credential(
        published_definition.published_version,
        by=personas.alice,
        recipient_email="bob@example.org",
        recipient_name="Bob",
        now=NOW,
        **extra,
    )


@pytest.mark.django_db(transaction=True)
def test_it_announces_a_new_award_after_commit(personas, published_definition, received):
    award = _award(published_definition, personas)
    assert [[a.public_id for a in batch] for batch in received] == [[award.public_id]]


@pytest.mark.django_db(transaction=True)
def test_it_does_not_announce_an_idempotent_retry(personas, published_definition, received):
    first = _award(published_definition, personas, idempotency_key="row-1")
    again = _award(published_definition, personas, idempotency_key="row-1")
    assert again.pk == first.pk
    assert len(received) == 1
