"""The bulk app's background tasks (huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_bulk_job_task(job_id: str) -> None:
    """Enqueued by ``services.start_bulk_job``."""
    from credstack.bulk.services import run_bulk_job

    run_bulk_job(job_id)


@db_periodic_task(crontab(minute="*"))
def resume_stalled_bulk_jobs_task() -> None:
    """Every minute: resume the jobs whose worker was killed."""
    from credstack.bulk.services import resume_stalled_bulk_jobs

    resume_stalled_bulk_jobs()
