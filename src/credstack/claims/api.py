"""API of the claims app, for issuers (session authentication, as the awards API):

- ``GET /awards/{award_id}/claim-links``: the award's links (never their tokens);
- ``POST /awards/{award_id}/claim-links``: send a new link (202: it leaves from the job
  worker; the live one stops working at once);
- ``POST /awards/{award_id}/recipient-email``: correct the address, optionally
  re-issuing the credential.

Mounted before the issuing router, whose ``/awards/{award_id}/{transition}`` would
otherwise answer these paths. An award the caller may not view is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth

from credstack.accounts.permissions import Action, can
from credstack.claims import services
from credstack.claims.models import ClaimLink, RecipientEmailChange
from credstack.common.errors import NotFoundError
from credstack.issuing.api import award_to_dict
from credstack.issuing.models import Award

router = Router(tags=["claims"], auth=django_auth)


class RecipientEmailIn(Schema):
    email: str
    reason: str = ""
    reissue: bool = False


def _visible_award(request: HttpRequest, award_id: str) -> Award:
    award = (
        Award.objects.select_related("organisation", "definition_version__definition")
        .filter(public_id=award_id)
        .first()
    )
    if award is None or not can(request.user, award.organisation, Action.VIEW):
        raise NotFoundError(f"no award {award_id}")
    return award


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def link_to_dict(link: ClaimLink) -> dict[str, Any]:
    return {
        "id": link.public_id,
        "email": link.email,
        "kind": link.kind,
        "state": services.link_state(link).value,
        "created_at": _iso(link.created_at),
        "expires_at": _iso(link.expires_at),
        "sent_at": _iso(link.sent_at),
        "send_error": link.send_error or None,
        "claimed_at": _iso(link.claimed_at),
        "claimed_as": link.claimed_as or None,
        "superseded_at": _iso(link.superseded_at),
    }


def change_to_dict(change: RecipientEmailChange) -> dict[str, Any]:
    return {
        "award": change.award.public_id,
        "old_email": change.old_email,
        "new_email": change.new_email,
        "reason": change.reason,
        "changed_by": change.changed_by.email if change.changed_by else None,
        "changed_at": _iso(change.changed_at),
        "reissued_as": change.reissued_as.public_id if change.reissued_as else None,
    }


@router.get("/awards/{award_id}/claim-links", response=dict[str, Any])
def list_claim_links(request: HttpRequest, award_id: str) -> dict[str, Any]:
    """The award's claim links, newest first, and the corrections of its address."""
    award = _visible_award(request, award_id)
    links = ClaimLink.objects.filter(award=award).select_related("award")
    return {
        "award": award.public_id,
        "sent_to": services.current_address(award) or None,
        "links": [link_to_dict(link) for link in links],
        "email_changes": [change_to_dict(c) for c in services.email_changes(award)],
    }


@router.post("/awards/{award_id}/claim-links", response={202: dict[str, Any]})
def resend_claim_link(request: HttpRequest, award_id: str) -> Status[dict[str, Any]]:
    """Send the learner a new claim link; the previous one stops working."""
    award = _visible_award(request, award_id)
    address = services.resend_claim(award, by=request.user)
    return Status(202, {"award": award.public_id, "sent_to": address})


@router.post("/awards/{award_id}/recipient-email", response=dict[str, Any])
def change_recipient_email(
    request: HttpRequest, award_id: str, payload: RecipientEmailIn
) -> dict[str, Any]:
    """Correct the address the credential was sent to (``reason`` required). Without
    ``reissue`` a new link goes to the new address and the credential is unchanged;
    with it the award is revoked and a new one issued to the new address."""
    award = _visible_award(request, award_id)
    change = services.change_recipient_email(
        award, payload.email, by=request.user, reason=payload.reason, reissue=payload.reissue
    )
    body = {
        "change": change_to_dict(change),
        "award": award_to_dict(_visible_award(request, award_id)),
        "reissued_as": None,
    }
    if change.reissued_as is not None:
        body["reissued_as"] = award_to_dict(
            _visible_award(request, change.reissued_as.public_id), with_credential=True
        )
    return body
