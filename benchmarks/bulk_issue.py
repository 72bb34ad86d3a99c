"""Time and peak memory to award N credentials from one CSV, as ``credstack issue-bulk``
does it (validate into a job, then issue every row in this process).

Run: ``.venv/bin/python benchmarks/bulk_issue.py`` (10,000 rows on SQLite in a temporary
data directory); ``--rows N``; ``--quick`` for a 100-row smoke run; ``--database-url
postgres://user@host:5432/db`` to run on PostgreSQL instead (a scratch database
``credstack_bench_<pid>`` is created on that server and dropped afterwards; the named
database is only used to connect). ``--json`` prints the figures as JSON.

Figures: wall time of the validation (parse, check, store the rows) and of the issuing
(build, sign with eddsa-rdfc-2022, store each award with its status-list entry, one
transaction per row), rows per second, and the process's peak resident memory
(``resource.getrusage``; it includes Django and the interpreter).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

DEFINITION: dict[str, Any] = {
    "title": "Bulk benchmark micro-credential",
    "description": "Awarded by the bulk benchmark.",
    "criteria": "Be a row of the benchmark's CSV.",
    "learning_outcomes": ["Appears in a benchmark"],
    "workload_ects": 1,
    "eqf_level": 5,
    "assessment_type": "None",
    "participation_form": "online",
    "quality_assurance": "Benchmark QA",
}


def _peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _scratch_database(url: str) -> tuple[str, str]:
    """Create a scratch database on the server of ``url``; (its URL, its name)."""
    import psycopg

    name = f"credstack_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _drop_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("email,name,grade,narrative\n")
        for number in range(rows):
            out.write(
                f"learner{number}@example.org,Learner {number},{number % 5 + 1},"
                f"Completed the cohort of row {number}\n"
            )


def run(rows: int, home: Path, database: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from credstack.accounts.services import create_organisation, create_user
    from credstack.bulk.services import create_bulk_job, run_bulk_job
    from credstack.issuing.services import (
        approve_definition,
        create_definition,
        create_signing_key,
        publish_definition,
        submit_definition,
    )

    owner = create_user("owner@bench.example", secrets.token_urlsafe(16))
    organisation = create_organisation(
        name="Benchmark University", slug="bench", kind="university", country="FI", owner=owner
    )
    create_signing_key(organisation, by=owner)
    definition = create_definition(organisation, DEFINITION, by=owner)
    submit_definition(definition, by=owner)
    approve_definition(definition, by=owner)
    publish_definition(definition, by=owner)
    definition.refresh_from_db()

    csv_path = home / "awards.csv"
    _write_csv(csv_path, rows)
    rss_before = _peak_rss_mib()

    started = time.perf_counter()
    with csv_path.open("rb") as stream:
        job = create_bulk_job(
            definition.published_version, stream, by=owner, file_name=csv_path.name
        )
    validated = time.perf_counter()
    job = run_bulk_job(job.public_id, by=owner)
    finished = time.perf_counter()

    if job.issued_count != rows:
        raise SystemExit(f"only {job.issued_count} of {rows} rows were issued: {job.error}")
    issue_seconds = finished - validated
    return {
        "database": database,
        "rows": rows,
        "csv_bytes": csv_path.stat().st_size,
        "validate_seconds": round(validated - started, 3),
        "issue_seconds": round(issue_seconds, 3),
        "total_seconds": round(finished - started, 3),
        "rows_per_second": round(rows / issue_seconds, 1),
        "peak_rss_mib_before_job": round(rss_before, 1),
        "peak_rss_mib": round(_peak_rss_mib(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the CSV")
    parser.add_argument("--quick", action="store_true", help="100 rows: a smoke run")
    parser.add_argument("--database-url", help="PostgreSQL server to run on (scratch database)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    rows = 100 if options.quick else options.rows
    if rows < 1:
        parser.error("--rows must be positive")

    with tempfile.TemporaryDirectory(prefix="credstack-bench-") as directory:
        home = Path(directory)
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "credstack.config.settings",
                "CREDSTACK_HOME": str(home),
                "CREDSTACK_SECRET_KEY": secrets.token_urlsafe(40),
                "CREDSTACK_KEY_ENCRYPTION_KEY": base64.urlsafe_b64encode(
                    secrets.token_bytes(32)
                ).decode(),
                "CREDSTACK_BASE_URL": "http://127.0.0.1:8000",
                "CREDSTACK_JOBS_IMMEDIATE": "true",
                "CREDSTACK_LOG_LEVEL": "WARNING",
            }
        )
        for name in ("CREDSTACK_SECRET_KEY_FILE", "CREDSTACK_KEY_ENCRYPTION_KEY_FILE"):
            os.environ.pop(name, None)
        scratch: str | None = None
        if options.database_url:
            os.environ["DATABASE_URL"], scratch = _scratch_database(options.database_url)
            database = "PostgreSQL"
        else:
            os.environ.pop("DATABASE_URL", None)
            database = "SQLite (WAL)"
        try:
            figures = run(rows, home, database)
        finally:
            if scratch is not None:
                from django.db import connections

                connections.close_all()
                _drop_database(options.database_url, scratch)

    if options.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"bulk award of {figures['rows']:,} rows on {figures['database']}")
    print(f"  validate (parse, check, store rows): {figures['validate_seconds']:8.2f} s")
    print(f"  issue (sign and store each award):   {figures['issue_seconds']:8.2f} s")
    print(f"  rate:                                {figures['rows_per_second']:8.1f} rows/s")
    print(f"  peak memory (RSS, whole process):    {figures['peak_rss_mib']:8.1f} MiB")
    print(f"    of which before the job:           {figures['peak_rss_mib_before_job']:8.1f} MiB")


if __name__ == "__main__":
    main()
