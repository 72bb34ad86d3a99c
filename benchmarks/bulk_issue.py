"""Time and peak memory to award N credentials from one CSV, end to end as
``credstack issue-bulk`` does it: upload and validate the file into a job, then issue
every row (build, check, sign with eddsa-rdfc-2022, store each award with its
status-list entries and idempotency key) in this process and its signing workers.

Run: ``.venv/bin/python benchmarks/bulk_issue.py`` (10,000 rows on SQLite in a temporary
data directory). Options:

- ``--rows N``; ``--quick`` for a 100-row smoke run;
- ``--database postgres`` to run on PostgreSQL: the server of ``--database-url`` (default
  ``DATABASE_URL``, else ``postgres://postgres@127.0.0.1:5432/postgres``), on which a
  scratch database ``credstack_bench_<pid>`` is created and dropped afterwards (the named
  database is only used to connect); ``--database-url URL`` alone also means PostgreSQL;
- ``--processes P`` signing processes (default: the job's own choice, one per CPU for a
  large job), ``--batch-size B`` rows per transaction;
- ``--runs K``: K runs, each in a fresh process and database, and their median;
- ``--json`` prints the figures as JSON.

Figures: wall time of each phase (upload and validation: parse, check, store the rows;
awarding: the job run), awards per second of the awarding phase and of the whole, the
CPU time each part used (this process per phase, the signing workers, and the
PostgreSQL backend serving the run when the server is on this machine: unlike wall
time, these barely depend on what else the machine is doing), and
peak resident memory: of this process (``ru_maxrss``, Django and the interpreter
included; over its whole life, migrations too) and, during the upload and the awarding,
of this process together with its signing workers (their summed RSS sampled every 0.1 s
from ``/proc``; Linux only). The database server's own memory is not counted. Claim
emails are queued for the job queue, not sent (``CREDSTACK_JOBS_IMMEDIATE=false``).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"

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


class _TreeMemory:
    """The peak of the summed resident memory of this process and its children,
    sampled from /proc (None where there is no /proc)."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.available = Path("/proc/self/status").exists()

    @staticmethod
    def _rss_kib(pid: int | str) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def _children(self) -> list[int]:
        me = os.getpid()
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == me:
                children.append(int(entry.name))
        return children

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = self._rss_kib("self") + sum(self._rss_kib(pid) for pid in self._children())
            self.peak_kib = max(self.peak_kib, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> _TreeMemory:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.available:
            self._stop.set()
            self._thread.join()


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu_seconds() -> float | None:
    """CPU time of the PostgreSQL backend process serving this connection, when the
    server runs on this machine (read from /proc); None otherwise."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _difference(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else round(after - before, 2)


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


def run(
    rows: int, home: Path, database: str, *, processes: int | None, batch_size: int | None
) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from credstack.accounts.services import create_organisation, create_user
    from credstack.bulk.models import BulkRow, RowState
    from credstack.bulk.services import (
        DEFAULT_RUN_BATCH,
        POOL_FROM_ROWS,
        create_bulk_job,
        run_bulk_job,
        signing_processes,
    )
    from credstack.issuing.models import Award, StatusList
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
    batch_size = batch_size or DEFAULT_RUN_BATCH
    if processes is None:
        processes = signing_processes() if rows >= POOL_FROM_ROWS else 1

    backend_before = _backend_cpu_seconds()
    children_before = _children_cpu_seconds()
    with _TreeMemory() as tree:
        started, started_cpu = time.perf_counter(), time.process_time()
        with csv_path.open("rb") as stream:
            job = create_bulk_job(
                definition.published_version, stream, by=owner, file_name=csv_path.name
            )
        validated, validated_cpu = time.perf_counter(), time.process_time()
        backend_validated = _backend_cpu_seconds()
        job = run_bulk_job(job.public_id, by=owner, batch_size=batch_size, processes=processes)
        finished, finished_cpu = time.perf_counter(), time.process_time()
    backend_after = _backend_cpu_seconds()
    cpu = {
        "validate_this_process": round(validated_cpu - started_cpu, 2),
        "issue_this_process": round(finished_cpu - validated_cpu, 2),
        "issue_signing_workers": round(_children_cpu_seconds() - children_before, 2),
        "validate_database_backend": _difference(backend_validated, backend_before),
        "issue_database_backend": _difference(backend_after, backend_validated),
    }

    awards = Award.objects.count()
    if job.issued_count != rows or awards != rows:
        raise SystemExit(f"{job.issued_count} of {rows} rows issued ({awards} awards): {job.error}")
    if BulkRow.objects.filter(job=job).exclude(state=RowState.ISSUED).exists():
        raise SystemExit("some rows were not issued")
    allocated = sum(StatusList.objects.values_list("allocated_count", flat=True))
    if allocated != 2 * rows:
        raise SystemExit(f"{allocated} status-list entries allocated for {rows} awards")
    issue_seconds = finished - validated
    return {
        "database": database,
        "rows": rows,
        "csv_bytes": csv_path.stat().st_size,
        "signing_processes": processes,
        "batch_size": batch_size,
        "validate_seconds": round(validated - started, 3),
        "issue_seconds": round(issue_seconds, 3),
        "total_seconds": round(finished - started, 3),
        "rows_per_second": round(rows / issue_seconds, 1),
        "end_to_end_rows_per_second": round(rows / (finished - started), 1),
        "peak_rss_mib_before_job": round(rss_before, 1),
        "peak_rss_mib": round(_peak_rss_mib(), 1),
        "peak_rss_mib_with_workers": round(tree.peak_kib / 1024, 1) if tree.available else None,
        "cpu_seconds": cpu,
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def _one_run(options: argparse.Namespace, rows: int) -> dict[str, Any]:
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
                # Queue background work (claim emails) instead of running it here.
                "CREDSTACK_JOBS_IMMEDIATE": "false",
                "CREDSTACK_LOG_LEVEL": "WARNING",
            }
        )
        for name in ("CREDSTACK_SECRET_KEY_FILE", "CREDSTACK_KEY_ENCRYPTION_KEY_FILE"):
            os.environ.pop(name, None)
        scratch: str | None = None
        server_url = options.database_url
        if server_url:
            os.environ["DATABASE_URL"], scratch = _scratch_database(server_url)
            database = "PostgreSQL"
        else:
            os.environ.pop("DATABASE_URL", None)
            database = "SQLite (WAL)"
        try:
            return run(
                rows,
                home,
                database,
                processes=options.processes,
                batch_size=options.batch_size,
            )
        finally:
            if scratch is not None:
                from django.db import connections

                connections.close_all()
                _drop_database(server_url, scratch)


def _child_arguments(options: argparse.Namespace, rows: int) -> list[str]:
    arguments = [sys.executable, __file__, "--rows", str(rows), "--json"]
    if options.database_url:
        arguments += ["--database-url", options.database_url]
    if options.processes is not None:
        arguments += ["--processes", str(options.processes)]
    if options.batch_size is not None:
        arguments += ["--batch-size", str(options.batch_size)]
    return arguments


def _median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each number the median of the runs' (nested ones too), the runs kept as well."""

    def median(values: list[Any]) -> Any:
        first = values[0]
        if isinstance(first, dict):
            return {key: median([value[key] for value in values]) for key in first}
        numbers = [value for value in values if value is not None]
        if isinstance(first, int | float) and not isinstance(first, bool) and numbers:
            return round(statistics.median(numbers), 3)
        return first

    figures = median(runs)
    figures["runs"] = runs
    return dict(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the CSV")
    parser.add_argument("--quick", action="store_true", help="100 rows: a smoke run")
    parser.add_argument(
        "--database", choices=("sqlite", "postgres"), default=None, help="where to store"
    )
    parser.add_argument("--database-url", help="PostgreSQL server to run on (scratch database)")
    parser.add_argument("--processes", type=int, help="signing processes (default: the job's)")
    parser.add_argument("--batch-size", type=int, help="rows issued per transaction")
    parser.add_argument("--runs", type=int, default=1, help="runs; the median is reported")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    rows = 100 if options.quick else options.rows
    if rows < 1 or options.runs < 1:
        parser.error("--rows and --runs must be positive")
    if options.database == "sqlite":
        options.database_url = None
    elif options.database == "postgres" and not options.database_url:
        options.database_url = os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL

    if options.runs == 1:
        figures = _one_run(options, rows)
    else:
        runs = []
        for _ in range(options.runs):
            child = subprocess.run(
                _child_arguments(options, rows), capture_output=True, text=True, check=False
            )
            if child.returncode:
                raise SystemExit(child.stderr)
            runs.append(json.loads(child.stdout))
        figures = _median_of(runs)

    if options.json:
        print(json.dumps(figures, indent=2))
        return
    heading = f", median of {options.runs} runs" if options.runs > 1 else ""
    print(f"bulk award of {figures['rows']:,} rows on {figures['database']}{heading}")
    print(f"  signing processes: {figures['signing_processes']}, rows per transaction: ", end="")
    print(f"{figures['batch_size']}")
    print(f"  upload and validation:          {figures['validate_seconds']:8.2f} s")
    print(f"  awarding (build, sign, store):  {figures['issue_seconds']:8.2f} s")
    print(f"  end to end:                     {figures['total_seconds']:8.2f} s")
    print(f"  awarding rate:                  {figures['rows_per_second']:8.1f} awards/s")
    cpu = figures["cpu_seconds"]
    print("  CPU time (s):")
    for key, label in (
        ("validate_this_process", "validation, this process"),
        ("validate_database_backend", "validation, database backend"),
        ("issue_this_process", "awarding, this process"),
        ("issue_signing_workers", "awarding, signing processes"),
        ("issue_database_backend", "awarding, database backend"),
    ):
        if cpu.get(key) is not None:
            print(f"    {label + ':':34s}{cpu[key]:8.2f}")
    print(f"  peak memory, this process:      {figures['peak_rss_mib']:8.1f} MiB (whole life)")
    with_workers = figures["peak_rss_mib_with_workers"]
    if with_workers is not None:
        print(f"  peak memory during the job:     {with_workers:8.1f} MiB (signing processes too)")


if __name__ == "__main__":
    main()
