"""``credstack init`` as an operator runs it, in a fresh process on a fresh directory."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

RUN_COMMANDS = (
    "import typer; from credstack.config.commands import register; "
    "app = typer.Typer(); register(app); app()"
)


def run(*args: str, home: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CREDSTACK_", "DJANGO_", "DATABASE_URL"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="credstack.config.settings", **extra_env)
    return subprocess.run(
        [sys.executable, "-c", RUN_COMMANDS, *args, "--home", str(home)],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


INIT = (
    "init",
    "--admin-email",
    "Admin@Uni-A.example.edu",
    "--admin-password",
    "a long enough password",
    "--organisation",
    "Uni A",
    "--country",
    "fi",
    "--no-input",
)


def test_it_initialises_a_local_instance_with_private_secrets(tmp_path):
    home = tmp_path / "home"
    result = run(*INIT, home=home)
    assert result.returncode == 0, result.stderr
    for name in ("secret_key", "key_encryption_key"):
        assert stat.S_IMODE((home / name).stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert "did:key:z6Mk" in result.stdout

    database = sqlite3.connect(home / "credstack.sqlite3")
    assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert database.execute("SELECT email, is_superuser FROM accounts_user").fetchall() == [
        ("admin@uni-a.example.edu", 1)
    ]
    assert database.execute("SELECT slug, country FROM accounts_organisation").fetchall() == [
        ("uni-a", "FI")
    ]
    role = database.execute("SELECT role FROM accounts_membership").fetchall()
    assert role == [("owner",)]
    (sealed,) = database.execute("SELECT encrypted_secret FROM issuing_signingkey").fetchone()
    assert len(sealed) == 12 + 32 + 16  # nonce, encrypted seed, tag: never the seed alone

    secret_key = (home / "secret_key").read_text()
    again = run(*INIT, home=home)
    assert again.returncode == 0, again.stderr
    assert "exists, unchanged" in again.stdout
    assert (home / "secret_key").read_text() == secret_key
    assert database.execute("SELECT count(*) FROM issuing_signingkey").fetchone() == (1,)


@pytest.mark.parametrize("missing", ["--admin-email", "--organisation", "--country"])
def test_it_names_a_missing_option_when_not_interactive(tmp_path, missing):
    position = INIT.index(missing)
    args = INIT[:position] + INIT[position + 2 :]
    result = run(*args, home=tmp_path / "home")
    assert result.returncode == 2
    assert "required" in result.stderr


def test_it_reports_a_bad_organisation_clearly(tmp_path):
    args = list(INIT)
    args[args.index("fi")] = "Finland"
    result = run(*args, home=tmp_path / "home")
    assert result.returncode == 2
    assert "country" in result.stderr and "Traceback" not in result.stderr


def test_it_refuses_to_serve_before_init(tmp_path):
    home = tmp_path / "empty"
    home.mkdir()
    (home / "secret_key").write_text("x" * 50)
    (home / "key_encryption_key").write_text("KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio")
    result = run("serve", "--port", "1", home=home)
    assert result.returncode == 2
    assert "credstack init" in result.stderr


def test_it_explains_a_missing_data_directory_or_secret_without_a_traceback(tmp_path):
    missing = run("serve", home=tmp_path / "nowhere")
    assert missing.returncode == 2
    assert "credstack init" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "bare").mkdir()
    bare = run("serve", home=tmp_path / "bare")
    assert bare.returncode == 2
    assert "CREDSTACK_SECRET_KEY" in bare.stderr and "Traceback" not in bare.stderr


def test_it_names_the_did_web_and_its_document_on_a_public_instance(tmp_path):
    result = run(*INIT, home=tmp_path / "home", CREDSTACK_BASE_URL="https://badges.uni-a.example")
    assert result.returncode == 0, result.stderr
    assert "did:web:badges.uni-a.example:orgs:uni-a" in result.stdout
    assert "https://badges.uni-a.example/orgs/uni-a/did.json" in result.stdout


def test_the_worker_runs_the_instance_jobs_until_interrupted(tmp_path):
    home = tmp_path / "home"
    assert run(*INIT, home=home).returncode == 0
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CREDSTACK_", "DJANGO_", "DATABASE_URL"))
    }
    environment["DJANGO_SETTINGS_MODULE"] = "credstack.config.settings"
    worker = subprocess.Popen(
        [sys.executable, "-c", RUN_COMMANDS, "worker", "--home", str(home)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert worker.stderr is not None
    threading.Thread(
        target=lambda: [lines.put(line) for line in worker.stderr], daemon=True
    ).start()
    log: list[str] = []
    try:
        # At start it runs the periodic job that resumes stalled bulk awards.
        deadline = time.monotonic() + 120
        while not any("resume_stalled_bulk_jobs_task" in ln and "executed" in ln for ln in log):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or worker.poll() is not None:
                pytest.fail("the worker ran no job:\n" + "".join(log))
            try:
                log.append(lines.get(timeout=min(remaining, 1)))
            except queue.Empty:
                continue
        worker.send_signal(signal.SIGINT)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def test_the_worker_is_refused_where_jobs_run_in_the_web_process(tmp_path):
    home = tmp_path / "home"
    assert run("worker", home=home).returncode == 2  # no data directory yet
    assert run(*INIT, home=home).returncode == 0
    result = run("worker", home=home, CREDSTACK_JOBS_IMMEDIATE="true")
    assert result.returncode == 2
    assert "no worker is needed" in result.stderr and "Traceback" not in result.stderr
