"""W3C VC-API issuer endpoints, authenticated by an organisation's API token.

- ``POST /credentials/issue`` (scope ``issue``): the body is
  ``{"credential": {...}, "options": {...}}``. credstack issues only its own
  micro-credentials, so it reads a subset of the credential (docs/platform.md):
  ``credentialSubject.achievement.id`` names a published definition of the token's
  organisation (its achievement URL or its ``def_…`` id); the recipient is
  ``credentialSubject.id`` (a DID) and/or an unhashed ``emailAddress`` IdentityObject in
  ``credentialSubject.identifier``; optional ``credentialSubject.name``,
  ``credentialSubject.result[0].value`` (grade), ``evidence[0].id``/``narrative``,
  ``validFrom``/``awardedDate`` and ``validUntil``. Everything else is built from the
  definition. An ``Idempotency-Key`` header (or ``options.idempotencyKey``) makes a
  retry return the same credential. Answers 201 ``{"verifiableCredential": ...}``.
- ``POST /credentials/status`` (scope ``status``): ``{"credentialId": ..., "credentialStatus":
  [{"type": "BitstringStatusListEntry", "status": "revoked"|"suspended"|"active"}],
  "reason"?: ...}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field

from credstack.common.api import ApiError, CredstackParser, install_error_handlers
from credstack.common.errors import (
    ConflictError,
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from credstack.issuing import services
from credstack.issuing.achievement import achievement_id
from credstack.issuing.models import AchievementDefinition, ApiToken, Award, AwardStatus
from credstack.standards.vc.identity import EMAIL_ADDRESS


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer cst_…``: the organisation's API token."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return services.authenticate_api_token(token)


class IssueRequest(Schema):
    credential: dict[str, Any]
    options: dict[str, Any] = Field(default_factory=dict)


class IssueResponse(Schema):
    verifiableCredential: dict[str, Any]  # noqa: N815 (VC-API's name)


class StatusEntry(Schema):
    type: str = "BitstringStatusListEntry"
    status: str


class StatusRequest(Schema):
    credentialId: str  # noqa: N815
    credentialStatus: list[StatusEntry]  # noqa: N815
    reason: str = ""


class StatusResponse(Schema):
    credentialId: str  # noqa: N815
    status: str


def _token(request: HttpRequest, scope: str) -> ApiToken:
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        raise NotAuthenticatedError("send an API token: Authorization: Bearer cst_…")
    if scope not in token.scopes:
        raise PermissionDeniedError(f"this API token lacks the {scope!r} scope")
    return token


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _datetime(value: Any, name: str, problems: list[str]) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        problems.append(f"{name}: not an ISO 8601 date-time")
        return None
    if parsed.tzinfo is None:
        problems.append(f"{name}: needs a time zone")
        return None
    return parsed


def _definition(token: ApiToken, achievement: Any) -> AchievementDefinition:
    wanted = achievement.get("id") if isinstance(achievement, dict) else None
    if not isinstance(wanted, str) or not wanted:
        raise ValidationFailedError(
            "name the micro-credential to issue",
            ["credential.credentialSubject.achievement.id: a published definition's id"],
        )
    definitions = AchievementDefinition.objects.filter(
        organisation=token.organisation, published_version__isnull=False
    ).select_related("published_version", "organisation")
    for definition in definitions:
        version = definition.published_version
        assert version is not None
        if wanted in (definition.public_id, achievement_id(version)):
            return definition
    raise ValidationFailedError(
        "no published definition of this organisation has that achievement id",
        [f"credential.credentialSubject.achievement.id: {wanted!r} is not published here"],
    )


def _recipient_email(subject: dict[str, Any]) -> str | None:
    identifiers = subject.get("identifier")
    for identity in identifiers if isinstance(identifiers, list) else [identifiers]:
        if (
            isinstance(identity, dict)
            and identity.get("identityType") == EMAIL_ADDRESS
            and identity.get("hashed") is False
            and isinstance(identity.get("identityHash"), str)
        ):
            return str(identity["identityHash"])
    return None


def issue(request: HttpRequest, payload: IssueRequest) -> Status[dict[str, Any]]:
    token = _token(request, "issue")
    credential = payload.credential
    subject = _first(credential.get("credentialSubject"))
    if not isinstance(subject, dict):
        raise ValidationFailedError(
            "the credential needs a credentialSubject", ["credential.credentialSubject"]
        )
    definition = _definition(token, subject.get("achievement"))
    problems: list[str] = []
    awarded_at = _datetime(
        credential.get("awardedDate") or credential.get("validFrom"), "validFrom", problems
    )
    valid_until = _datetime(credential.get("validUntil"), "validUntil", problems)
    if problems:
        raise ValidationFailedError("the credential's dates cannot be read", problems)
    result = _first(subject.get("result"))
    evidence = _first(credential.get("evidence"))
    evidence = evidence if isinstance(evidence, dict) else {}
    did = subject.get("id")
    name = subject.get("name")
    key = request.headers.get("Idempotency-Key") or payload.options.get("idempotencyKey")
    assert definition.published_version is not None
    award = services.issue_credential(
        definition.published_version,
        recipient_email=_recipient_email(subject),
        recipient_did=did if isinstance(did, str) else None,
        recipient_name=name if isinstance(name, str) else "",
        by=None,
        awarded_at=awarded_at,
        narrative=evidence.get("narrative") if isinstance(evidence.get("narrative"), str) else None,
        evidence_url=evidence.get("id") if isinstance(evidence.get("id"), str) else None,
        grade=str(result["value"]) if isinstance(result, dict) and "value" in result else None,
        valid_until=valid_until,
        idempotency_key=str(key) if key else None,
    )
    return Status(201, {"verifiableCredential": award.credential})


_TRANSITIONS = {
    AwardStatus.REVOKED: services.revoke_credential,
    AwardStatus.SUSPENDED: services.suspend_credential,
}


def update_status(request: HttpRequest, payload: StatusRequest) -> dict[str, Any]:
    token = _token(request, "status")
    award = Award.objects.filter(
        organisation=token.organisation, credential_id=payload.credentialId
    ).first()
    if award is None:
        raise NotFoundError(f"no credential {payload.credentialId} issued here")
    if len(payload.credentialStatus) != 1:
        raise ValidationFailedError("give exactly one status", ["credentialStatus: one entry"])
    wanted = payload.credentialStatus[0].status
    reason = payload.reason or "changed through the VC-API"
    if wanted in _TRANSITIONS:
        if award.status != wanted:
            award = _TRANSITIONS[AwardStatus(wanted)](award, reason=reason, by=None)
    elif wanted == AwardStatus.ACTIVE:
        if award.status == AwardStatus.SUSPENDED:
            award = services.unsuspend_credential(award, reason=payload.reason, by=None)
        elif award.status == AwardStatus.REVOKED:
            raise ConflictError("a revoked credential stays revoked", code="revoked")
    else:
        raise ValidationFailedError(
            "unknown status", ["credentialStatus[0].status: revoked, suspended or active"]
        )
    return {"credentialId": award.credential_id, "status": award.status}


def issuer_router() -> Router:
    """A Router with the VC-API issuer endpoints (a new one per API it is added to)."""
    router = Router(tags=["VC-API"], auth=ApiTokenAuth())
    router.post(
        "/credentials/issue",
        response={201: IssueResponse},
        summary="Issue a credential (W3C VC-API)",
        description=__doc__,
    )(issue)
    router.post(
        "/credentials/status",
        response={200: StatusResponse, 404: ApiError},
        summary="Revoke, suspend or reinstate a credential (W3C VC-API)",
    )(update_status)
    return router


# The VC-API paths at the site's root; the operations are documented in /api/v1/.
vc_api = NinjaAPI(
    title="credstack VC-API issuer",
    version="1",
    urls_namespace="vc-api-issuer",
    openapi_url=None,
    docs_url=None,
    parser=CredstackParser(),
)
vc_api.add_router("", issuer_router())


install_error_handlers(vc_api, not_authenticated="send an API token: Authorization: Bearer cst_…")
