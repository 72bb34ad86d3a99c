"""A trust-core Fetcher that answers this instance's own documents from the database.

Verifying an award of this instance needs two things the instance itself publishes: the
organisation's did:web DID document (``<base>/orgs/<slug>/did.json``) and the signed
status lists (``<base>/status/<id>``); verifying an award by its link (the QR code's)
needs a third, the award's JSON download (``<base>/c/<id>/json``); what the instance
signs in its own name (a wallet's CLR export) needs the instance's DID document
(``<base>/.well-known/did.json``, see ``instance_identity``). Reading them over
HTTP would make every public award page call its own server, and would not work at all
on a local instance (an ``http://127.0.0.1`` base URL, which the network fetcher
refuses). So
:class:`InstanceFetcher` serves those URLs from the database, exactly as the views
serve them, and hands every other URL to the fallback fetcher.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urldefrag, urlsplit

from credstack.accounts.models import Organisation
from credstack.issuing.identifiers import base_url, did_document
from credstack.issuing.instance_identity import instance_did_document, instance_did_document_path
from credstack.issuing.models import Award, StatusList
from credstack.standards.fetch import Fetcher, FetchStatusError, FetchTooLargeError

_STATUS_LIST = re.compile(r"status/(?P<public_id>[A-Za-z0-9_-]{1,32})")
_DID_DOCUMENT = re.compile(r"orgs/(?P<slug>[-a-zA-Z0-9_]{1,100})/did\.json")
# The award's JSON download, and its public page (the address learners share), which
# answers a client asking for JSON with the credential too.
_AWARD_JSON = re.compile(r"c/(?P<public_id>[A-Za-z0-9_-]{1,32})/(?:json)?")

_NOT_LOCAL = object()


def _origin_and_path(url: str) -> tuple[tuple[str, str, int | None], str] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port), parts.path


class InstanceFetcher:
    """Serves this instance's status lists, DID documents and awards' JSON from the database; every
    other URL goes to ``fallback``. A URL of this instance that names no such document
    is a 404 (FetchStatusError), never a request to the network."""

    def __init__(self, fallback: Fetcher) -> None:
        self.fallback = fallback
        base = _origin_and_path(base_url())
        assert base is not None, "CREDSTACK_BASE_URL is checked by the settings"
        self._origin, base_path = base
        self._prefix = base_path.rstrip("/") + "/"

    def _local(self, url: str) -> Any:
        """The document at ``url`` when it is one of this instance's, else _NOT_LOCAL."""
        address = _origin_and_path(urldefrag(url).url)
        if address is None or address[0] != self._origin:
            return _NOT_LOCAL
        path = address[1]
        if not path.startswith(self._prefix):
            return _NOT_LOCAL
        rest = path[len(self._prefix) :]
        if match := _STATUS_LIST.fullmatch(rest):
            credential = (
                StatusList.objects.filter(public_id=match["public_id"])
                .values_list("credential", flat=True)
                .first()
            )
            if credential is None:
                raise FetchStatusError(f"{url} answered 404: no such status list", status=404)
            return credential
        if match := _DID_DOCUMENT.fullmatch(rest):
            organisation = Organisation.objects.filter(slug=match["slug"]).first()
            document = did_document(organisation) if organisation is not None else None
            if document is None:
                raise FetchStatusError(f"{url} answered 404: no DID document there", status=404)
            return document
        if match := _AWARD_JSON.fullmatch(rest):
            credential = (
                Award.objects.filter(public_id=match["public_id"])
                .values_list("credential", flat=True)
                .first()
            )
            if credential is None:
                raise FetchStatusError(f"{url} answered 404: no such award", status=404)
            return credential
        if rest == instance_did_document_path():
            document = instance_did_document()
            if document is None:
                raise FetchStatusError(f"{url} answered 404: no DID document there", status=404)
            return document
        return _NOT_LOCAL

    def get_json(self, url: str) -> Any:
        document = self._local(url)
        if document is _NOT_LOCAL:
            return self.fallback.get_json(url)
        return document

    def get_bytes(self, url: str, *, max_bytes: int | None = None) -> bytes:
        document = self._local(url)
        if document is _NOT_LOCAL:
            return self.fallback.get_bytes(url, max_bytes=max_bytes)
        body = json.dumps(document, separators=(",", ":"), sort_keys=True).encode("utf-8")
        if max_bytes is not None and len(body) > max_bytes:
            raise FetchTooLargeError(
                f"the document at {url} is {len(body)} bytes, more than the limit of {max_bytes}"
            )
        return body
