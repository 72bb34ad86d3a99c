"""API of the issuing app: definitions and their workflow, signing keys.

Objects of an organisation the caller may not view answer 404, not 403, so nobody
learns what another organisation is preparing.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import ModelSchema, Router, Status
from ninja.security import django_auth

from credstack.accounts.api import organisation_or_404
from credstack.accounts.models import Organisation
from credstack.accounts.permissions import Action, can, require
from credstack.common.errors import ConflictError, NotFoundError
from credstack.issuing import services
from credstack.issuing.achievement import definition_to_achievement
from credstack.issuing.identifiers import issuer_id
from credstack.issuing.models import AchievementDefinition, DefinitionVersion, SigningKey

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


@router.get("/definitions/{definition_id}/achievement", response=dict[str, Any])
def published_achievement(request: HttpRequest, definition_id: str) -> dict[str, Any]:
    """The OB 3.0 Achievement of the published version."""
    definition = _visible_definition(request, definition_id)
    if definition.published_version is None:
        raise ConflictError("the definition has no published version", code="not_published")
    return definition_to_achievement(definition.published_version)


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
