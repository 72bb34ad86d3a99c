"""credstack issue, revoke and token create, run in-process on the test database."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from credstack.config.commands import register
from credstack.issuing.models import ApiToken, Award
from credstack.issuing.services import hash_api_token

runner = CliRunner()


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_it_issues_and_revokes_from_the_command_line(cli, published_definition, tmp_path):
    out = tmp_path / "credential.json"
    args = ["issue", "--definition", published_definition.public_id, "--email", "bob@example.org"]
    result = runner.invoke(
        cli, [*args, "--name", "Bob", "--grade", "A", "--idempotency-key", "r1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    award = Award.objects.get()
    assert award.public_id in result.stdout
    assert json.loads(out.read_text())["id"] == award.credential_id
    again = runner.invoke(cli, [*args, "--idempotency-key", "r1"])
    assert again.exit_code == 0 and Award.objects.count() == 1

    revoked = runner.invoke(cli, ["revoke", award.public_id, "--reason", "Plagiarism"])
    assert revoked.exit_code == 0, revoked.output
    award.refresh_from_db()
    assert (award.status, award.status_reason) == ("revoked", "Plagiarism")


def test_it_suspends_by_credential_id(cli, personas, published_definition):
    from credstack.issuing.services import issue_credential

    award = issue_credential(
        published_definition.published_version, recipient_email="b@example.org", by=None
    )
    result = runner.invoke(cli, ["revoke", award.credential_id, "--reason", "check", "--suspend"])
    assert result.exit_code == 0, result.output
    award.refresh_from_db()
    assert award.status == "suspended"


def test_it_checks_the_rights_of_the_user_it_acts_as(cli, personas, published_definition):
    args = ["issue", "--definition", published_definition.public_id, "--email", "b@example.org"]
    refused = runner.invoke(cli, [*args, "--as", "dave@example.org"])
    assert refused.exit_code == 1
    assert "may not award" in refused.stderr
    assert not Award.objects.exists()
    assert runner.invoke(cli, [*args, "--as", "alice@example.org"]).exit_code == 0


def test_it_explains_bad_input_without_a_traceback(cli, published_definition):
    result = runner.invoke(
        cli, ["issue", "--definition", published_definition.public_id, "--email", "nope"]
    )
    assert result.exit_code == 1
    assert "recipient_email" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    missing = runner.invoke(cli, ["issue", "--definition", "def_nothing", "--email", "a@b.org"])
    assert missing.exit_code == 2 and "no definition" in missing.stderr
    assert runner.invoke(cli, ["revoke", "awd_nothing", "--reason", "x"]).exit_code == 2


def test_it_creates_a_token_shown_once(cli, personas):
    result = runner.invoke(
        cli,
        [
            "token",
            "create",
            "--org",
            "uni-a",
            "--name",
            "LMS",
            "--scope",
            "issue",
            "--scope",
            "status",
        ],
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    row = ApiToken.objects.get()
    assert row.token_hash == hash_api_token(token)
    assert row.scopes == ["issue", "status"]
    bad = runner.invoke(cli, ["token", "create", "--org", "uni-a", "--name", "x", "--scope", "all"])
    assert bad.exit_code == 1
