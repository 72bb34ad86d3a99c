"""The bulk-award pages under ``/orgs/<slug>/bulk/``: the jobs, uploading a CSV, the
validation preview, starting and following a job, and its report. Thin views over
``bulk.services`` (writes) and ``bulk.queries`` (reads), which check permissions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from credstack.accounts.permissions import Action, can
from credstack.bulk import queries, services
from credstack.bulk.csv_import import COLUMN_ALIASES, OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from credstack.bulk.models import BulkJob, BulkRow, JobStatus
from credstack.common.errors import ConflictError, CredstackError, ValidationFailedError
from credstack.issuing import award_queries
from credstack.issuing.award_views import htmx_fragment_requested, issuer_page

JOBS_PER_PAGE = 50
ROWS_PER_PAGE = 50
SAMPLE_ROWS = 10
# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 64 * 1024
PROGRESS_POLL_SECONDS = 2
TEMPLATE_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)


def _section(organisation: Any) -> dict[str, Any]:
    return {"organisation": organisation, "org_section": "bulk"}


def _size_label(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MiB" if size >= 1024 * 1024 else f"{size // 1024} KiB"


@require_http_methods(["GET", "HEAD"])
@issuer_page
def jobs_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = award_queries.member_organisation(request.user, slug)
    jobs = queries.organisation_jobs(organisation, by=request.user)
    page = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "bulk/list.html",
        {
            **_section(organisation),
            "page": page,
            "can_award": can(request.user, organisation, Action.AWARD),
        },
    )


def _expected_columns() -> list[dict[str, Any]]:
    aliases: dict[str, list[str]] = {}
    for alias, column in COLUMN_ALIASES.items():
        if alias != column.replace("_", " "):
            aliases.setdefault(column, []).append(alias)
    return [
        {"name": column, "required": column in REQUIRED_COLUMNS, "aliases": aliases.get(column, [])}
        for column in TEMPLATE_COLUMNS
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@issuer_page
def new_job_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = award_queries.member_organisation(request.user, slug, Action.AWARD)
    limit = services.max_upload_bytes()
    selected = request.POST.get("definition") or request.GET.get("definition", "")
    context: dict[str, Any] = {
        **_section(organisation),
        "definitions": award_queries.definition_choices(
            organisation, by=request.user, awardable_only=True
        ),
        "selected": selected,
        "columns": _expected_columns(),
        "size_limit": _size_label(limit),
        "row_limit": services.max_rows(),
    }
    if request.method != "POST":
        return render(request, "bulk/new.html", context)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + FORM_OVERHEAD_BYTES:
        # Refused before reading the body: nothing of a huge upload is kept in memory.
        context["error"] = _("The file is larger than %(limit)s: split it into several files.") % {
            "limit": _size_label(limit)
        }
        return render(request, "bulk/new.html", context, status=413)
    upload = request.FILES.get("file")
    try:
        if not selected:
            raise ValidationFailedError(_("Choose the credential to award."))
        version = award_queries.awardable_version(organisation, selected, by=request.user)
        if upload is None or not upload.size:
            raise ValidationFailedError(
                _("Choose a CSV file with one row per learner: this one is empty or missing."),
                code="file_missing",
            )
        job = services.create_bulk_job(
            version,
            upload.read(limit + 1),
            by=request.user,
            file_name=upload.name or "",
        )
    except CredstackError as error:
        if selected and not any(value == selected for value, _title in context["definitions"]):
            context["selected"] = ""
        context.update(
            {
                "error": error.message,
                "problems": [p for p in getattr(error, "problems", []) if p != error.message],
                "file_name": upload.name if upload is not None else "",
            }
        )
        return render(request, "bulk/new.html", context, status=error.http_status)
    return redirect("bulk:job", slug=organisation.slug, job_id=job.public_id)


@require_http_methods(["GET", "HEAD"])
@issuer_page
def template_download(request: HttpRequest, slug: str) -> HttpResponse:
    """An empty CSV with every column named, encoded as UTF-8 with a byte-order mark so
    spreadsheet programs read and write names with accents correctly."""
    award_queries.member_organisation(request.user, slug)
    response = HttpResponse(
        ("\ufeff" + ",".join(TEMPLATE_COLUMNS) + "\r\n").encode("utf-8"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="bulk-award-template.csv"'
    return response


def _rows_page(request: HttpRequest, rows: QuerySet[BulkRow], parameter: str) -> Page[Any]:
    """One page of ``rows`` as the row tables show them; ``parameter`` is the query
    parameter of this table's page number, so each table pages on its own."""
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get(parameter))
    page.object_list = [
        {
            "line": row.line,
            "email": row.email,
            "name": str(row.values.get("name", "")) if isinstance(row.values, dict) else "",
            "problems": row.error.split("; ") if row.error else [],
            "award": row.award_id,
        }
        for row in page.object_list
    ]
    for attribute, number in (
        ("previous_query", page.number - 1 if page.has_previous() else None),
        ("next_query", page.number + 1 if page.has_next() else None),
    ):
        query = request.GET.copy()
        query.pop("announced", None)
        query[parameter] = str(number)
        setattr(page, attribute, "?" + query.urlencode() if number else "")
    return page


