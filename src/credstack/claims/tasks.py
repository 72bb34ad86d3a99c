"""The claims app's background tasks (huey). Links are made inside them, where they are
emailed, so a token is never written to the queue."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from credstack.common.errors import CredstackError

RETRY_DELAY_SECONDS = 300


class ClaimEmailsNotSentError(CredstackError):
    """Some emails failed: raised so that huey runs the task again later."""


@db_task(retries=3, retry_delay=RETRY_DELAY_SECONDS)
def send_claim_emails_task(award_ids: list[int]) -> dict[str, int]:
    """One task per batch of new awards (``awards_issued``): the first claim email of
    each. A retry sends only what failed (``services.send_claim_emails`` is idempotent)."""
    from credstack.claims.services import send_claim_emails

    report = send_claim_emails(award_ids)
    if report.failed:
        raise ClaimEmailsNotSentError(f"{report.failed} claim emails were not sent")
    return {"sent": report.sent, "skipped": report.skipped}


@db_task()
def send_new_claim_link_task(award_id: int, kind: str) -> dict[str, int]:
    """A resend or a corrected address: a new link replaces the live one. Not retried
    (each run sends a new email); the issuer sees the failure and sends again."""
    from credstack.claims.services import send_new_claim_link

    report = send_new_claim_link(award_id, kind=kind)
    return {"sent": report.sent, "failed": report.failed}
