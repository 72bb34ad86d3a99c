"""Retrieve Verification Method (VC Data Integrity §4 / Controlled Identifiers §3.3) and
issuer binding.

A proof names its key by URL (``verificationMethod``). :func:`resolve_verification_method`
turns that URL into a public key: did:key locally, did:web and HTTPS controller documents
through a :class:`~credstack.standards.fetch.Fetcher`. A valid signature only proves the
key signed; :func:`check_issuer_binding` says whether that key belongs to the credential's
issuer: ``confirmed``, ``not_confirmed`` (nothing could be checked) or ``failed`` (a
document contradicts it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urldefrag

from credstack.standards.errors import DidResolutionError, FetchError, KeyFormatError
from credstack.standards.fetch import Fetcher
from credstack.standards.keys.did_key import resolve_did_key
from credstack.standards.keys.did_web import DocumentUnavailableError, resolve_did_web
from credstack.standards.keys.multikey import (
    PublicKey,
    public_key_from_multibase,
    public_key_from_verification_method,
)

INVALID_VERIFICATION_METHOD_URL = "INVALID_VERIFICATION_METHOD_URL"
INVALID_VERIFICATION_METHOD = "INVALID_VERIFICATION_METHOD"
INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID = "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID"

RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)
SUPPORTED_DID_METHODS = ("key", "web")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")

BindingStatus = Literal["confirmed", "not_confirmed", "failed"]


@dataclass(frozen=True)
class ResolvedVerificationMethod:
    """A verification method and where it came from.

    ``source`` is the document the method was found in (a DID document, a controller
    document or the method itself), ``source_url`` where it was read. ``listed`` is False
    when no document could be retrieved and the key was decoded from the URL's fragment
    (``https://…#z6Mk…``): the key is then only what the proof claims, and
    ``unavailable_reason`` says why the document could not be read. ``relationships``
    holds the verification relationships (assertionMethod, …) the source lists it under.
    """

    id: str
    type: str
    controller: str | None
    public_key: PublicKey
    source: Mapping[str, Any] | None
    source_url: str
    listed: bool = True
    relationships: frozenset[str] = field(default_factory=frozenset)
    unavailable_reason: str | None = None

    def allows(self, proof_purpose: str) -> bool:
        """Whether the source document lists the method for ``proof_purpose``."""
        return proof_purpose in self.relationships


@dataclass(frozen=True)
class IssuerBinding:
    """Whether the signing key belongs to the issuer, with a message a person can read."""

    status: BindingStatus
    message: str

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"


def resolve_verification_method(vm_id: str, *, fetcher: Fetcher) -> ResolvedVerificationMethod:
    """Retrieve the verification method ``vm_id`` names.

    1. ``vm_id`` must be an absolute URL: no scheme, or a scheme other than ``did``,
       ``https`` or ``http``, raises DidResolutionError (INVALID_VERIFICATION_METHOD_URL).
    2. ``did:key``: resolved locally; a bare did:key names its only method.
       ``did:web``: the DID document is fetched and checked. Other DID methods raise
       DidResolutionError (``methodNotSupported``).
    3. HTTP(S): the document at the URL without its fragment is fetched. It is either the
       method itself (its ``id`` is ``vm_id``) or a controller document whose ``id`` is
       the URL and which lists the method (``verificationMethod`` or a relationship).
    4. If the document cannot be retrieved and the fragment is a Multikey (``#z6Mk…``),
       the key is taken from the fragment with ``listed=False``; otherwise a document
       that cannot be retrieved raises DocumentUnavailableError (``notFound``).
    5. A retrieved document that does not list the method raises DidResolutionError
       (INVALID_VERIFICATION_METHOD); a malformed key raises KeyFormatError.
    """
    if not isinstance(vm_id, str):
        raise TypeError("a verification method id must be a string")
    if not _SCHEME.match(vm_id):
        raise DidResolutionError(
            f"the verification method {vm_id!r} is not a URL: it has no scheme "
            "(expected did:…, or https://…)",
            code=INVALID_VERIFICATION_METHOD_URL,
        )
    scheme = vm_id.split(":", 1)[0].lower()
    if scheme == "did":
        return _resolve_did_url(vm_id, fetcher)
    if scheme in ("https", "http"):
        return _resolve_http_url(vm_id, fetcher)
    if scheme == "urn" and "#" in vm_id:
        # A URN names no document to fetch; some issuers (1EdTech's CLR fixtures) still put
        # the key in the fragment. It can check the signature, never confirm the binding.
        document_urn, fragment = urldefrag(vm_id)
        unavailable = DocumentUnavailableError(
            f"the verification method {vm_id} is a URN: there is no document to retrieve"
        )
        return _from_fragment(vm_id, document_urn, fragment, unavailable)
    raise DidResolutionError(
        f"the verification method {vm_id!r} uses the unsupported URL scheme {scheme!r} "
        "(supported: did:key, did:web, https)",
        code=INVALID_VERIFICATION_METHOD_URL,
    )


def _resolve_did_url(vm_id: str, fetcher: Fetcher) -> ResolvedVerificationMethod:
    did, _, fragment = vm_id.partition("#")
    parts = did.split(":")
    method = parts[1] if len(parts) > 2 else ""
    if not method or not re.fullmatch(r"[a-z0-9]+", method):
        raise DidResolutionError(f"{vm_id!r} is not a valid DID URL", code="invalidDid")
    if method not in SUPPORTED_DID_METHODS:
        raise DidResolutionError(
            f"the DID method {method!r} of {vm_id} is not supported "
            "(credstack resolves did:key and did:web)",
            code="methodNotSupported",
        )
    if "?" in did or "/" in did:
        raise DidResolutionError(
            f"{vm_id!r}: DID URLs with a path or query are not supported", code="invalidDidUrl"
        )
    if method == "key":
        document = resolve_did_key(did)
        if not fragment:
            # A bare did:key names its one verification method.
            vm_id = document["verificationMethod"][0]["id"]
        return _method_from_document(vm_id, document, did)
    try:
        document = resolve_did_web(did, fetcher)
    except DocumentUnavailableError as error:
        return _from_fragment(vm_id, did, fragment, error)
    if not fragment:
        raise DidResolutionError(
            f"{vm_id} names a DID, not one of its verification methods (no fragment)",
            code=INVALID_VERIFICATION_METHOD_URL,
        )
    return _method_from_document(vm_id, document, did)


def _resolve_http_url(vm_id: str, fetcher: Fetcher) -> ResolvedVerificationMethod:
    document_url, fragment = urldefrag(vm_id)
    try:
        document = fetcher.get_json(document_url)
    except FetchError as error:
        unavailable = DocumentUnavailableError(
            f"the document of verification method {vm_id} could not be retrieved: {error}"
        )
        return _from_fragment(vm_id, document_url, fragment, unavailable)
    if not isinstance(document, dict):
        raise DidResolutionError(
            f"the document at {document_url} is not a JSON object",
            code=INVALID_VERIFICATION_METHOD,
        )
    if document.get("id") == vm_id:
        public_key = public_key_from_verification_method(document)
        controller = document.get("controller")
        return ResolvedVerificationMethod(
            id=vm_id,
            type=str(document.get("type", "")),
            controller=controller if isinstance(controller, str) else None,
            public_key=public_key,
            source=document,
            source_url=document_url,
        )
    if document.get("id") != document_url:
        raise DidResolutionError(
            f"the document at {document_url} has the id {document.get('id')!r}; a controller "
            "document's id must be its URL",
            code=INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID,
        )
    return _method_from_document(vm_id, document, document_url)


def _from_fragment(
    vm_id: str, document_url: str, fragment: str, unavailable: DidResolutionError
) -> ResolvedVerificationMethod:
    """The key a ``#z…`` fragment encodes, when its document cannot be retrieved."""
    if not fragment.startswith("z"):
        raise unavailable
    try:
        public_key = public_key_from_multibase(fragment)
    except KeyFormatError as error:
        raise DidResolutionError(
            f"the verification method {vm_id} could not be retrieved and its fragment is not "
            f"a valid Multikey public key ({error}); {unavailable.message}",
            code=INVALID_VERIFICATION_METHOD,
        ) from error
    return ResolvedVerificationMethod(
        id=vm_id,
        type="Multikey",
        controller=None,
        public_key=public_key,
        source=None,
        source_url=document_url,
        listed=False,
        unavailable_reason=unavailable.message,
    )


def find_verification_method(
    document: Mapping[str, Any], vm_id: str
) -> tuple[Mapping[str, Any] | None, frozenset[str]]:
    """The method object with id ``vm_id`` in a controller/DID document, and the
    relationships that list it (by reference or embedded). Relative ids (``#key-1``) are
    read against the document's ``id``."""
    base = document.get("id") if isinstance(document.get("id"), str) else ""

    def absolute(reference: object) -> object:
        if isinstance(reference, str) and reference.startswith("#"):
            return f"{base}{reference}"
        return reference

    found: Mapping[str, Any] | None = None
    relationships: set[str] = set()
    for name in ("verificationMethod", *RELATIONSHIPS):
        entries = document.get(name, [])
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, Mapping) and absolute(entry.get("id")) == vm_id:
                found = found or entry
                if name != "verificationMethod":
                    relationships.add(name)
            elif absolute(entry) == vm_id and name != "verificationMethod":
                relationships.add(name)
    return found, frozenset(relationships)


def _method_from_document(
    vm_id: str, document: Mapping[str, Any], document_url: str
) -> ResolvedVerificationMethod:
    method, relationships = find_verification_method(document, vm_id)
    if method is None:
        raise DidResolutionError(
            f"the document at {document_url} does not list the verification method {vm_id}",
            code=INVALID_VERIFICATION_METHOD,
        )
    public_key = public_key_from_verification_method(method)
    controller = method.get("controller")
    return ResolvedVerificationMethod(
        id=vm_id,
        type=str(method.get("type", "")),
        controller=controller if isinstance(controller, str) else None,
        public_key=public_key,
        source=document,
        source_url=document_url,
        relationships=relationships,
    )


# Issuer binding

_FRAGMENT_ONLY = (
    "the key is only given in the verification method's URL; the issuer's document could "
    "not be fetched to confirm it belongs to the issuer"
)


def check_issuer_binding(
    issuer_id: str | None, method: ResolvedVerificationMethod, *, fetcher: Fetcher
) -> IssuerBinding:
    """Whether ``method`` belongs to the issuer ``issuer_id``.

    1. A method whose stated controller is not the issuer: ``failed`` (a did:key method
       with an issuer that names no document, such as ``urn:uuid:…``: ``not_confirmed``).
    2. A did:key issuer: ``confirmed`` when the method is that did:key's own key.
    3. A did:web or HTTP(S) issuer: its DID document or profile is read (the method's own
       source when that is the issuer's document, else through ``fetcher``); ``confirmed``
       when it lists the method under assertionMethod, ``failed`` when it does not or is
       for someone else, ``not_confirmed`` when it cannot be retrieved.
    4. Any other issuer id (``urn:uuid:…``): ``not_confirmed``, nothing can be checked.
    """
    if not isinstance(issuer_id, str) or not issuer_id:
        return IssuerBinding("failed", "the credential names no issuer id to bind the key to")
    method_base = method.id.partition("#")[0]
    resolvable_issuer = issuer_id.startswith(("did:", "https:", "http:"))

    if method.controller is not None and method.controller != issuer_id:
        if method.id.startswith("did:key:") and not resolvable_issuer:
            return IssuerBinding(
                "not_confirmed",
                f"the key is the did:key {method_base}, but the issuer is {issuer_id}, an id "
                "with no document that could say which keys are its own",
            )
        return IssuerBinding(
            "failed",
            f"the key {method.id} is controlled by {method.controller}, not by the issuer "
            f"{issuer_id}",
        )

    if issuer_id.startswith("did:key:"):
        if method_base == issuer_id:
            return IssuerBinding("confirmed", f"the issuer {issuer_id} is the signing key itself")
        return IssuerBinding(
            "failed", f"the issuer {issuer_id} is a did:key, but the key is {method.id}"
        )

    if issuer_id.startswith("did:") and not issuer_id.startswith("did:web:"):
        return IssuerBinding(
            "not_confirmed",
            f"the issuer's DID method cannot be resolved by credstack ({issuer_id}), so "
            f"nothing says whether the key {method.id} is the issuer's",
        )

    if not resolvable_issuer:
        return IssuerBinding(
            "not_confirmed",
            f"the issuer id {issuer_id} cannot be resolved, so nothing says whether the key "
            f"{method.id} is the issuer's",
        )

    issuer_document: Mapping[str, Any] | None = None
    if method.listed and method.source is not None and method.source.get("id") == issuer_id:
        issuer_document = method.source
    elif not method.listed and method_base == urldefrag(issuer_id).url:
        # The issuer's document is the one that just could not be retrieved.
        return IssuerBinding("not_confirmed", _FRAGMENT_ONLY)
    else:
        try:
            issuer_document = _issuer_document(issuer_id, fetcher)
        except DocumentUnavailableError as error:
            message = (
                _FRAGMENT_ONLY
                if not method.listed
                else (f"the issuer's document could not be retrieved to confirm the key: {error}")
            )
            return IssuerBinding("not_confirmed", message)
        except DidResolutionError as error:
            return IssuerBinding("failed", f"the issuer's document is not valid: {error}")

    _found, relationships = find_verification_method(issuer_document, method.id)
    if "assertionMethod" in relationships:
        return IssuerBinding(
            "confirmed", f"the issuer {issuer_id} lists the key {method.id} as an assertion method"
        )
    return IssuerBinding(
        "failed",
        f"the issuer's document ({issuer_id}) does not list the key {method.id} under "
        "assertionMethod",
    )


def _issuer_document(issuer_id: str, fetcher: Fetcher) -> Mapping[str, Any]:
    if issuer_id.startswith("did:web:"):
        return resolve_did_web(issuer_id, fetcher)
    url = urldefrag(issuer_id).url
    try:
        document = fetcher.get_json(url)
    except FetchError as error:
        raise DocumentUnavailableError(
            f"the issuer's profile {url} could not be retrieved: {error}"
        ) from error
    if not isinstance(document, dict):
        raise DidResolutionError(f"the issuer's profile at {url} is not a JSON object")
    if document.get("id") != issuer_id:
        raise DidResolutionError(
            f"the profile at {url} is for {document.get('id')!r}, not {issuer_id}",
            code=INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID,
        )
    return document
