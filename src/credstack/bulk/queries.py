"""Reads behind the bulk-award web pages: an organisation's jobs, one job, and its rows
by kind (bad, awarded before, failed, to issue), as querysets the pages paginate.

Members who may view the organisation see its jobs (as they see its awards); uploading,
starting and cancelling need the right to award (``bulk.services`` checks that). A job
is always read without its uploaded file, which can weigh megabytes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from credstack.accounts.models import Organisation
from credstack.accounts.permissions import Action, require
from credstack.bulk.models import BulkJob, BulkRow, RowState
from credstack.common.errors import NotFoundError

CANCELLED_ROW_ERROR = "job cancelled"  # what services.cancel_bulk_job writes on its rows


def organisation_jobs(organisation: Organisation, *, by: Any) -> QuerySet[BulkJob]:
    """The organisation's bulk jobs, newest first."""
    require(by, organisation, Action.VIEW)
    return (
        BulkJob.objects.filter(organisation=organisation)
        .select_related("definition_version__definition", "uploaded_by")
        .defer("original_file")
    )


def job_of(organisation: Organisation, job_id: str, *, by: Any) -> BulkJob:
    """One of the organisation's jobs. Raises NotFoundError, PermissionDeniedError."""
    job = organisation_jobs(organisation, by=by).filter(public_id=job_id).first()
    if job is None:
        raise NotFoundError(_("There is no such bulk upload in this organisation."))
    return job


def bad_rows(job: BulkJob) -> QuerySet[BulkRow]:
    """Rows skipped because they are invalid, in file order."""
    return (
        BulkRow.objects.filter(job=job, state=RowState.SKIPPED, award_id="")
        .exclude(error=CANCELLED_ROW_ERROR)
        .order_by("line")
    )


def already_awarded_rows(job: BulkJob) -> QuerySet[BulkRow]:
    """Rows skipped because the same award was made before (by any job or upload)."""
    return (
        BulkRow.objects.filter(job=job, state=RowState.SKIPPED)
        .exclude(award_id="")
        .order_by("line")
    )


def failed_rows(job: BulkJob) -> QuerySet[BulkRow]:
    """Rows whose award the award service refused while the job ran."""
    return BulkRow.objects.filter(job=job, state=RowState.FAILED).order_by("line")


def cancelled_row_count(job: BulkJob) -> int:
    return BulkRow.objects.filter(
        job=job, state=RowState.SKIPPED, error=CANCELLED_ROW_ERROR
    ).count()


def rows_to_issue(job: BulkJob) -> QuerySet[BulkRow]:
    """Valid rows not issued yet, in file order."""
    return BulkRow.objects.filter(job=job, state=RowState.PENDING).order_by("line")
