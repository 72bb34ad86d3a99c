"""The algorithms the EdDSA cryptosuites share (W3C Data Integrity EdDSA Cryptosuites v1.0).

Each cryptosuite differs only in how it canonicalizes (Transformation, and the
canonical form used by Proof Configuration): RDFC-1.0 for ``eddsa-rdfc-2022`` and
``Ed25519Signature2020``, JCS for ``eddsa-jcs-2022``. Hashing, Proof Serialization and
Proof Verification are the same and live here, in the specification's words.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from credstack.standards.errors import (
    MalformedProofError,
    ProofGenerationError,
    ProofVerificationError,
)
from credstack.standards.jsonld.compiled import context_key
from credstack.standards.keys.multikey import decode_base58btc, encode_base58btc

# XML Schema 1.1 dateTimeStamp: a dateTime with a mandatory time zone.
DATE_TIME_STAMP = re.compile(
    r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?"
    r"(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$"
)
SIGNATURE_LENGTH = 64

Canonicalizer = Callable[[Mapping[str, Any]], bytes]


@dataclass(frozen=True)
class Cryptosuite:
    """One EdDSA cryptosuite: its proof ``type``, its ``cryptosuite`` name, and how it
    canonicalizes a document (used for both the document and the proof configuration)."""

    name: str
    proof_type: str
    canonicalize: Canonicalizer
    # eddsa-jcs-2022 keeps the document's @context in the proof it creates (its proof is
    # then self-describing JSON); the RDFC suites do not.
    proof_carries_context: bool = False
    # A second canonical form that serializes the same data and that other
    # implementations sign over; tried only when the signature fails the first.
    alternative_canonicalize: Canonicalizer | None = None

    def with_canonicalizer(self, canonicalize: Canonicalizer) -> Cryptosuite:
        return Cryptosuite(self.name, self.proof_type, canonicalize, self.proof_carries_context)

    def check_options(self, options: Mapping[str, Any]) -> None:
        """Refuse proof options that do not belong to this suite (PROOF_TRANSFORMATION_ERROR)."""
        if options.get("type") != self.proof_type:
            raise MalformedProofError(
                f"proof type {options.get('type')!r} is not {self.proof_type!r}",
                code="PROOF_TRANSFORMATION_ERROR",
            )
        if self.proof_type == "DataIntegrityProof" and options.get("cryptosuite") != self.name:
            raise MalformedProofError(
                f"cryptosuite {options.get('cryptosuite')!r} is not {self.name!r}",
                code="PROOF_TRANSFORMATION_ERROR",
            )

    def transform(self, unsecured_document: Mapping[str, Any], options: Mapping[str, Any]) -> bytes:
        """Transformation: the canonical form of the document without its proof."""
        self.check_options(options)
        return self.canonicalize(unsecured_document)

    def configure_proof(
        self, options: Mapping[str, Any], unsecured_document: Mapping[str, Any]
    ) -> bytes:
        """Proof Configuration: the canonical proof options, under the document's @context."""
        self.check_options(options)
        created = options.get("created")
        if created is not None and (
            not isinstance(created, str) or not DATE_TIME_STAMP.match(created)
        ):
            raise MalformedProofError(
                f"proof created {created!r} is not an XML Schema dateTimeStamp",
                code="PROOF_GENERATION_ERROR",
            )
        proof_config = {k: v for k, v in options.items() if k != "proofValue"}
        if "@context" in unsecured_document:
            proof_config["@context"] = unsecured_document["@context"]
        key = _proof_config_key(proof_config)
        if key is None:
            return self.canonicalize(proof_config)
        return _canonical_proof_config(self.canonicalize, key)


# Proof configurations repeat: an issuer signs a batch with one key in the same second,
# and a verifier meets that batch. Their canonical form is remembered, keyed by the
# canonicalizer and every member of the configuration, so a hit is exactly what
# canonicalizing would give. Members must be strings, except @context: a list of URLs,
# or a context holding inline objects (the platform's awards carry one), named by the
# exact JSON text compiled.context_key gives it (recognised by comparison when seen
# recently, so a batch pays about 2 us for a key instead of about 20 us to
# canonicalize).
@dataclass(frozen=True)
class InlineContextKey:
    """An @context with inline objects, by its exact JSON text."""

    json_text: str


ProofConfigKey = tuple[tuple[str, str | tuple[str, ...] | InlineContextKey], ...]


