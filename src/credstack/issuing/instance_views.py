"""The instance's own DID document: ``/.well-known/did.json`` (``/did.json`` when the
instance's base URL has a path), read by anyone verifying what the instance signed."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse

from credstack.issuing.instance_identity import instance_did_document, instance_did_document_path
from credstack.issuing.views import did_document_response


def instance_did_document_view(request: HttpRequest) -> JsonResponse:
    """The instance's did:web DID document with every key it ever had; 404 on a local
    instance (its did:key needs no document), before it has a key, and at the one of
    the two addresses its did:web does not resolve to."""
    if request.path_info.lstrip("/") != instance_did_document_path():
        raise Http404("no DID document here")
    document = instance_did_document()
    if document is None:
        raise Http404("no DID document here")
    return did_document_response(document)
