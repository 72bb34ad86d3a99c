"""Public, unauthenticated pages of the issuing app."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from credstack.accounts.models import Organisation
from credstack.issuing.credential import achievement_with_eu_elements
from credstack.issuing.elm import ELM_CONTEXT
from credstack.issuing.identifiers import did_document
from credstack.issuing.models import (
    FROZEN_STATUSES,
    DefinitionStatus,
    DefinitionVersion,
    StatusList,
)
from credstack.standards.jsonld.document_loader import CREDENTIALS_V2, OB_V3P0_CONTEXT


def organisation_did_document(request: HttpRequest, slug: str) -> JsonResponse:
    """``/orgs/<slug>/did.json``: the organisation's did:web DID document (404 on an
    instance without a domain, where issuers use did:key)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    document = did_document(organisation) if organisation is not None else None
    if document is None:
        raise Http404("no did:web DID document here")
    return did_document_response(document)


def did_document_response(document: dict[str, Any]) -> JsonResponse:
    """A DID document as resolvers fetch it: any origin may read it, caches keep it for
    five minutes."""
    response = JsonResponse(document, content_type="application/did+json")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


STATUS_LIST_MAX_AGE = 30
"""Seconds a cache may keep a status list: short, so a revocation shows within a minute
at most; a conditional request (If-None-Match) costs the server almost nothing."""


def status_list_credential(request: HttpRequest, public_id: str) -> HttpResponse:
    """``/status/<public id>``: the list's last signed BitstringStatusListCredential,
    with an ETag (a hash of the body) and a short public cache lifetime."""
    status_list = StatusList.objects.filter(public_id=public_id).first()
    if status_list is None or status_list.credential is None:
        raise Http404("no status list here")
    body = json.dumps(status_list.credential, separators=(",", ":"), sort_keys=True).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/vc+ld+json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={STATUS_LIST_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


JSON_MEDIA_TYPES = ("application/json", "application/ld+json")


def achievement_document(request: HttpRequest, public_id: str, number: int) -> HttpResponse:
    """``/definitions/<def id>/v<n>``: the ``id`` of the Achievement in every credential
    awarded under that version. A browser is sent to the definition's catalogue page while
    the definition is published; a client asking for JSON (or any client, once the
    definition is retired) gets the Achievement as JSON-LD, as awarded. Versions never
    published are not found."""
    version = (
        DefinitionVersion.objects.filter(
            definition__public_id=public_id, number=number, status__in=FROZEN_STATUSES
        )
        .select_related("definition", "definition__organisation")
        .first()
    )
    if version is None:
        raise Http404("no published micro-credential version here")
    definition = version.definition
    wants_json = any(kind in request.headers.get("Accept", "") for kind in JSON_MEDIA_TYPES)
    in_catalogue = definition.published_version_id is not None and definition.retired_at is None
    if not wants_json and in_catalogue and version.status != DefinitionStatus.RETIRED:
        found = redirect(reverse("web:catalogue-entry", args=[definition.public_id]))
        found["Vary"] = "Accept"
        return found
    document = {
        "@context": [CREDENTIALS_V2, OB_V3P0_CONTEXT, ELM_CONTEXT],
        **achievement_with_eu_elements(version),
    }
    response = JsonResponse(document, content_type="application/ld+json")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept"
    return response