def _proof_config_key(proof_config: Mapping[str, Any]) -> ProofConfigKey | None:
    key: list[tuple[str, str | tuple[str, ...] | InlineContextKey]] = []
    for name, value in proof_config.items():
        if type(value) is str:
            key.append((name, value))
        elif name != "@context":
            return None
        elif type(value) is list and all(type(v) is str for v in value):
            key.append((name, tuple(value)))
        elif type(value) is list or type(value) is dict:
            json_text = context_key(value)
            if json_text is None:
                return None
            key.append((name, InlineContextKey(json_text)))
        else:
            return None
    return tuple(key)


@lru_cache(maxsize=256)
def _canonical_proof_config(canonicalize: Canonicalizer, key: ProofConfigKey) -> bytes:
    proof_config: dict[str, Any] = {}
    for name, value in key:
        if type(value) is tuple:
            proof_config[name] = list(value)
        elif isinstance(value, InlineContextKey):
            proof_config[name] = json.loads(value.json_text)
        else:
            proof_config[name] = value
    return canonicalize(proof_config)


def hash_data(transformed_document: bytes, canonical_proof_config: bytes) -> bytes:
    """Hashing: SHA-256 of the proof configuration followed by SHA-256 of the document."""
    return (
        hashlib.sha256(canonical_proof_config).digest()
        + hashlib.sha256(transformed_document).digest()
    )


def serialize_proof(hash_data: bytes, private_key: Ed25519PrivateKey) -> str:
    """Proof Serialization: an Ed25519 signature, multibase base58btc (``z…``)."""
    return "z" + encode_base58btc(private_key.sign(hash_data))


def decode_proof_value(proof_value: Any) -> bytes:
    """The signature bytes of a ``proofValue``; MALFORMED_PROOF_ERROR if it is not one."""
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        raise MalformedProofError("proofValue must be a base58btc multibase string (z…)")
    try:
        signature = decode_base58btc(proof_value[1:])
    except ValueError as error:
        raise MalformedProofError(f"proofValue is not valid base58btc: {error}") from None
    if len(signature) != SIGNATURE_LENGTH:
        raise MalformedProofError(
            f"proofValue decodes to {len(signature)} bytes; an Ed25519 signature has 64"
        )
    return signature


def create_proof(
    suite: Cryptosuite,
    unsecured_document: Mapping[str, Any],
    options: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
) -> dict[str, Any]:
    """Create Proof: the proof object (options plus ``proofValue``) for ``unsecured_document``."""
    if "proof" in unsecured_document:
        raise ProofGenerationError("the document to sign must not already contain a proof")
    proof = {k: v for k, v in options.items() if k != "@context"}
    canonical_proof_config = suite.configure_proof(proof, unsecured_document)
    transformed = suite.transform(unsecured_document, proof)
    if suite.proof_carries_context and "@context" in unsecured_document:
        proof["@context"] = unsecured_document["@context"]
    proof["proofValue"] = serialize_proof(
        hash_data(transformed, canonical_proof_config), private_key
    )
    return proof


def verify_proof(
    suite: Cryptosuite,
    unsecured_document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: Ed25519PublicKey,
) -> None:
    """Verify Proof for one proof of a proof set; returns only if the signature holds.

    ``unsecured_document`` is the secured document with its whole ``proof`` removed.
    Raises MalformedProofError for a proof that cannot be checked and
    ProofVerificationError for a signature that does not match.
    """
    signature = decode_proof_value(proof.get("proofValue"))
    proof_options = {k: v for k, v in proof.items() if k != "proofValue"}
    document = dict(unsecured_document)
    if "@context" in proof_options:
        proof_context = _as_list(proof_options.pop("@context"))
        document_context = _as_list(document.get("@context"))
        if document_context[: len(proof_context)] != proof_context:
            raise ProofVerificationError(
                "the proof's @context is not a prefix of the document's @context"
            )
        document["@context"] = proof_options["@context"] = (
            proof_context if len(proof_context) > 1 else proof_context[0]
        )
    if _signature_holds(suite, document, proof_options, signature, public_key):
        return
    alternative = suite.alternative_canonicalize
    if alternative is not None and _signature_holds(
        suite.with_canonicalizer(alternative), document, proof_options, signature, public_key
    ):
        return
    raise ProofVerificationError(
        "the signature does not match the document: it was changed after signing, "
        "or signed with another key"
    )


def _signature_holds(
    suite: Cryptosuite,
    document: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    signature: bytes,
    public_key: Ed25519PublicKey,
) -> bool:
    transformed = suite.transform(document, proof_options)
    canonical_proof_config = suite.configure_proof(proof_options, document)
    try:
        public_key.verify(signature, hash_data(transformed, canonical_proof_config))
    except InvalidSignature:
        return False
    return True


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
