"""API of bulk awarding, under /api/v1/bulk-jobs.

Upload a CSV (multipart) to get the validation preview, start the job, follow its
progress, download the report. Only who may award for the organisation sees its jobs;
anyone else gets 404 (not 403), so nobody learns what another organisation is awarding.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from credstack.accounts.permissions import Action, can
from credstack.bulk import services
from credstack.bulk.models import BulkJob
from credstack.common.api import ApiError
from credstack.common.errors import ConflictError, NotFoundError
from credstack.issuing.models import AchievementDefinition

router = Router(tags=["bulk awarding"], auth=django_auth)


def _awardable_job(request: HttpRequest, job_id: str) -> BulkJob:
    job = (
        BulkJob.objects.select_related("organisation", "definition_version__definition")
        .filter(public_id=job_id)
        .first()
    )
    if job is None or not can(request.user, job.organisation, Action.AWARD):
        raise NotFoundError(f"no bulk job {job_id}")
    return job


@router.post("", response={201: dict[str, Any], 404: ApiError})
def upload_bulk_job(
    request: HttpRequest, definition: Form[str], file: File[UploadedFile]
) -> Status:
    """Validate a CSV of awards for the published version of ``definition``: the preview
    lists every bad row and why, and the rows awarded before. Nothing is issued."""
    found = (
        AchievementDefinition.objects.select_related("organisation", "published_version")
        .filter(public_id=definition)
        .first()
    )
    if found is None or not can(request.user, found.organisation, Action.VIEW):
        raise NotFoundError(f"no definition {definition}")
    if found.published_version is None:
        raise ConflictError(f"definition {definition} has no published version to award")
    # Read one byte past the limit so an oversized upload is refused, not truncated.
    data = file.read(services.max_upload_bytes() + 1)
    job = services.create_bulk_job(
        found.published_version, data, by=request.user, file_name=file.name or ""
    )
    return Status(201, services.bulk_job_preview(job))


@router.get("", response=list[dict[str, Any]])
def list_bulk_jobs(request: HttpRequest) -> list[dict[str, Any]]:
    """The bulk jobs of every organisation the caller may award for, newest first."""
    jobs = BulkJob.objects.select_related("organisation", "definition_version__definition")
    return [
        services.job_progress(job)
        for job in jobs[:500]
        if can(request.user, job.organisation, Action.AWARD)
    ]


@router.get("/{job_id}", response=dict[str, Any])
def get_bulk_job(request: HttpRequest, job_id: str) -> dict[str, Any]:
    """The preview and progress of one job."""
    return services.bulk_job_preview(_awardable_job(request, job_id))


@router.post("/{job_id}/start", response={202: dict[str, Any]})
def start_bulk_job(request: HttpRequest, job_id: str) -> Status:
    """Issue the job's pending rows in the background (also resumes a stopped job)."""
    job = services.start_bulk_job(_awardable_job(request, job_id), by=request.user)
    return Status(202, services.job_progress(job))


@router.post("/{job_id}/cancel", response=dict[str, Any])
def cancel_bulk_job(request: HttpRequest, job_id: str) -> dict[str, Any]:
    job = services.cancel_bulk_job(_awardable_job(request, job_id), by=request.user)
    return services.job_progress(job)


@router.get("/{job_id}/report.csv")
def bulk_job_report(request: HttpRequest, job_id: str) -> StreamingHttpResponse:
    """One CSV line per row: issued (with the award's id) or not, and why."""
    job = _awardable_job(request, job_id)
    response = StreamingHttpResponse(
        services.iter_bulk_job_report(job), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{job.public_id}-report.csv"'
    return response
