"""Public, unauthenticated pages of the issuing app."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse

from credstack.accounts.models import Organisation
from credstack.issuing.identifiers import did_document


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
