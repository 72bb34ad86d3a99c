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


class InstanceClientFetcher:
    """A trust-core Fetcher that answers from this instance's own views through the
    Django test client, as a remote verifier would see them over HTTP."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.requested: list[str] = []

    def _get(self, url: str) -> bytes:
        from credstack.standards.errors import FetchError

        self.requested.append(url)
        address = url.split("#", 1)[0]
        if not address.startswith(base_url() + "/"):
            raise FetchError(f"{url} is not on this instance")
        response = self.client.get(address[len(base_url()) :])
        if response.status_code != 200:
            raise FetchError(f"{url} answered {response.status_code}")
        return bytes(response.content)

    def get_json(self, url: str) -> Any:
        import json

        return json.loads(self._get(url))

    def get_bytes(self, url: str, *, max_bytes: int | None = None) -> bytes:
        return self._get(url)
