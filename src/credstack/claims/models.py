"""Claim links and corrections of the address an award was sent to.

A :class:`ClaimLink` is the one-time link a learner receives by email to take an award:
only the SHA-256 of its token is stored, so neither the database nor a backup can
reconstruct a working link. A link is live until it is claimed, expires or is superseded
(a newer link for the same award was sent): an award has at most one live link.

A :class:`RecipientEmailChange` records an issuer correcting the address: the credential
is never silently re-issued under another identity; either the new address only receives
a new link to the same credential, or (``reissued_as``) the old award was revoked and a
new one issued to the new address.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credstack.common.ids import new_public_id
from credstack.issuing.models import Award


def new_claim_link_id() -> str:
    return new_public_id("clm")


class ClaimLinkKind(models.TextChoices):
    ISSUED = "issued", _("Sent when the credential was awarded")
    RESENT = "resent", _("Sent again by the issuer")
    EMAIL_CHANGED = "email_changed", _("Sent to a corrected address")


class ClaimLink(models.Model):
    public_id = models.CharField(
        max_length=32, unique=True, default=new_claim_link_id, editable=False
    )
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="claim_links")
    email = models.EmailField(help_text="The address the link was sent to.")
    kind = models.CharField(max_length=16, choices=ClaimLinkKind.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # How it was claimed: wallet, new_account or download.
    claimed_as = models.CharField(max_length=16, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["award"],
                condition=models.Q(claimed_at__isnull=True, superseded_at__isnull=True),
                name="one_live_claim_link_per_award",
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} for {self.award.public_id} to {self.email}"

    def __repr__(self) -> str:
        return f"<ClaimLink {self.public_id} {self.award_id}>"


class RecipientEmailChange(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="email_changes")
    old_email = models.EmailField()
    new_email = models.EmailField()
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(default=timezone.now)
    reissued_as = models.ForeignKey(
        Award,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reissued_from",
        help_text="The new award when the change re-issued the credential.",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.award.public_id}: {self.old_email} -> {self.new_email}"
