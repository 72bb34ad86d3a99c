"""A link claimed twice at the same moment is claimed once; two runs of the email task
at once send one email. Rows are locked, and an award has at most one live link."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from credstack.claims import services
from credstack.claims.models import ClaimLink

pytestmark = pytest.mark.django_db(transaction=True)


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections: runs in make test's PostgreSQL pass")


def _at_once(work, count: int = 2) -> list[str]:
    barrier = threading.Barrier(count)

    def run(_: int) -> str:
        try:
            barrier.wait()
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_two_claims_at_once_use_the_link_once(claimable):
    _needs_postgresql()
    claim = claimable()

    def download() -> str:
        try:
            services.claim_by_download(services.find_link(claim.token))
        except services.ClaimLinkUnusableError:
            return "refused"
        return "claimed"

    assert sorted(_at_once(download)) == ["claimed", "refused"]


def test_two_runs_of_the_email_task_send_one_email(award_for, mailoutbox):
    _needs_postgresql()
    award = award_for()  # its commit callback ran: the email is sent
    ClaimLink.objects.all().delete()
    mailoutbox.clear()
    reports = _at_once(lambda: str(services.send_claim_emails([award.pk]).sent))
    assert sorted(reports) == ["0", "1"]
    assert len(mailoutbox) == 1
    assert ClaimLink.objects.count() == 1


def test_an_award_has_one_live_link_at_most(claimable):
    claim = claimable()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLink.objects.create(
            award=claim.award,
            email="ana@example.org",
            kind="resent",
            token_hash="0" * 64,
            expires_at=timezone.now(),
        )
