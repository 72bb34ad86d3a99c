"""credstack resend-claim, run in-process on the test database."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from credstack.claims.models import ClaimLink
from credstack.config.commands import register

runner = CliRunner()


def _cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_it_resends_a_claim_link(claimable, mailoutbox, send_emails):
    claim = claimable()
    result = send_emails(lambda: runner.invoke(_cli(), ["resend-claim", claim.award.public_id]))
    assert result.exit_code == 0, result.output
    assert "ana@example.org" in result.stdout
    assert len(mailoutbox) == 2
    assert ClaimLink.objects.filter(superseded_at__isnull=True).get().kind == "resent"


def test_it_refuses_an_unknown_award_or_a_user_without_the_right(claimable):
    claim = claimable()
    assert runner.invoke(_cli(), ["resend-claim", "awd_nothing"]).exit_code == 2
    refused = runner.invoke(
        _cli(), ["resend-claim", claim.award.public_id, "--as", "dave@example.org"]
    )
    assert refused.exit_code == 1
    assert "may not award" in refused.stderr
