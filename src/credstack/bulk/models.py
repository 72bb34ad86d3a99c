"""Bulk-award jobs and their rows.

A :class:`BulkJob` keeps the uploaded file (size-capped, in the database so the web
process and the job worker need no shared disk) and one :class:`BulkRow` per data row.
Each row carries an idempotency key derived from the organisation, the definition and the
row's content: the award service never awards twice under one key, so re-running a job,
resuming it after a crash or uploading the same file again cannot award twice.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from credstack.accounts.models import Organisation
from credstack.common.ids import new_public_id
from credstack.issuing.models import DefinitionVersion


def new_bulk_job_id() -> str:
    return new_public_id("bulk")


class JobStatus(models.TextChoices):
    VALIDATED = "validated", "Validated, waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Stopped by an error (start again to resume)"
    CANCELLED = "cancelled", "Cancelled"


class RowState(models.TextChoices):
    PENDING = "pending", "Waiting to be issued"
    ISSUED = "issued", "Issued"
    FAILED = "failed", "Not issued: the award failed"
    SKIPPED = "skipped", "Not issued: invalid, already awarded or cancelled"


class BulkJob(models.Model):
    public_id = models.CharField(
        max_length=32, unique=True, default=new_bulk_job_id, editable=False
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="bulk_jobs"
    )
    definition_version = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="bulk_jobs"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.VALIDATED)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64)
    original_file = models.BinaryField(editable=False)
    encoding = models.CharField(max_length=40, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    unknown_columns = models.JSONField(default=list, blank=True)

    total_rows = models.PositiveIntegerField(default=0)
    invalid_rows = models.PositiveIntegerField(default=0)
    already_awarded_rows = models.PositiveIntegerField(default=0)
    issued_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="why the job stopped, when it failed")

    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set by the runner after every batch; a running job whose heartbeat stopped lost
    # its worker and is resumed by ``services.resume_stalled_bulk_jobs``.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.public_id

    @property
    def to_issue(self) -> int:
        """Rows the job will try to issue: valid and not awarded before."""
        return self.total_rows - self.invalid_rows - self.already_awarded_rows


class BulkRow(models.Model):
    # No index of its own: the (job, line) and (job, state, line) indexes start with it.
    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="rows", db_index=False)
    line = models.PositiveIntegerField(help_text="first line of the row in the file")
    email = models.CharField(max_length=254, blank=True)
    values = models.JSONField(default=dict, help_text="the parsed row, or the raw cells")
    state = models.CharField(max_length=8, choices=RowState.choices, default=RowState.PENDING)
    error = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    award_id = models.CharField(max_length=64, blank=True, help_text="the award's public id")
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["job", "line"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["job", "line"], name="one_bulk_row_per_line"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["job", "state", "line"], name="bulk_row_job_state_line"),
            # Looked up by equality only: a Meta index, unlike db_index on a CharField,
            # makes no second pattern-matching (LIKE) index on PostgreSQL.
            models.Index(fields=["idempotency_key"], name="bulk_row_idempotency_key"),
        ]

    def __str__(self) -> str:
        return f"{self.job.public_id} line {self.line}"
