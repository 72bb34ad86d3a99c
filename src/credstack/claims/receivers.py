"""Claim emails for new awards: one background task per ``awards_issued`` batch."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.dispatch import receiver

from credstack.issuing.models import Award
from credstack.issuing.signals import awards_issued

logger = logging.getLogger(__name__)


@receiver(awards_issued, sender=Award, dispatch_uid="claims.send_claim_emails")
def queue_claim_emails(sender: type[Award], awards: Sequence[Award], **kwargs: Any) -> None:
    from credstack.claims.tasks import send_claim_emails_task

    award_ids = [award.pk for award in awards if award.recipient_email]
    if not award_ids:
        return
    try:
        send_claim_emails_task(award_ids)
    except Exception:
        # The awards are stored and signed; failing the request now would hide that.
        # The issuer can send the links again (resend-claim).
        logger.exception("claim emails for %d awards could not be queued", len(award_ids))
