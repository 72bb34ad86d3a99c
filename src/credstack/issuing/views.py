"""Public, unauthenticated pages of the issuing app."""

from __future__ import annotations

import hashlib
import json

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from credstack.accounts.models import Organisation
from credstack.issuing.identifiers import did_document
from credstack.issuing.models import StatusList


def organisation_did_document(request: HttpRequest, slug: str) -> JsonResponse:
    """``/orgs/<slug>/did.json``: the organisation's did:web DID document (404 on an
    instance without a domain, where issuers use did:key)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    document = did_document(organisation) if organisation is not None else None
    if document is None:
        raise Http404("no did:web DID document here")
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
