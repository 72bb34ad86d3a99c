"""``credstack issue-bulk FILE.csv``: validate, preview, issue with a progress bar, report.

Runs the job in this process (no worker needed). Django is set up only when the command
runs, so the trust core's commands stay fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from credstack.config.commands import _fail, _setup, stderr, stdout
from credstack.config.instance import data_directory

PREVIEW_ROWS_SHOWN = 50
EXIT_SOME_FAILED = 1


def _print_preview(preview: dict[str, Any]) -> None:
    stdout.print(
        f"{preview['file_name'] or 'file'}: {preview['total_rows']} rows "
        f"({preview['encoding']}, delimiter {preview['delimiter']!r}); "
        f"{preview['to_issue']} to issue, {preview['invalid_rows']} invalid, "
        f"{preview['already_awarded_rows']} already awarded"
    )
    if preview["unknown_columns"]:
        stdout.print(f"columns not used: {', '.join(preview['unknown_columns'])}")
    bad_rows = preview["bad_rows"]
    if bad_rows:
        table = Table("line", "email", "why it will not be issued", title="Invalid rows")
        for row in bad_rows[:PREVIEW_ROWS_SHOWN]:
            table.add_row(str(row["line"]), row["email"], "; ".join(row["problems"]))
        stdout.print(table)
        if len(bad_rows) > PREVIEW_ROWS_SHOWN:
            stdout.print(f"... and {len(bad_rows) - PREVIEW_ROWS_SHOWN} more (all in the report)")
    already = preview["already_awarded"]
    if already:
        shown = ", ".join(f"line {row['line']} ({row['email']})" for row in already[:10])
        more = f" and {len(already) - 10} more" if len(already) > 10 else ""
        stdout.print(f"already awarded, will be skipped: {shown}{more}")


def issue_bulk(
    file: Annotated[Path, typer.Argument(help="CSV: email, name, optional narrative, ...")],
    definition: Annotated[str, typer.Option(help="The definition's id (def_...).")],
    as_email: Annotated[
        str, typer.Option("--as", help="Email of the member awarding (issuer or above).")
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Issue without asking.")] = False,
    report: Annotated[
        Path | None, typer.Option(help="Where to write the report (default: next to FILE).")
    ] = None,
    home: Annotated[
        Path | None, typer.Option(help="Data directory (default: $CREDSTACK_HOME or ./.credstack).")
    ] = None,
) -> None:
    """Award a published micro-credential to every row of a CSV file: shows the
    validation preview, asks, issues with a progress bar and writes a report of what
    was issued and what was not. Safe to re-run: nobody is awarded twice."""
    if not file.is_file():
        _fail(f"no file {file}")
    _setup(data_directory(home))

    from credstack.accounts.models import User
    from credstack.bulk.services import (
        bulk_job_preview,
        bulk_job_report_csv,
        create_bulk_job,
        run_bulk_job,
    )
    from credstack.common.errors import CredstackError
    from credstack.issuing.models import AchievementDefinition

    user = User.objects.filter(email__iexact=as_email.strip()).first()
    if user is None:
        _fail(f"no user {as_email}")
    found = AchievementDefinition.objects.filter(public_id=definition).first()
    if found is None or found.published_version is None:
        _fail(f"no published definition {definition}")
    try:
        with file.open("rb") as stream:
            job = create_bulk_job(found.published_version, stream, by=user, file_name=file.name)
    except CredstackError as error:
        _fail(error.message)
    _print_preview(bulk_job_preview(job))
    report_path = report or file.with_name(f"{file.stem}.{job.public_id}.report.csv")
    if job.to_issue and not yes:
        if not sys.stdin.isatty():
            _fail(f"add --yes to issue {job.to_issue} credentials without being asked")
        if not typer.confirm(f"Issue {job.to_issue} credentials?"):
            stdout.print(f"nothing issued; job {job.public_id} stays ready to start")
            raise typer.Exit(0)
    if job.to_issue:
        columns = (
            TextColumn("issuing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=stderr, transient=False) as progress:
            task = progress.add_task("issuing", total=job.to_issue)

            def advance(current: Any) -> None:
                progress.update(task, completed=current.issued_count + current.failed_count)

            try:
                job = run_bulk_job(job.public_id, by=user, on_progress=advance)
            except CredstackError as error:
                _fail(error.message, code=EXIT_SOME_FAILED)
            advance(job)
    report_path.write_text(bulk_job_report_csv(job), encoding="utf-8")
    stdout.print(
        f"job {job.public_id}: {job.issued_count} issued, {job.failed_count} failed, "
        f"{job.invalid_rows + job.already_awarded_rows} skipped"
    )
    stdout.print(f"report: {report_path}")
    if job.failed_count:
        raise typer.Exit(EXIT_SOME_FAILED)


def register(app: typer.Typer) -> None:
    app.command("issue-bulk")(issue_bulk)
