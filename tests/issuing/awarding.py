"""Helpers for the award tests: a fetcher serving what this instance publishes."""

from __future__ import annotations

from typing import Any

from credstack.issuing.identifiers import base_url, did_document
from credstack.issuing.models import Award, StatusList
from credstack.issuing.status_lists import status_list_url
from credstack.standards.fetch import StaticFetcher


def instance_fetcher(award: Award) -> StaticFetcher:
    """Serves the organisation's DID document (on a did:web instance) and the current
    signed status lists, as the instance would over HTTP."""
    documents: dict[str, Any] = {}
    organisation = award.organisation
    document = did_document(organisation)
    if document is not None:
        documents[f"{base_url()}/orgs/{organisation.slug}/did.json"] = document
    for status_list in StatusList.objects.filter(organisation=organisation):
        documents[status_list_url(status_list)] = status_list.credential
    return StaticFetcher(documents)