def _progress(job: BulkJob) -> dict[str, Any]:
    progress = services.job_progress(job)
    done = progress["issued"] + progress["failed"]
    total = max(progress["to_issue"], done)
    progress.update(
        {
            "done": done,
            "total": total,
            "percent": round(100 * done / total) if total else 100,
            "running": job.status == JobStatus.RUNNING,
        }
    )
    return progress


def _announced(request: HttpRequest, quarter: int) -> int:
    """The quarter of the rows done that the page last read out (``?announced=``, in
    the address htmx polls); a missing or bad value counts as the current one."""
    try:
        return int(request.GET.get("announced", ""))
    except ValueError:
        return quarter


@require_http_methods(["GET", "HEAD"])
@issuer_page
def job_page(request: HttpRequest, slug: str, job_id: str) -> HttpResponse:
    """The job: its preview, then its progress, then its result. While the job runs
    the page follows it: htmx asks for the part that changes (``bulk/_job_live.html``,
    answered alone to htmx's requests) every ``PROGRESS_POLL_SECONDS``; without
    JavaScript a refresh in ``<noscript>`` reloads the page. ``?follow=off`` stops both."""
    organisation = award_queries.member_organisation(request.user, slug)
    job = queries.job_of(organisation, job_id, by=request.user)
    progress = _progress(job)
    quarter = progress["percent"] // 25
    announced = _announced(request, quarter)
    fragment = htmx_fragment_requested(request)
    context: dict[str, Any] = {
        **_section(organisation),
        "job": job,
        "progress": progress,
        "can_award": can(request.user, organisation, Action.AWARD),
        "failed": _rows_page(request, queries.failed_rows(job), "failed"),
        "cancelled_rows": queries.cancelled_row_count(job)
        if job.status == JobStatus.CANCELLED
        else 0,
        "follow": progress["running"] and request.GET.get("follow") != "off",
        "poll_seconds": PROGRESS_POLL_SECONDS,
        # Screen readers hear the progress each quarter of the rows, and the end.
        "announce": fragment and (not progress["running"] or quarter > announced),
        "announced": max(quarter, announced),
    }
    if fragment:
        return render(request, "bulk/_job_live.html", context)
    context.update(
        {
            "bad": _rows_page(request, queries.bad_rows(job), "bad"),
            "awarded_before": _rows_page(request, queries.already_awarded_rows(job), "before"),
            "sample": list(queries.rows_to_issue(job)[:SAMPLE_ROWS])
            if job.status == JobStatus.VALIDATED
            else [],
        }
    )
    return render(request, "bulk/job.html", context)


@require_http_methods(["GET", "HEAD"])
@issuer_page
def job_progress_json(request: HttpRequest, slug: str, job_id: str) -> HttpResponse:
    """The job's progress as JSON (the API's fields, and done, total, percent, running),
    for a script following a job with the signed-in session."""
    organisation = award_queries.member_organisation(request.user, slug)
    job = queries.job_of(organisation, job_id, by=request.user)
    return JsonResponse(_progress(job))


@require_POST
@issuer_page
def start_action(request: HttpRequest, slug: str, job_id: str) -> HttpResponse:
    organisation = award_queries.member_organisation(request.user, slug, Action.AWARD)
    job = queries.job_of(organisation, job_id, by=request.user)
    try:
        job = services.start_bulk_job(job, by=request.user)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        if job.status == JobStatus.DONE:
            messages.success(request, _("The job is done."))
        else:
            messages.success(request, _("The job started: this page follows its progress."))
    return redirect("bulk:job", slug=organisation.slug, job_id=job.public_id)


@require_POST
@issuer_page
def cancel_action(request: HttpRequest, slug: str, job_id: str) -> HttpResponse:
    organisation = award_queries.member_organisation(request.user, slug, Action.AWARD)
    job = queries.job_of(organisation, job_id, by=request.user)
    try:
        services.cancel_bulk_job(job, by=request.user)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The job was cancelled: nothing more will be issued from this file.")
        )
    return redirect("bulk:job", slug=organisation.slug, job_id=job.public_id)


@require_http_methods(["GET", "HEAD"])
@issuer_page
def report_download(request: HttpRequest, slug: str, job_id: str) -> HttpResponse:
    """One CSV line per row of the file: issued (with the award) or not, and why."""
    organisation = award_queries.member_organisation(request.user, slug)
    job = queries.job_of(organisation, job_id, by=request.user)
    response = StreamingHttpResponse(
        services.iter_bulk_job_report(job), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{job.public_id}-report.csv"'
    return response
