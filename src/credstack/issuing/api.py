"""API of the issuing app: definitions and their workflow, signing keys, awards and
their revocation and suspension, and the VC-API issuer endpoints (``vc_api``).

Objects of an organisation the caller may not view answer 404, not 403, so nobody
learns what another organisation is preparing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import File, ModelSchema, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from credstack.accounts.api import organisation_or_404
from credstack.accounts.models import Organisation
from credstack.accounts.permissions import Action, can, require
from credstack.common.api import ApiError
from credstack.common.errors import ConflictError, NotFoundError
from credstack.issuing import images, services
from credstack.issuing.achievement import definition_to_achievement
from credstack.issuing.identifiers import base_url, issuer_id
from credstack.issuing.models import (
    AchievementDefinition,
    ApiToken,
    Award,
    DefinitionVersion,
    SigningKey,
)
from credstack.issuing.vc_api import issuer_router

router = Router(tags=["issuing"], auth=django_auth)


class DefinitionFields(ModelSchema):
    """Any subset of a definition version's content fields."""

    class Meta:
        model = DefinitionVersion
        fields = sorted(services.EDITABLE_FIELDS)
        fields_optional = "__all__"


def _visible_organisation(request: HttpRequest, organisation_id: str) -> Organisation:
    organisation = organisation_or_404(organisation_id)
    if not can(request.user, organisation, Action.VIEW):
        raise NotFoundError(f"no organisation {organisation_id}")
    return organisation


def _visible_definition(request: HttpRequest, definition_id: str) -> AchievementDefinition:
    definition = (
        AchievementDefinition.objects.select_related("organisation", "published_version")
        .filter(public_id=definition_id)
        .first()
    )
    if definition is None or not can(request.user, definition.organisation, Action.VIEW):
        raise NotFoundError(f"no definition {definition_id}")
    return definition


def version_to_dict(version: DefinitionVersion) -> dict[str, Any]:
    content = version.content()
    for name in ("workload_ects", "workload_hours", "price_amount"):
        if content[name] is not None:
            content[name] = str(content[name])
    if content["expiry_date"] is not None:
        content["expiry_date"] = content["expiry_date"].isoformat()
    return {
        "number": version.number,
        "status": version.status,
        "missing_mandatory_elements": services.missing_mandatory_elements(version),
        "published_at": version.published_at.isoformat() if version.published_at else None,
        **content,
    }


def definition_to_dict(definition: AchievementDefinition) -> dict[str, Any]:
    published = definition.published_version
    return {
        "id": definition.public_id,
        "organisation": definition.organisation.public_id,
        "retired": definition.retired_at is not None,
        "published_version": published.number if published else None,
        "latest": version_to_dict(definition.latest_version()),
    }


@router.get("/organisations/{organisation_id}/definitions", response=list[dict[str, Any]])
def list_definitions(request: HttpRequest, organisation_id: str) -> list[dict[str, Any]]:
    organisation = _visible_organisation(request, organisation_id)
    definitions = AchievementDefinition.objects.filter(organisation=organisation).select_related(
        "organisation", "published_version"
    )
    return [definition_to_dict(definition) for definition in definitions.order_by("created_at")]


@router.post("/organisations/{organisation_id}/definitions", response={201: dict[str, Any]})
def create_definition(
    request: HttpRequest, organisation_id: str, payload: DefinitionFields
) -> Status[dict[str, Any]]:
    organisation = _visible_organisation(request, organisation_id)
    definition = services.create_definition(
        organisation,
        payload.dict(exclude_unset=True),
        by=request.user,
    )
    return Status(201, definition_to_dict(definition))


