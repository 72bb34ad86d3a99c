"""Writes of the bulk app: validate an uploaded CSV into a job, run it, cancel it, report.

1. ``create_bulk_job`` reads the file once (streaming), stores one row per data row (bad
   rows are skipped with the reason, rows awarded before are skipped as such) and issues
   nothing: the job is the preview.
2. ``start_bulk_job`` enqueues ``run_bulk_job`` on the job queue.
3. ``run_bulk_job`` issues the pending rows a batch at a time, each batch's awards
   stored in one transaction together with its rows' outcomes
   (``issuing.services.prepare_awards`` and ``store_awards``), so a worker killed at
   any moment leaves every row either issued (with its award) or pending; running the
   job again resumes with the pending rows. Each award carries the row's idempotency
   key, so even a row issued twice by two workers yields one award.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import attrgetter
from typing import IO, Any, NamedTuple, Protocol

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from credstack.accounts.permissions import Action, require
from credstack.bulk.csv_import import (
    DEFAULT_MAX_ROWS,
    CsvRow,
    RowValues,
    email_identity,
    open_bulk_csv,
)
from credstack.bulk.models import BulkJob, BulkRow, JobStatus, RowState
from credstack.common.errors import ConflictError, CredstackError, ValidationFailedError
from credstack.common.fast_insert import ModelMaker, insert_new
from credstack.common.lookups import AnyOf
from credstack.issuing.batch_signing import SigningPool
from credstack.issuing.models import DefinitionStatus, DefinitionVersion
from credstack.issuing.services import (
    AwardOutcome,
    AwardRequest,
    PreparedAwards,
    prepare_awards,
    store_awards,
)
from credstack.standards.errors import StandardsError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_INSERT_BATCH = 1000
DEFAULT_RUN_BATCH = 1000
# A pool of signing processes takes about a second to start: worth it from this many rows.
POOL_FROM_ROWS = 2000
# A running job whose runner has not reported for this long lost its worker.
STALLED_AFTER = timedelta(minutes=5)


class Awarding(Protocol):
    """How the runner awards a batch: ``prepare`` (in one transaction) then ``store``
    (in the next), as ``issuing.services.prepare_awards`` and ``store_awards`` do."""

    def prepare(
        self,
        definition_version: DefinitionVersion,
        requests: Sequence[AwardRequest],
        *,
        by: Any,
        signing_pool: SigningPool | None,
    ) -> Any: ...

    def store(self, prepared: Any) -> list[AwardOutcome]: ...


class ServiceAwarding:
    """The award service itself (the runner's default :class:`Awarding`)."""

    def prepare(
        self,
        definition_version: DefinitionVersion,
        requests: Sequence[AwardRequest],
        *,
        by: Any,
        signing_pool: SigningPool | None,
    ) -> PreparedAwards:
        return prepare_awards(definition_version, requests, by=by, signing_pool=signing_pool)

    def store(self, prepared: PreparedAwards) -> list[AwardOutcome]:
        return store_awards(prepared)


def max_upload_bytes() -> int:
    return int(getattr(settings, "CREDSTACK_BULK_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "CREDSTACK_BULK_MAX_ROWS", DEFAULT_MAX_ROWS))


def row_idempotency_key(organisation_id: str, definition_id: str, values: RowValues) -> str:
    """The key an award from this row carries: the same organisation, definition and row
    content (email compared case-insensitively) give the same key, whichever file, job
    or line it comes from."""
    content = values.to_json()
    content["email"] = email_identity(values.email)
    material = json.dumps(
        [organisation_id, definition_id, content], sort_keys=True, separators=(",", ":")
    )
    return "bulk-" + hashlib.sha256(material.encode()).hexdigest()[:48]


def _read_upload(file: bytes | IO[bytes]) -> bytes:
    limit = max_upload_bytes()
    data = file if isinstance(file, bytes) else file.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailedError(
            f"the file is larger than {limit // (1024 * 1024)} MiB: split it into several files",
            [f"file larger than {limit} bytes"],
            code="file_too_large",
        )
    return data


def _already_awarded(organisation: Any, keys: list[str]) -> dict[str, str]:
    """Idempotency key -> the award's public id, for keys that already have an award."""
    found: dict[str, str] = dict(
        BulkRow.objects.filter(
            AnyOf(F("idempotency_key"), keys),
            job__organisation=organisation,
            state=RowState.ISSUED,
        ).values_list("idempotency_key", "award_id")
    )
    try:
        award_model = apps.get_model("issuing", "Award")
    except LookupError:  # awards not installed: the bulk rows alone tell
        return found
    awards = award_model.objects.filter(
        AnyOf(F("idempotency_key"), [key for key in keys if key not in found]),
        organisation=organisation,
    )
    found.update(awards.values_list("idempotency_key", "public_id"))
    return found


def _store_rows(job: BulkJob, rows: list[CsvRow]) -> tuple[int, int]:
    """Insert one batch of rows; returns (invalid, already awarded)."""
    organisation = job.organisation
    definition_id = job.definition_version.definition.public_id
    keys = {
        row.line: row_idempotency_key(organisation.public_id, definition_id, row.values)
        for row in rows
        if row.values is not None
    }
    awarded = _already_awarded(organisation, list(keys.values()))
    invalid = already = 0
    new_row = ModelMaker(BulkRow)
    objects = []
    for row in rows:
        if row.values is None:
            invalid += 1
            objects.append(
                new_row(
                    {
                        "job": job,
                        "line": row.line,
                        "email": row.raw.get("email", "").strip()[:254],
                        "values": row.raw,
                        "state": RowState.SKIPPED.value,
                        "error": "; ".join(row.problems),
                    }
                )
            )
            continue
        key = keys[row.line]
        values: dict[str, Any] = {
            "job": job,
            "line": row.line,
            "email": row.values.email,
            "values": row.values.to_json(),
            "idempotency_key": key,
        }
        if key in awarded:
            already += 1
            values["state"] = RowState.SKIPPED.value
            values["award_id"] = awarded[key]
            values["error"] = f"already awarded (award {awarded[key]})"
        objects.append(new_row(values))
    insert_new(BulkRow, objects)
    return invalid, already


def _batches(rows: Iterable[CsvRow], size: int) -> Iterator[list[CsvRow]]:
    batch: list[CsvRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def create_bulk_job(
    definition_version: DefinitionVersion,
    file: bytes | IO[bytes],
    *,
    by: Any,
    file_name: str = "",
    now: datetime | None = None,
) -> BulkJob:
    """Validate a CSV of awards into a job to preview; nothing is issued.

    Preconditions: ``by`` may award for the definition's organisation; the version is
    published. Every data row becomes a BulkRow: pending when it will be issued, skipped
    with the reason when it is invalid or was awarded before (same organisation,
    definition and content).

    Raises PermissionDeniedError, ConflictError (version not published),
    ValidationFailedError (file too large) and CsvFormatError (a file that cannot be
    read at all: encoding, header, quoting, too many rows); then nothing is stored.
    """
    organisation = definition_version.definition.organisation
    require(by, organisation, Action.AWARD)
    if definition_version.status != DefinitionStatus.PUBLISHED:
        raise ConflictError(
            f"version {definition_version.number} of this definition is not published "
            "(awards use the published version)"
        )
    data = _read_upload(file)
    now = now or timezone.now()
    bulk_csv = open_bulk_csv(io.BytesIO(data), max_rows=max_rows(), today=now.date())
    with transaction.atomic():
        job = BulkJob.objects.create(
            organisation=organisation,
            definition_version=definition_version,
            uploaded_by=by,
            file_name=file_name[:255],
            file_size=len(data),
            file_sha256=hashlib.sha256(data).hexdigest(),
            original_file=data,
            encoding=bulk_csv.layout.encoding,
            delimiter=bulk_csv.layout.delimiter,
            unknown_columns=list(bulk_csv.layout.unknown_columns),
            created_at=now,
        )
        total = invalid = already = 0
        for batch in _batches(bulk_csv.rows(), _INSERT_BATCH):
            batch_invalid, batch_already = _store_rows(job, batch)
            total += len(batch)
            invalid += batch_invalid
            already += batch_already
        job.total_rows, job.invalid_rows, job.already_awarded_rows = total, invalid, already
        job.save(update_fields=["total_rows", "invalid_rows", "already_awarded_rows"])
    return job


def start_bulk_job(job: BulkJob, *, by: Any, now: datetime | None = None) -> BulkJob:
    """Queue the job's pending rows for issuing.

    Preconditions: ``by`` may award for the job's organisation; the job is validated,
    or failed or running (then it resumes: a worker that was killed left it running).
    Raises PermissionDeniedError, ConflictError (done or cancelled).
    """
    require(by, job.organisation, Action.AWARD)
    if job.status in (JobStatus.DONE, JobStatus.CANCELLED):
        raise ConflictError(f"job {job.public_id} is {job.status}: it cannot start again")
    now = now or timezone.now()
    BulkJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        started_by=by,
        started_at=job.started_at or now,
        error="",
    )
    from credstack.bulk.tasks import run_bulk_job_task

    run_bulk_job_task(job.public_id)
    job.refresh_from_db()
    return job


def _award_time(day: date | None, *, end_of_day: bool = False) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59) if end_of_day else time(0, 0), tzinfo=UTC)


def _award_request(values_json: dict[str, Any], idempotency_key: str) -> AwardRequest:
    values = RowValues.from_json(values_json)
    return AwardRequest(
        recipient_email=values.email,
        recipient_name=values.name,
        awarded_at=_award_time(values.award_date),
        narrative=values.narrative or None,
        evidence_url=values.evidence_url or None,
        grade=values.grade or None,
        valid_until=_award_time(values.expiry, end_of_day=True),
        idempotency_key=idempotency_key,
    )


class _RowOutcome(NamedTuple):
    pk: int
    state: RowState
    award_id: str
    error: str


@dataclass
class _Batch:
    """Rows claimed and prepared in one transaction, to be stored in the next."""

    rows: list[tuple[int, int, dict[str, Any], str]]  # pk, line, values, idempotency key
    prepared: Any  # what Awarding.prepare returned, or None after a failure
    error: str = ""  # why every row fails, when prepare failed

    @property
    def last_line(self) -> int:
        return self.rows[-1][1]


def _claim_and_prepare(
    job: BulkJob,
    awarding: Awarding,
    by: Any,
    *,
    after_line: int,
    batch_size: int,
    signing_pool: SigningPool | None,
) -> _Batch | None:
    """The next pending rows after ``after_line`` (in file order), their awards
    prepared (checked, status entries allocated, credentials sent to be signed); None
    when no row is left. Expected failures (permissions, no key) are the batch's
    error; anything else propagates."""
    rows = list(
        BulkRow.objects.filter(job=job, state=RowState.PENDING, line__gt=after_line)
        .order_by("line")
        .values_list("pk", "line", "values", "idempotency_key")[:batch_size]
    )
    if not rows:
        return None
    requests = [_award_request(values, key) for _, _, values, key in rows]
    try:
        with transaction.atomic():
            prepared = awarding.prepare(
                job.definition_version, requests, by=by, signing_pool=signing_pool
            )
    except (CredstackError, StandardsError) as error:
        return _Batch(rows, None, _error_text(error))
    return _Batch(rows, prepared)


def _store(job: BulkJob, awarding: Awarding, batch: _Batch, *, now: datetime) -> None:
    """Store a prepared batch's awards and its rows' outcomes, move the job's counts
    and heartbeat on. Expected failures mark rows failed; anything else propagates."""
    error = batch.error
    outcomes: list[AwardOutcome] = []
    if batch.prepared is not None:
        try:
            with transaction.atomic():
                outcomes = awarding.store(batch.prepared)
        except (CredstackError, StandardsError) as failure:
            error = _error_text(failure)
    if outcomes:
        row_outcomes = [
            _RowOutcome(pk, RowState.ISSUED, outcome.award.public_id, "")
            if outcome.award is not None
            else _RowOutcome(pk, RowState.FAILED, "", _error_text(outcome.error))
            for (pk, _, _, _), outcome in zip(batch.rows, outcomes, strict=True)
        ]
    else:
        row_outcomes = [_RowOutcome(pk, RowState.FAILED, "", error) for pk, *_ in batch.rows]
    issued, failed = _save_row_outcomes(row_outcomes, now)
    BulkJob.objects.filter(pk=job.pk).update(
        issued_count=F("issued_count") + issued,
        failed_count=F("failed_count") + failed,
        heartbeat_at=now,
    )


def _save_row_outcomes(outcomes: list[_RowOutcome], processed_at: datetime) -> tuple[int, int]:
    """Store the outcomes of the rows still pending (another runner of the job may have
    settled some meanwhile), processed at ``processed_at``; returns how many were issued
    and how many failed. An UPDATE ... FROM (VALUES ...) for the issued rows and one for
    the failed rows, with one parameter per row (``bulk_update``'s CASE per row and
    field costs more than the awarding itself, and so does splitting a statement of
    thousands of parameters)."""
    if connection.vendor not in ("postgresql", "sqlite") or (
        connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33)
    ):
        pending = set(
            BulkRow.objects.filter(
                pk__in=[outcome.pk for outcome in outcomes], state=RowState.PENDING
            ).values_list("pk", flat=True)
        )
        outcomes = [outcome for outcome in outcomes if outcome.pk in pending]
        BulkRow.objects.bulk_update(
            [BulkRow(**outcome._asdict(), processed_at=processed_at) for outcome in outcomes],
            ["state", "award_id", "error", "processed_at"],
        )
        issued = sum(outcome.state == RowState.ISSUED for outcome in outcomes)
        return issued, len(outcomes) - issued
    quote = connection.ops.quote_name
    table = quote(BulkRow._meta.db_table)
    when = connection.ops.adapt_datetimefield_value(processed_at)
    chunk = (connection.features.max_query_params or 10_000) - 4
    counts = {RowState.ISSUED: 0, RowState.FAILED: 0}
    with connection.cursor() as cursor:
        for state, column, value_of, others in (
            (RowState.ISSUED, "award_id", attrgetter("award_id"), f", {quote('error')} = ''"),
            (RowState.FAILED, "error", attrgetter("error"), ""),
        ):
            group = [outcome for outcome in outcomes if outcome.state == state]
            for start in range(0, len(group), chunk):
                part = group[start : start + chunk]
                # Primary keys are ints from the database: written as literals.
                values = ", ".join(f"({int(outcome.pk)}, %s)" for outcome in part)
                cursor.execute(
                    f"UPDATE {table} SET {quote('state')} = %s, {quote(column)} = v.column2,"
                    f" {quote('processed_at')} = %s{others}"
                    f" FROM (VALUES {values}) AS v WHERE {table}.{quote('id')} = v.column1"
                    f" AND {table}.{quote('state')} = %s",
                    [state.value, when, *(value_of(outcome) for outcome in part), "pending"],
                )
                counts[state] += cursor.rowcount
    return counts[RowState.ISSUED], counts[RowState.FAILED]


