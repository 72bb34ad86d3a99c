"""The wallet's REST API under ``/api/v1/wallet/``, for the signed-in learner (Django
session authentication; unsafe methods need the CSRF token like the web pages).

Someone else's credential answers 404, as if it did not exist.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from credstack.verification.services import SubmissionError
from credstack.wallet import clr_export, services
from credstack.wallet.models import WalletCredential

router = Router(tags=["wallet"], auth=django_auth)


class ErrorBody(Schema):
    code: str
    message: str
    details: dict[str, Any] | None = None


class ErrorResponse(Schema):
    error: ErrorBody


class IssuerOut(Schema):
    id: str
    name: str


class CredentialOut(Schema):
    id: str = Field(..., description="The credential's opaque id in the wallet.")
    title: str
    issuer: IssuerOut
    kind: str = Field(..., description="OpenBadgeCredential, ClrCredential, OpenBadges2Assertion…")
    format: str = Field(..., description="How it arrived: json, jwt, baked-png, ob2-hosted…")
    arrival: Literal["imported", "issued_here"]
    issued: datetime | None
    expires: datetime | None
    verdict: str = Field(..., description="The last verification's verdict.")
    verified_at: datetime | None
    visibility: Literal["private", "public"]
    imported_at: datetime


class CredentialDetailOut(CredentialOut):
    media_type: str
    source_url: str
    report: dict[str, Any] | None = Field(None, description="The last verification report.")
    credential: dict[str, Any] = Field(..., description="The credential JSON as read.")


class ImportIn(Schema):
    credential: dict[str, Any] | str | None = Field(
        None, description="The credential: a JSON object, or its text (JSON or VC-JWT)."
    )
    url: str | None = Field(None, description="Where the credential (or OB 2.0 assertion) is.")
    image: str | None = Field(None, description="A baked PNG or SVG image, base64-encoded.")


class ImportOut(Schema):
    created: bool = Field(..., description="False when the wallet already held it.")
    credential: CredentialDetailOut


class VisibilityIn(Schema):
    visibility: Literal["private", "public"]


class NotIncludedOut(Schema):
    id: str = Field(..., description="The credential's opaque id in the wallet.")
    title: str
    reason: str = Field(..., description="Why the CLR does not hold it.")


class ClrExportOut(Schema):
    credential: dict[str, Any] = Field(
        ..., description="The ClrCredential, signed by the instance (eddsa-rdfc-2022)."
    )
    included: list[str] = Field(..., description="The ids of the credentials it holds.")
    not_included: list[NotIncludedOut] = Field(
        ..., description="The credentials it leaves out, each with the reason."
    )


def credential_out(held: WalletCredential, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": held.public_id,
        "title": held.title,
        "issuer": {"id": held.issuer_id, "name": held.issuer_name},
        "kind": held.kind,
        "format": held.format,
        "arrival": held.arrival,
        "issued": held.issued_at,
        "expires": held.expires_at,
        "verdict": held.verdict,
        "verified_at": held.verified_at,
        "visibility": held.visibility,
        "imported_at": held.created_at,
    }
    if detail:
        out.update(
            {
                "media_type": held.media_type,
                "source_url": held.source_url,
                "report": held.report,
                "credential": held.credential,
            }
        )
    return out


@router.get("/wallet/credentials", response=list[CredentialOut], summary="My credentials")
def list_credentials(request: HttpRequest) -> list[dict[str, Any]]:
    return [credential_out(held) for held in services.list_credentials(request.user)]


@router.post(
    "/wallet/credentials",
    response={200: ImportOut, 201: ImportOut, 400: ErrorResponse, 413: ErrorResponse},
    summary="Import a credential",
    description=(
        "Give exactly one of `credential`, `url` or `image`. The credential is verified and "
        "kept whatever its verdict (201); one the wallet already holds is not stored again "
        "(200, `created` false). Input that is not a readable credential is refused (400) "
        "and nothing is stored."
    ),
)
def import_credential(request: HttpRequest, payload: ImportIn) -> Status[dict[str, Any]]:
    text: str | None = None
    upload: bytes | None = None
    if isinstance(payload.credential, dict):
        text = json.dumps(payload.credential, ensure_ascii=False)
    elif isinstance(payload.credential, str):
        text = payload.credential
    if payload.image:
        try:
            upload = base64.b64decode(payload.image, validate=True)
        except (binascii.Error, ValueError):
            raise SubmissionError("image must be base64-encoded PNG or SVG bytes") from None
    result = services.import_credential(request.user, text=text, upload=upload, url=payload.url)
    body = {"created": result.created, "credential": credential_out(result.credential, detail=True)}
    return Status(201 if result.created else 200, body)


@router.get(
    "/wallet/credentials/{credential_id}",
    response={200: CredentialDetailOut, 404: ErrorResponse},
    summary="One of my credentials, re-verified when its last report is stale",
)
def credential_detail(request: HttpRequest, credential_id: str) -> dict[str, Any]:
    held = services.get_credential(request.user, credential_id)
    return credential_out(services.reverify_credential(held), detail=True)


@router.put(
    "/wallet/credentials/{credential_id}/visibility",
    response={200: CredentialOut, 404: ErrorResponse, 422: ErrorResponse},
    summary="Make one of my credentials public or private",
)
def set_visibility(
    request: HttpRequest, credential_id: str, payload: VisibilityIn
) -> dict[str, Any]:
    held = services.get_credential(request.user, credential_id)
    return credential_out(services.set_visibility(request.user, held, payload.visibility))


@router.delete(
    "/wallet/credentials/{credential_id}",
    response={204: None, 404: ErrorResponse},
    summary="Remove one of my credentials from the wallet",
)
def delete_credential(request: HttpRequest, credential_id: str) -> Status[None]:
    held = services.get_credential(request.user, credential_id)
    services.delete_credential(request.user, held)
    return Status(204, None)


@router.get(
    "/wallet/export/clr",
    response={200: ClrExportOut, 409: ErrorResponse},
    summary="My wallet as a CLR 2.0 signed by the instance",
    description=(
        "Every Open Badges 3.0 credential of the wallet with a Data Integrity proof, "
        "exactly as held, in one ClrCredential signed by the instance; `not_included` "
        "says why each other credential is left out. 409 `nothing_to_export` when no "
        "credential can go in a CLR (its details list them)."
    ),
)
def export_clr(request: HttpRequest) -> dict[str, Any]:
    export = clr_export.build_wallet_clr(request.user)
    return {
        "credential": export.credential,
        "included": [held.public_id for held in export.included],
        "not_included": clr_export.not_included(export.left_out),
    }
