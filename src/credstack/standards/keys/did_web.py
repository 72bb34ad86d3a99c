"""The did:web method (W3C CCG did:web Method Specification).

``did:web:example.com`` is published at ``https://example.com/.well-known/did.json``;
``did:web:example.com%3A8443:issuers:42`` at ``https://example.com:8443/issuers/42/did.json``.
This module maps DIDs to URLs, builds the DID document credstack serves for its issuers,
and resolves a did:web through a :class:`~credstack.standards.fetch.Fetcher`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Any

from credstack.standards.errors import DidResolutionError, FetchError
from credstack.standards.fetch import Fetcher
from credstack.standards.jsonld.document_loader import DID_V1, MULTIKEY_V1
from credstack.standards.keys.multikey import (
    Ed25519KeyPair,
    PublicKey,
    public_key_to_multibase,
)

DID_WEB_PREFIX = "did:web:"
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
# did:web path segments: DID idchar (ALPHA / DIGIT / "." / "-" / "_" / pct-encoded).
_SEGMENT = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+")


class DocumentUnavailableError(DidResolutionError):
    """The DID document or controller document could not be retrieved (network, HTTP
    status, offline mode). Distinct from a document that was retrieved and is wrong."""

    code = "notFound"


def did_web_to_url(did: str) -> str:
    """The HTTPS URL of ``did``'s DID document.

    1. The method-specific id is split on ``:``; the first part is the domain, where
       ``%3A`` encodes a port; IP addresses are not allowed.
    2. The other parts are path segments (``/.well-known`` when there are none).
    3. ``/did.json`` is appended.

    Raises DidResolutionError (``invalidDid``) for anything that is not a did:web DID
    (a DID URL with path, query or fragment included).
    """
    if not isinstance(did, str):
        raise TypeError("a DID must be a string")
    if not did.startswith(DID_WEB_PREFIX):
        raise DidResolutionError(f"{did!r} is not a did:web DID", code="invalidDid")
    parts = did[len(DID_WEB_PREFIX) :].split(":")
    authority, segments = parts[0], parts[1:]
    host, _, port = authority.replace("%3a", "%3A").partition("%3A")
    if not _is_domain_name(host):
        raise DidResolutionError(
            f"{did!r} is not a valid did:web: {host!r} is not a domain name", code="invalidDid"
        )
    if port and (not port.isdigit() or not 0 < int(port) < 65536):
        raise DidResolutionError(
            f"{did!r} is not a valid did:web: {port!r} is not a port", code="invalidDid"
        )
    for segment in segments:
        if not _SEGMENT.fullmatch(segment) or segment in (".", ".."):
            raise DidResolutionError(
                f"{did!r} is not a valid did:web: bad path segment {segment!r}",
                code="invalidDid",
            )
    path = "/".join(segments) if segments else ".well-known"
    netloc = f"{host.lower()}:{port}" if port else host.lower()
    return f"https://{netloc}/{path}/did.json"


def _is_domain_name(host: str) -> bool:
    if not host or len(host) > 253:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return False
    labels = host.split(".")
    return all(_HOST_LABEL.fullmatch(label) for label in labels) and not labels[-1].isdigit()


def did_web_document(
    did: str,
    public_keys: Sequence[Ed25519KeyPair | PublicKey],
    *,
    key_ids: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The DID document credstack serves for an issuer's did:web.

    ``public_keys`` lists every key whose credentials must still verify: after a rotation,
    keep the older keys (drop only a compromised one). Each becomes a Multikey method,
    referenced from assertionMethod and authentication. ``key_ids`` gives each method's
    fragment (``"key-1"`` or ``"#key-1"``) or full id; by default the fragment is the
    key's ``publicKeyMultibase``, which never changes meaning. Secrets are never included.
    """
    did_web_to_url(did)  # refuses anything that is not a did:web
    if not public_keys:
        raise ValueError("a DID document needs at least one key")
    if key_ids is not None and len(key_ids) != len(public_keys):
        raise ValueError("give one key id per key")
    methods: list[dict[str, str]] = []
    for index, key in enumerate(public_keys):
        public_key = key.public_key if isinstance(key, Ed25519KeyPair) else key
        multibase_value = public_key_to_multibase(public_key)
        key_id = key_ids[index] if key_ids is not None else multibase_value
        if not key_id.startswith(did + "#"):
            key_id = f"{did}#{key_id.removeprefix('#')}"
        methods.append(
            {
                "id": key_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multibase_value,
            }
        )
    ids = [method["id"] for method in methods]
    if len(set(ids)) != len(ids):
        raise ValueError("key ids must be unique")
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": list(ids),
    }


def resolve_did_web(did: str, fetcher: Fetcher) -> dict[str, Any]:
    """Fetch and check ``did``'s DID document.

    Raises DocumentUnavailableError (``notFound``) when the fetcher fails, and
    DidResolutionError (``invalidDidDocument``) when the document is not a JSON object or
    its ``id`` is not ``did``.
    """
    url = did_web_to_url(did)
    try:
        document = fetcher.get_json(url)
    except FetchError as error:
        raise DocumentUnavailableError(
            f"the DID document of {did} could not be retrieved from {url}: {error}"
        ) from error
    if not isinstance(document, dict):
        raise DidResolutionError(
            f"the DID document of {did} at {url} is not a JSON object", code="invalidDidDocument"
        )
    if document.get("id") != did:
        raise DidResolutionError(
            f"the DID document at {url} is for {document.get('id')!r}, not {did}",
            code="invalidDidDocument",
        )
    return document
