"""Keys and identifiers: Multikey, did:key, did:web and verification method retrieval."""

from __future__ import annotations

from credstack.standards.keys.did_key import (
    did_key_from_public_key,
    resolve_did_key,
    verification_method_id,
)
from credstack.standards.keys.did_web import (
    DocumentUnavailableError,
    did_web_document,
    did_web_to_url,
    resolve_did_web,
)
from credstack.standards.keys.multikey import (
    Ed25519KeyPair,
    PublicKey,
    public_key_from_jwk,
    public_key_from_multibase,
    public_key_from_verification_method,
)
from credstack.standards.keys.verification_method import (
    IssuerBinding,
    ResolvedVerificationMethod,
    check_issuer_binding,
    resolve_verification_method,
)

__all__ = [
    "DocumentUnavailableError",
    "Ed25519KeyPair",
    "IssuerBinding",
    "PublicKey",
    "ResolvedVerificationMethod",
    "check_issuer_binding",
    "did_key_from_public_key",
    "did_web_document",
    "did_web_to_url",
    "public_key_from_jwk",
    "public_key_from_multibase",
    "public_key_from_verification_method",
    "resolve_did_key",
    "resolve_did_web",
    "resolve_verification_method",
    "verification_method_id",
]
