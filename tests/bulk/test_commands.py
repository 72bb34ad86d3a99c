"""``credstack issue-bulk``: preview, issue with progress, report; safe to run twice."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from credstack.cli import app
from credstack.issuing.models import Award
from tests.bulk.conftest import csv_of

runner = CliRunner()


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    path = tmp_path / "cohort.csv"
    path.write_bytes(csv_of(["ann@example.org,Ann,5", "ben@example.org,Ben,4", "nope,Cy,3"]))
    return path


def issue_bulk(path: Path, definition, *extra: str):
    home = path.parent
    return runner.invoke(
        app,
        [
            "issue-bulk",
            str(path),
            "--definition",
            definition.public_id,
            "--home",
            str(home),
            *extra,
        ],
    )


@pytest.fixture(autouse=True)
def _keep_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The command points CREDSTACK_HOME at --home; give it back after each test.
    monkeypatch.setenv("CREDSTACK_HOME", str(tmp_path))


def test_it_previews_issues_and_writes_the_report(personas, published_definition, cohort) -> None:
    result = issue_bulk(cohort, published_definition, "--as", "alice@example.org", "--yes")
    assert result.exit_code == 0, result.output
    assert "3 rows" in result.output and "2 to issue, 1 invalid" in result.output
    assert "invalid email 'nope'" in result.output
    assert "2 issued, 0 failed, 1 skipped" in result.output
    report_path = Path(result.output.split("report: ")[1].strip())
    rows = list(csv.DictReader(report_path.open(encoding="utf-8")))
    assert [row["state"] for row in rows] == ["issued", "issued", "skipped"]
    assert Award.objects.count() == 2

    again = issue_bulk(cohort, published_definition, "--as", "alice@example.org", "--yes")
    assert again.exit_code == 0, again.output
    assert "0 to issue, 1 invalid, 2 already awarded" in again.output
    assert Award.objects.count() == 2


def test_it_asks_before_issuing_when_not_told_yes(personas, published_definition, cohort) -> None:
    result = issue_bulk(cohort, published_definition, "--as", "alice@example.org")
    assert result.exit_code == 2
    assert "add --yes" in result.output
    assert Award.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "message"),
    [("dave@example.org", "you may not award for Uni A"), ("nobody@example.org", "no user")],
)
def test_it_refuses_who_may_not_award(personas, published_definition, cohort, who, message):
    result = issue_bulk(cohort, published_definition, "--as", who, "--yes")
    assert result.exit_code == 2
    assert message in result.output
    assert Award.objects.count() == 0


def test_it_explains_a_broken_file_without_a_traceback(personas, published_definition, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(b"mail;grade\nann@example.org;5\n")
    result = issue_bulk(path, published_definition, "--as", "alice@example.org", "--yes")
    assert result.exit_code == 2
    assert "missing required column(s) name" in result.output
    assert "Traceback" not in result.output
