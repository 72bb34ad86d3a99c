"""``credstack demo --no-serve`` as someone runs it on a fresh machine: in a fresh
process, on a fresh directory, ignoring a real instance's settings."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from credstack.demo import accounts, tables
from tests.demo.conftest import csv_rows


def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CREDSTACK_", "DJANGO_", "DATABASE_URL"))
    }
    environment.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "credstack.cli", "demo", "--no-serve", *args],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )


def count(home: Path, table: str) -> int:
    with sqlite3.connect(home / "credstack.sqlite3") as database:
        return database.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_it_seeds_a_demo_once_and_reuses_it(tmp_path):
    home = tmp_path / "demo"
    # A real instance's database in the environment must not be touched (or needed).
    first = run("--home", str(home), DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert first.returncode == 0, first.stderr
    assert accounts.DEMO_PASSWORD in first.stdout
    for account in accounts.featured_accounts():
        assert account.email in first.stdout
    assert "http://127.0.0.1:8000/" in first.stdout
    providers = len(csv_rows(tables.PROVIDERS_FILE))
    assert count(home, "accounts_organisation") == providers + 2  # university, employer
    awards = count(home, "issuing_award")
    assert awards > 0
    assert count(home, "wallet_walletcredential") == awards
    assert json.loads((home / "demo.json").read_text()) == {"base_url": "http://127.0.0.1:8000"}

    second = run("--home", str(home))
    assert second.returncode == 0, second.stderr
    assert "all there already" in second.stdout
    assert count(home, "issuing_award") == awards

    moved = run("--home", str(home), "--port", "8001")
    assert moved.returncode == 2
    assert "--reset" in moved.stderr and "Traceback" not in moved.stderr

    reset = run("--home", str(home), "--port", "8001", "--reset")
    assert reset.returncode == 0, reset.stderr
    assert "http://127.0.0.1:8001/" in reset.stdout
    assert json.loads((home / "demo.json").read_text()) == {"base_url": "http://127.0.0.1:8001"}
    assert count(home, "issuing_award") == awards


def test_it_never_deletes_or_fills_a_directory_that_is_not_a_demo(tmp_path):
    home = tmp_path / "precious"
    home.mkdir()
    (home / "notes.txt").write_text("keep me")
    for args in (("--reset",), ()):
        result = run("--home", str(home), *args)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert [p.name for p in home.iterdir()] == ["notes.txt"]
