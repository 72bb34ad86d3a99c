"""Reads behind the issuer's award pages: an organisation's awards, one award and its
history, and the definitions an issuer can award.

Every function checks permissions itself (``accounts.permissions``), like the services
that write. A non-member asking for an organisation's objects gets NotFoundError, so
nobody learns what another organisation awards; a member whose role lacks the right
gets PermissionDeniedError.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from credstack.accounts.models import Organisation
from credstack.accounts.permissions import Action, can, require
from credstack.common.errors import ConflictError, NotAuthenticatedError, NotFoundError
from credstack.issuing.models import (
    AchievementDefinition,
    Award,
    AwardStatus,
    DefinitionStatus,
    DefinitionVersion,
)


def member_organisation(user: Any, slug: str, action: Action = Action.VIEW) -> Organisation:
    """The organisation at ``slug`` if ``user`` may ``action`` there.

    Raises NotAuthenticatedError (anonymous), NotFoundError (no such organisation, or
    the user cannot even view it), PermissionDeniedError (a member whose role lacks
    ``action``).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticatedError(_("Sign in first."))
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not can(user, organisation, Action.VIEW):
        raise NotFoundError(_("There is no such organisation, or you are not one of its members."))
    require(user, organisation, action)
    return organisation


def definition_title(definition: AchievementDefinition) -> str:
    version = definition.published_version or definition.latest_version()
    return version.title or definition.public_id


def definition_choices(
    organisation: Organisation, *, by: Any, awardable_only: bool = False
) -> list[tuple[str, str]]:
    """(definition id, title) of the organisation's definitions, by title; with
    ``awardable_only`` only those whose published version can be awarded now."""
    require(by, organisation, Action.VIEW)
    definitions = AchievementDefinition.objects.filter(organisation=organisation).select_related(
        "published_version"
    )
    if awardable_only:
        definitions = definitions.filter(
            retired_at__isnull=True, published_version__status=DefinitionStatus.PUBLISHED
        )
    choices = [(definition.public_id, definition_title(definition)) for definition in definitions]
    return sorted(choices, key=lambda choice: (choice[1].casefold(), choice[0]))


def awardable_version(
    organisation: Organisation, definition_id: str, *, by: Any
) -> DefinitionVersion:
    """The published version of the organisation's definition ``definition_id``, which
    ``by`` may award. Raises NotFoundError, PermissionDeniedError, ConflictError (not
    published, or retired)."""
    require(by, organisation, Action.AWARD)
    definition = (
        AchievementDefinition.objects.filter(organisation=organisation, public_id=definition_id)
        .select_related("published_version", "organisation")
        .first()
    )
    if definition is None:
        raise NotFoundError(_("There is no such definition in this organisation."))
    version = definition.published_version
    if definition.retired_at is not None or version is None:
        raise ConflictError(
            _("Only a published definition can be awarded: this one is %(state)s.")
            % {"state": _("retired") if definition.retired_at else _("not published yet")},
            code="not_published",
        )
    if version.status != DefinitionStatus.PUBLISHED:
        raise ConflictError(
            _("Only a published definition can be awarded: this one is %(state)s.")
            % {"state": version.get_status_display().lower()},
            code="not_published",
        )
    return version


def search_awards(
    organisation: Organisation,
    *,
    by: Any,
    query: str = "",
    definition_id: str = "",
    status: str = "",
) -> QuerySet[Award]:
    """The organisation's awards, newest first, without their signed credentials.

    ``query`` matches part of the recipient's email, name or DID, or an award id;
    ``definition_id`` and ``status`` (active, suspended, revoked) filter; an unknown
    status matches nothing rather than everything.
    """
    require(by, organisation, Action.VIEW)
    awards = (
        Award.objects.filter(organisation=organisation)
        .select_related("definition_version__definition")
        # The signed credential weighs kilobytes and the list never shows it. (A
        # DefinitionVersion must be read whole: it compares its content when loaded.)
        .defer("credential")
    )
    query = query.strip()
    if query:
        awards = awards.filter(
            Q(recipient_email__icontains=query)
            | Q(recipient_name__icontains=query)
            | Q(recipient_did__icontains=query)
            | Q(public_id__iexact=query)
        )
    if definition_id:
        awards = awards.filter(definition_version__definition__public_id=definition_id)
    if status:
        awards = awards.filter(status=status if status in AwardStatus.values else "")
    return awards


def award_of(organisation: Organisation, award_id: str, *, by: Any) -> Award:
    """One of the organisation's awards. Raises NotFoundError, PermissionDeniedError."""
    require(by, organisation, Action.VIEW)
    award = (
        Award.objects.filter(organisation=organisation, public_id=award_id)
        .select_related("organisation", "definition_version__definition", "created_by")
        .first()
    )
    if award is None:
        raise NotFoundError(_("There is no such award in this organisation."))
    return award


@dataclass(frozen=True)
class AwardEvent:
    at: datetime
    what: str
    reason: str = ""


def award_history(award: Award) -> list[AwardEvent]:
    """What happened to the award, oldest first, from the moments it records: awarded,
    suspended, reinstated, revoked. The reason kept is the last change's; a suspension
    lifted and set again shows only the latest."""
    events = [AwardEvent(award.created_at, _("Issued and signed"))]
    current_reason = award.status_reason
    if award.suspended_at is not None:
        reason = current_reason if award.status == AwardStatus.SUSPENDED else ""
        events.append(AwardEvent(award.suspended_at, _("Suspended"), reason))
    if award.status == AwardStatus.ACTIVE and award.status_changed_at is not None:
        events.append(AwardEvent(award.status_changed_at, _("Reinstated"), current_reason))
    if award.revoked_at is not None:
        events.append(AwardEvent(award.revoked_at, _("Revoked"), current_reason))
    return sorted(events, key=lambda event: event.at)


def bulk_job_of(award: Award) -> str | None:
    """The public id of the bulk job whose row issued ``award``, if one did."""
    if not (award.idempotency_key or "").startswith("bulk-"):
        return None
    try:
        bulk_row = apps.get_model("bulk", "BulkRow")
    except LookupError:
        return None
    job_id: str | None = (
        bulk_row.objects.filter(
            idempotency_key=award.idempotency_key,
            job__organisation_id=award.organisation_id,
            award_id=award.public_id,
        )
        .order_by("job__created_at")
        .values_list("job__public_id", flat=True)
        .first()
    )
    return job_id


@dataclass(frozen=True)
class ClaimSummary:
    """Where an award's claim links go and what became of the latest one."""

    address: str
    latest: Any  # claims.models.ClaimLink | None
    state: str | None  # claims.services.LinkState of the latest link
    changes: list[Any]  # claims.models.RecipientEmailChange, oldest first


def claims_installed() -> bool:
    return apps.is_installed("credstack.claims")


def claim_summary(award: Award) -> ClaimSummary | None:
    """The award's claim links, for an award to an email address on an instance that
    sends claim emails; None otherwise."""
    if not award.recipient_email or not claims_installed():
        return None
    from credstack.claims import services as claims
    from credstack.claims.models import ClaimLink

    latest = ClaimLink.objects.filter(award=award).first()
    return ClaimSummary(
        address=claims.current_address(award),
        latest=latest,
        state=str(claims.link_state(latest)) if latest is not None else None,
        changes=claims.email_changes(award),
    )
