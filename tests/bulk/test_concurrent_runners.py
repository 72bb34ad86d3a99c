"""Two workers running one job at once (a resumed job whose first worker was only slow)
still award each row once: rows are claimed under a row lock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from credstack.bulk.models import BulkRow, JobStatus, RowState
from credstack.bulk.services import create_bulk_job, run_bulk_job
from credstack.issuing.models import Award
from tests.bulk.conftest import learners

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_runners_of_one_job_award_each_row_once(personas, published_definition) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections: runs in make test's PostgreSQL pass")
    job = create_bulk_job(published_definition.published_version, learners(10), by=personas.alice)

    def runner(_: int) -> str:
        try:
            return str(run_bulk_job(job.public_id, by=personas.alice, batch_size=3).status)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(runner, range(2)))
    assert statuses == [JobStatus.DONE, JobStatus.DONE]
    assert Award.objects.count() == 10
    rows = BulkRow.objects.filter(job=job)
    assert set(rows.values_list("state", flat=True)) == {RowState.ISSUED}
    assert len(set(rows.values_list("award_id", flat=True))) == 10
    job.refresh_from_db()
    assert job.issued_count == 10