def _error_text(error: Exception | None) -> str:
    message = str(getattr(error, "message", "") or error)
    problems = getattr(error, "problems", None)
    if problems:
        message += ": " + "; ".join(str(problem) for problem in problems)
    return message


def signing_processes() -> int:
    """Worker processes that sign a large job's credentials: ``CREDSTACK_BULK_SIGNING_
    PROCESSES``, by default one per CPU; 1 signs in the runner's own process."""
    configured = getattr(settings, "CREDSTACK_BULK_SIGNING_PROCESSES", None)
    return max(1, int(configured or os.cpu_count() or 1))


def run_bulk_job(
    job_id: str,
    *,
    awarding: Awarding | None = None,
    batch_size: int = DEFAULT_RUN_BATCH,
    by: Any = None,
    on_progress: Callable[[BulkJob], None] | None = None,
    now: Callable[[], datetime] = timezone.now,
    processes: int | None = None,
) -> BulkJob:
    """Issue the job's pending rows in file order; returns the job when no row is left.

    Rows are claimed (still pending, the job locked) ``batch_size`` at a time. Each
    transaction stores one batch's awards together with its rows' outcomes and
    prepares the next batch (checks, status entries, credentials sent to be signed), so
    the signing processes work while the batch before is stored. A worker stopped at
    any point loses or duplicates nothing: every row is issued with its award or still
    pending (at worst, one batch's status entries were allocated and stay unused); run
    the job again to resume. Two runners of one job take turns, a transaction each.

    ``by`` (who runs it, e.g. on the command line) must be allowed to award for the
    organisation; without it the rows are issued by whoever started the job (or
    uploaded it). ``awarding`` defaults to the award service (:class:`ServiceAwarding`).
    ``processes`` is the number of processes that sign: by default
    :func:`signing_processes` when at least :data:`POOL_FROM_ROWS` rows are pending,
    else 1 (this process). ``on_progress`` is called with the refreshed job after each
    batch. A cancelled or finished job is left alone. An unexpected error marks the job
    failed (with the error) and propagates.
    """
    awarding = awarding or ServiceAwarding()
    job = BulkJob.objects.select_related(
        "organisation", "definition_version__definition", "started_by", "uploaded_by"
    ).get(public_id=job_id)
    if job.status in (JobStatus.DONE, JobStatus.CANCELLED):
        return job
    if by is not None:
        require(by, job.organisation, Action.AWARD)
        job.started_by = by
    by = job.started_by or job.uploaded_by
    if by is None:
        raise ConflictError(f"job {job.public_id}: the user who started it no longer exists")
    BulkJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        started_by=by,
        started_at=job.started_at or now(),
        heartbeat_at=now(),
    )
    if processes is None:
        pending = BulkRow.objects.filter(job=job, state=RowState.PENDING).count()
        processes = signing_processes() if pending >= POOL_FROM_ROWS else 1
    pool = SigningPool(processes) if processes > 1 else None
    # The objects alive now (the application itself) need no scanning by the garbage
    # collector during the job, which makes short-lived objects by the million.
    gc.freeze()
    try:
        ahead: _Batch | None = None
        while True:
            # One transaction: claim and prepare the next batch (its credentials are
            # signed meanwhile), store the one prepared before.
            with transaction.atomic():
                BulkJob.objects.select_for_update().filter(pk=job.pk).values_list("pk").first()
                following = _claim_and_prepare(
                    job,
                    awarding,
                    by,
                    after_line=ahead.last_line if ahead is not None else 0,
                    batch_size=batch_size,
                    signing_pool=pool,
                )
                if ahead is not None:
                    _store(job, awarding, ahead, now=now())
            if ahead is not None and on_progress is not None:
                job.refresh_from_db()
                on_progress(job)
            if following is None:
                break
            ahead = following
    except Exception as error:
        BulkJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    finally:
        gc.unfreeze()
        if pool is not None:
            pool.close()
    BulkJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.DONE, finished_at=now()
    )
    _recount(job)
    job.refresh_from_db()
    return job


