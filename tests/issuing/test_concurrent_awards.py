"""Awards made at the same time never share a status list entry (PostgreSQL row locks)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from credstack.issuing.models import Award, StatusList

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_awards_get_distinct_entries_and_one_award_per_key(
    personas, published_definition
):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections: runs in make test's PostgreSQL pass")
    from credstack.issuing.services import issue_credential

    version = published_definition.published_version

    def award(number: int) -> str:
        try:
            made = issue_credential(
                version,
                recipient_email=f"learner{number % 6}@example.org",
                by=personas.alice,
                idempotency_key=f"row-{number % 6}",
            )
            return made.public_id
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(award, range(12)))
    assert Award.objects.count() == 6
    assert len(set(results)) == 6
    pairs = set(Award.objects.values_list("revocation_list_id", "revocation_index"))
    assert len(pairs) == 6
    assert StatusList.objects.get(purpose="revocation").allocated_count >= 6
