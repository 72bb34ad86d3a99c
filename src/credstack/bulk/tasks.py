"""The bulk job's background task (huey). Enqueued by ``services.start_bulk_job``."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def run_bulk_job_task(job_id: str) -> None:
    from credstack.bulk.services import run_bulk_job

    run_bulk_job(job_id)
