"""What the home page's demo tour links to: objects made by seeding, found again by
what the demo accounts are (they are not stored anywhere else)."""

from __future__ import annotations

from dataclasses import dataclass

from credstack.demo import accounts
from credstack.issuing.models import AchievementDefinition, Award, AwardStatus


@dataclass(frozen=True)
class Tour:
    university_slug: str
    valid_award: str = ""  # public ids; empty when the demo does not hold one (any more)
    revoked_award: str = ""
    definition_in_review: str = ""


def demo_tour() -> Tour:
    """The learner's first valid and revoked awards and the university's definition that
    waits for review, as they are now (a visitor may have changed them)."""
    awards = Award.objects.filter(recipient_email=accounts.LEARNER.email).order_by("awarded_at")
    valid = awards.filter(status=AwardStatus.ACTIVE, valid_until__isnull=True).first()
    revoked = awards.filter(status=AwardStatus.REVOKED).first()
    waiting = (
        AchievementDefinition.objects.filter(
            organisation__slug=accounts.UNIVERSITY_SLUG,
            published_version__isnull=True,
            versions__status="in_review",
        )
        .order_by("pk")
        .first()
    )
    return Tour(
        university_slug=accounts.UNIVERSITY_SLUG,
        valid_award=valid.public_id if valid else "",
        revoked_award=revoked.public_id if revoked else "",
        definition_in_review=waiting.public_id if waiting else "",
    )