def resume_stalled_bulk_jobs(
    *, stalled_after: timedelta = STALLED_AFTER, now: datetime | None = None
) -> list[str]:
    """Queue again every running job whose runner stopped beating for ``stalled_after``
    (its worker was killed or restarted); returns their ids. Run every minute by the
    job queue, so a killed worker's job resumes by itself once a worker is back."""
    now = now or timezone.now()
    stalled = BulkJob.objects.filter(
        status=JobStatus.RUNNING, heartbeat_at__lt=now - stalled_after
    ).values_list("pk", "public_id")
    from credstack.bulk.tasks import run_bulk_job_task

    resumed = []
    for pk, public_id in list(stalled):
        # Beat for it now, so the next round does not queue it a second time.
        if BulkJob.objects.filter(pk=pk, heartbeat_at__lt=now - stalled_after).update(
            heartbeat_at=now
        ):
            run_bulk_job_task(public_id)
            resumed.append(public_id)
    return resumed


def _recount(job: BulkJob) -> None:
    """Set the progress counts from the rows themselves (the increments are a live
    view; the rows are the truth)."""
    counts = BulkRow.objects.filter(job=job).aggregate(
        issued=Count("pk", filter=Q(state=RowState.ISSUED)),
        failed=Count("pk", filter=Q(state=RowState.FAILED)),
    )
    BulkJob.objects.filter(pk=job.pk).update(
        issued_count=counts["issued"], failed_count=counts["failed"]
    )