@router.post("/organisations/{organisation_id}/images", response={201: dict[str, Any]})
def upload_definition_image(
    request: HttpRequest, organisation_id: str, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """Check, shrink and keep a PNG or SVG for a definition (docs/issuer-guide.md, the
    image rules). Answers the ``image`` value to give the definition, and its URL."""
    organisation = _visible_organisation(request, organisation_id)
    data = file.read(images.max_image_bytes() + 1)
    stored = images.store_image(organisation, data, file.name or "", by=request.user)
    return Status(
        201,
        {
            "image": stored.name,
            "url": f"{base_url()}/media/{stored.name}",
            "media_type": stored.media_type,
            "width": stored.width,
            "height": stored.height,
        },
    )


@router.get("/definitions/{definition_id}", response=dict[str, Any])
def get_definition(request: HttpRequest, definition_id: str) -> dict[str, Any]:
    return definition_to_dict(_visible_definition(request, definition_id))


@router.patch("/definitions/{definition_id}", response=dict[str, Any])
def update_definition(
    request: HttpRequest, definition_id: str, payload: DefinitionFields
) -> dict[str, Any]:
    definition = _visible_definition(request, definition_id)
    services.update_definition(
        definition,
        payload.dict(exclude_unset=True),
        by=request.user,
    )
    return definition_to_dict(AchievementDefinition.objects.get(pk=definition.pk))


# Before the transitions: their /definitions/{definition_id}/{transition} would take this
# path and answer its GET with 405.
@router.get(
    "/definitions/{definition_id}/achievement", response={200: dict[str, Any], 409: ApiError}
)
def published_achievement(request: HttpRequest, definition_id: str) -> dict[str, Any]:
    """The OB 3.0 Achievement of the published version."""
    definition = _visible_definition(request, definition_id)
    if definition.published_version is None:
        raise ConflictError("the definition has no published version", code="not_published")
    return definition_to_achievement(definition.published_version)


_TRANSITIONS = {
    "submit": services.submit_definition,
    "approve": services.approve_definition,
    "publish": services.publish_definition,
    "retire": services.retire_definition,
}


@router.post("/definitions/{definition_id}/{transition}", response=dict[str, Any])
def change_definition_status(
    request: HttpRequest, definition_id: str, transition: str
) -> dict[str, Any]:
    """``transition`` is one of submit, approve, publish, retire."""
    if transition not in _TRANSITIONS:
        raise NotFoundError(f"no transition {transition!r}; use {', '.join(_TRANSITIONS)}")
    definition = _visible_definition(request, definition_id)
    _TRANSITIONS[transition](definition, by=request.user)
    return definition_to_dict(AchievementDefinition.objects.get(pk=definition.pk))


def _key_to_dict(key: SigningKey) -> dict[str, Any]:
    return {
        "id": key.public_id,
        "public_key_multibase": key.public_key_multibase,
        "created_at": key.created_at.isoformat(),
        "retired_at": key.retired_at.isoformat() if key.retired_at else None,
    }


@router.get("/organisations/{organisation_id}/keys", response=dict[str, Any])
def list_keys(request: HttpRequest, organisation_id: str) -> dict[str, Any]:
    organisation = _visible_organisation(request, organisation_id)
    keys = SigningKey.objects.filter(organisation=organisation)
    active = [key for key in keys if key.is_active]
    return {
        "issuer": issuer_id(organisation) if active else None,
        "keys": [_key_to_dict(key) for key in keys],
    }


@router.post("/organisations/{organisation_id}/keys/rotate", response=dict[str, Any])
def rotate_key(request: HttpRequest, organisation_id: str) -> dict[str, Any]:
    organisation = _visible_organisation(request, organisation_id)
    require(request.user, organisation, Action.MANAGE_KEYS)
    return _key_to_dict(services.rotate_signing_key(organisation, by=request.user))


# --- Awards ---------------------------------------------------------------------------


class AwardIn(Schema):
    definition_id: str
    recipient_email: str | None = None
    recipient_did: str | None = None
    recipient_name: str = ""
    narrative: str | None = None
    evidence_url: str | None = None
    grade: str | None = None
    awarded_at: datetime | None = None
    valid_until: datetime | None = None


class ReasonIn(Schema):
    reason: str = ""


def award_to_dict(award: Award, *, with_credential: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": award.public_id,
        "organisation": award.organisation.public_id,
        "definition": award.definition_version.definition.public_id,
        "definition_version": award.definition_version.number,
        "credential_id": award.credential_id,
        "recipient_email": award.recipient_email,
        "recipient_did": award.recipient_did,
        "recipient_name": award.recipient_name,
        "awarded_at": award.awarded_at.isoformat(),
        "valid_until": award.valid_until.isoformat() if award.valid_until else None,
        "status": award.status,
        "status_reason": award.status_reason,
        "status_changed_at": (
            award.status_changed_at.isoformat() if award.status_changed_at else None
        ),
    }
    if with_credential:
        body["credential"] = award.credential
    return body


def _visible_award(request: HttpRequest, award_id: str) -> Award:
    award = (
        Award.objects.select_related("organisation", "definition_version__definition")
        .filter(public_id=award_id)
        .first()
    )
    if award is None or not can(request.user, award.organisation, Action.VIEW):
        raise NotFoundError(f"no award {award_id}")
    return award


@router.post("/organisations/{organisation_id}/awards", response={201: dict[str, Any]})
def create_award(
    request: HttpRequest, organisation_id: str, payload: AwardIn
) -> Status[dict[str, Any]]:
    """Award a published definition to one recipient (email or DID). An
    ``Idempotency-Key`` header makes a retry return the award it made."""
    organisation = _visible_organisation(request, organisation_id)
    definition = (
        AchievementDefinition.objects.filter(
            organisation=organisation, public_id=payload.definition_id
        )
        .select_related("published_version", "organisation")
        .first()
    )
    if definition is None:
        raise NotFoundError(f"no definition {payload.definition_id}")
    if definition.published_version is None:
        raise ConflictError("the definition has no published version", code="not_published")
    award = services.issue_credential(
        definition.published_version,
        recipient_email=payload.recipient_email,
        recipient_did=payload.recipient_did,
        recipient_name=payload.recipient_name,
        by=request.user,
        awarded_at=payload.awarded_at,
        narrative=payload.narrative,
        evidence_url=payload.evidence_url,
        grade=payload.grade,
        valid_until=payload.valid_until,
        idempotency_key=request.headers.get("Idempotency-Key") or None,
    )
    return Status(201, award_to_dict(award, with_credential=True))


MAX_AWARD_OFFSET = 1_000_000_000


@router.get("/organisations/{organisation_id}/awards", response=list[dict[str, Any]])
def list_awards(
    request: HttpRequest,
    organisation_id: str,
    status: str | None = None,
    limit: int = Query(100, ge=1, le=1000, description="How many awards, at most 1000."),
    # Bounded so that the database is never asked for an offset it cannot count to.
    offset: int = Query(0, ge=0, le=MAX_AWARD_OFFSET, description="How many to skip."),
) -> list[dict[str, Any]]:
    """The organisation's awards, newest first."""
    organisation = _visible_organisation(request, organisation_id)
    awards = Award.objects.filter(organisation=organisation).select_related(
        "organisation", "definition_version__definition"
    )
    if status:
        awards = awards.filter(status=status)
    return [award_to_dict(award) for award in awards[offset : offset + limit]]


@router.get("/awards/{award_id}", response=dict[str, Any])
def get_award(request: HttpRequest, award_id: str) -> dict[str, Any]:
    return award_to_dict(_visible_award(request, award_id), with_credential=True)


_AWARD_TRANSITIONS = {
    "revoke": services.revoke_credential,
    "suspend": services.suspend_credential,
    "unsuspend": services.unsuspend_credential,
}


@router.post("/awards/{award_id}/{transition}", response=dict[str, Any])
def change_award_status(
    request: HttpRequest, award_id: str, transition: str, payload: ReasonIn
) -> dict[str, Any]:
    """``transition`` is revoke (permanent), suspend or unsuspend; revoke and suspend
    need a ``reason``."""
    if transition not in _AWARD_TRANSITIONS:
        raise NotFoundError(f"no transition {transition!r}; use {', '.join(_AWARD_TRANSITIONS)}")
    award = _visible_award(request, award_id)
    changed = _AWARD_TRANSITIONS[transition](award, reason=payload.reason, by=request.user)
    return award_to_dict(_visible_award(request, changed.public_id))


# --- API tokens -----------------------------------------------------------------------


class TokenIn(Schema):
    name: str
    scopes: list[str]


def _token_to_dict(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.public_id,
        "name": token.name,
        "scopes": token.scopes,
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


@router.get("/organisations/{organisation_id}/tokens", response=list[dict[str, Any]])
def list_tokens(request: HttpRequest, organisation_id: str) -> list[dict[str, Any]]:
    """The organisation's API tokens (never the tokens themselves)."""
    organisation = _visible_organisation(request, organisation_id)
    require(request.user, organisation, Action.MANAGE_KEYS)
    return [_token_to_dict(token) for token in ApiToken.objects.filter(organisation=organisation)]


@router.post("/organisations/{organisation_id}/tokens", response={201: dict[str, Any]})
def create_token(
    request: HttpRequest, organisation_id: str, payload: TokenIn
) -> Status[dict[str, Any]]:
    """Create a token for the VC-API; ``token`` is in this answer only, never again."""
    organisation = _visible_organisation(request, organisation_id)
    row, token = services.create_api_token(
        organisation, name=payload.name, scopes=payload.scopes, by=request.user
    )
    return Status(201, {**_token_to_dict(row), "token": token})


@router.delete("/organisations/{organisation_id}/tokens/{token_id}", response=dict[str, Any])
def revoke_token(request: HttpRequest, organisation_id: str, token_id: str) -> dict[str, Any]:
    organisation = _visible_organisation(request, organisation_id)
    token = ApiToken.objects.filter(organisation=organisation, public_id=token_id).first()
    if token is None:
        raise NotFoundError(f"no token {token_id}")
    services.revoke_api_token(token, by=request.user)
    token.refresh_from_db()
    return _token_to_dict(token)


router.add_router("", issuer_router())
