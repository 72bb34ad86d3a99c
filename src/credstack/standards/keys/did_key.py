"""The did:key method (W3C CCG did:key v0.9): a DID that is its own public key.

``did:key:<publicKeyMultibase>`` resolves locally, without a network, to a DID document
with one Multikey verification method ``did:key:z…#z…`` listed under every verification
relationship. Ed25519 (``z6Mk…``), P-256 (``zDn…``) and P-384 (``z82…``) keys are
supported; X25519 key agreement keys are not derived. Errors are DidResolutionError with
the DID Resolution / did:key error codes: ``invalidDid``, ``methodNotSupported``,
``invalidPublicKey``, ``invalidPublicKeyLength``, ``unsupportedPublicKeyType``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from credstack.standards.errors import DidResolutionError, KeyFormatError
from credstack.standards.jsonld.document_loader import DID_V1, MULTIKEY_V1
from credstack.standards.keys.multikey import (
    ED25519_PUB,
    P256_PUB,
    P384_PUB,
    Ed25519KeyPair,
    PublicKey,
    decode_multibase,
    decode_multicodec,
    public_key_from_multibase,
    public_key_to_multibase,
)

DID_KEY_PREFIX = "did:key:"
VERIFICATION_RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)
_EXPECTED_LENGTHS = {ED25519_PUB: 32, P256_PUB: 33, P384_PUB: 49}
_MULTIBASE_VALUE = re.compile(r"z[1-9A-HJ-NP-Za-km-z]+")
_DID_SYNTAX = re.compile(r"did:[a-z0-9]+:.+")


def did_key_from_public_key(key: Ed25519KeyPair | PublicKey) -> str:
    """``did:key:`` followed by the key's Multikey ``publicKeyMultibase``."""
    public_key = key.public_key if isinstance(key, Ed25519KeyPair) else key
    return DID_KEY_PREFIX + public_key_to_multibase(public_key)


def verification_method_id(did: str) -> str:
    """The id of a did:key's verification method: ``did:key:z6Mk…#z6Mk…``."""
    return f"{did}#{_method_specific_id(did)}"


def public_key_of_did_key(did: str) -> PublicKey:
    """The public key a did:key encodes (DidResolutionError if it is not a valid one)."""
    if not isinstance(did, str):
        raise TypeError("a DID must be a string")
    return _did_key_material(did)[0]


@lru_cache(maxsize=1024)
def _did_key_material(did: str) -> tuple[PublicKey, str]:
    """The key of a valid did:key and its ``publicKeyMultibase``, remembered per DID (the
    last 1,024): resolving is pure, and both are immutable. Errors are not remembered."""
    public_key = _decode_did_key(did)
    return public_key, public_key_to_multibase(public_key)


def _decode_did_key(did: str) -> PublicKey:
    multibase_value = _method_specific_id(did)
    try:
        code, raw = decode_multicodec(decode_multibase(multibase_value))
    except KeyFormatError as error:
        raise DidResolutionError(
            f"{did} is not a valid did:key: {error}", code="invalidDid"
        ) from error
    expected = _EXPECTED_LENGTHS.get(code)
    if expected is None:
        raise DidResolutionError(
            f"{did} holds a key type credstack does not support (multicodec 0x{code:x}); "
            "supported: Ed25519, P-256, P-384",
            code="unsupportedPublicKeyType",
        )
    if len(raw) != expected:
        raise DidResolutionError(
            f"{did} holds a key of {len(raw)} bytes where {expected} are expected",
            code="invalidPublicKeyLength",
        )
    try:
        return public_key_from_multibase(multibase_value)
    except KeyFormatError as error:
        raise DidResolutionError(
            f"{did} does not hold a valid public key: {error}", code="invalidPublicKey"
        ) from error


def resolve_did_key(did: str) -> dict[str, Any]:
    """The DID document of ``did`` (a DID, not a DID URL), built locally.

    1. Check the syntax: ``did:key:`` + a base58btc multibase value, else ``invalidDid``
       (another DID method is ``methodNotSupported``).
    2. Decode the key (see :func:`public_key_of_did_key`).
    3. Build the document: one Multikey method ``did#<multibase>`` controlled by the DID,
       referenced from authentication, assertionMethod, capabilityInvocation and
       capabilityDelegation.
    """
    if not isinstance(did, str):
        raise TypeError("a DID must be a string")
    _public_key, public_key_multibase = _did_key_material(did)
    method_id = verification_method_id(did)
    method = {
        "id": method_id,
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": public_key_multibase,
    }
    document: dict[str, Any] = {"@context": [DID_V1, MULTIKEY_V1], "id": did}
    document["verificationMethod"] = [method]
    for relationship in VERIFICATION_RELATIONSHIPS:
        document[relationship] = [method_id]
    return document


def _method_specific_id(did: str) -> str:
    if not isinstance(did, str):
        raise TypeError("a DID must be a string")
    if not did.startswith(DID_KEY_PREFIX):
        if _DID_SYNTAX.fullmatch(did):
            raise DidResolutionError(
                f"{did} is not a did:key (method {did.split(':')[1]!r})",
                code="methodNotSupported",
            )
        raise DidResolutionError(f"{did!r} is not a DID", code="invalidDid")
    value = did[len(DID_KEY_PREFIX) :]
    if not _MULTIBASE_VALUE.fullmatch(value):
        raise DidResolutionError(
            f"{did!r} is not a valid did:key: the method-specific id must be a base58btc "
            "multibase value ('z…') with no path, query or fragment",
            code="invalidDid",
        )
    return value