def cancel_bulk_job(job: BulkJob, *, by: Any, now: datetime | None = None) -> BulkJob:
    """Stop a job: its pending rows are skipped ("cancelled"); rows already issued stay
    issued (revoke them one by one if needed).

    Preconditions: ``by`` may award for the job's organisation; the job is not done.
    Raises PermissionDeniedError, ConflictError.
    """
    require(by, job.organisation, Action.AWARD)
    now = now or timezone.now()
    with transaction.atomic():
        locked = BulkJob.objects.select_for_update().get(pk=job.pk)
        if locked.status in (JobStatus.DONE, JobStatus.CANCELLED):
            raise ConflictError(f"job {job.public_id} is already {locked.status}")
        BulkRow.objects.filter(job=locked, state=RowState.PENDING).update(
            state=RowState.SKIPPED, error="job cancelled", processed_at=now
        )
        locked.status = JobStatus.CANCELLED
        locked.finished_at = now
        locked.save(update_fields=["status", "finished_at"])
    job.refresh_from_db()
    return job


def job_progress(job: BulkJob) -> dict[str, Any]:
    """Where the job stands, for the API and the command line."""
    pending = BulkRow.objects.filter(job=job, state=RowState.PENDING).count()
    return {
        "id": job.public_id,
        "status": job.status,
        "definition": job.definition_version.definition.public_id,
        "definition_version": job.definition_version.number,
        "file_name": job.file_name,
        "total_rows": job.total_rows,
        "invalid_rows": job.invalid_rows,
        "already_awarded_rows": job.already_awarded_rows,
        "to_issue": job.to_issue,
        "issued": job.issued_count,
        "failed": job.failed_count,
        "pending": pending,
        "error": job.error or None,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def bulk_job_preview(job: BulkJob) -> dict[str, Any]:
    """The validation preview: the counts, the encoding and delimiter read, the columns
    that were not understood, every bad row (line, email, why) and every row awarded
    before."""
    skipped = BulkRow.objects.filter(job=job, state=RowState.SKIPPED).order_by("line")
    bad_rows, already_awarded = [], []
    for line, email, error, award_id in skipped.values_list("line", "email", "error", "award_id"):
        if award_id:
            already_awarded.append({"line": line, "email": email, "award": award_id})
        elif error != "job cancelled":
            bad_rows.append({"line": line, "email": email, "problems": error.split("; ")})
    return {
        **job_progress(job),
        "encoding": job.encoding,
        "delimiter": job.delimiter,
        "unknown_columns": job.unknown_columns,
        "bad_rows": bad_rows,
        "already_awarded": already_awarded,
    }


REPORT_COLUMNS = ("line", "email", "name", "state", "award", "reason")


def _spreadsheet_safe(value: str) -> str:
    # A cell starting with = + - @ runs as a formula in spreadsheet programs.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def iter_bulk_job_report(job: BulkJob) -> Iterator[str]:
    """The report as CSV lines: one line per row, what was issued and what was not."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REPORT_COLUMNS)
    rows = BulkRow.objects.filter(job=job).order_by("line")
    for line, email, values, state, award_id, error in rows.values_list(
        "line", "email", "values", "state", "award_id", "error"
    ).iterator(chunk_size=2000):
        writer.writerow(
            [
                line,
                _spreadsheet_safe(email),
                _spreadsheet_safe(str(values.get("name", ""))),
                state,
                award_id,
                _spreadsheet_safe(error),
            ]
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def bulk_job_report_csv(job: BulkJob) -> str:
    """The whole report (see :func:`iter_bulk_job_report`) as one string."""
    return "".join(iter_bulk_job_report(job))
