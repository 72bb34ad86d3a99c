"""VC Data Integrity §4 Algorithms: Add Proof and Verify Proof over proof sets.

A document may carry one proof or a set of them. Each proof of a set is made over the
document without any proof, so proofs can be added independently. On verification, one
verified proof of a supported suite is enough; proofs of unknown types are reported as
unsupported, never fatal by themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from credstack.standards.dataintegrity.ed25519_signature_2020 import ED25519_SIGNATURE_2020
from credstack.standards.dataintegrity.eddsa import Cryptosuite, create_proof, verify_proof
from credstack.standards.dataintegrity.eddsa_jcs_2022 import EDDSA_JCS_2022
from credstack.standards.dataintegrity.eddsa_rdfc_2022 import EDDSA_2022, EDDSA_RDFC_2022
from credstack.standards.errors import MalformedProofError, StandardsError

DATA_INTEGRITY_SUITES: Mapping[str, Cryptosuite] = {
    EDDSA_RDFC_2022.name: EDDSA_RDFC_2022,
    EDDSA_JCS_2022.name: EDDSA_JCS_2022,
}
# Suites credstack verifies but never signs with: by cryptosuite name, and by proof type.
VERIFY_ONLY_SUITES: Mapping[str, Cryptosuite] = {EDDSA_2022.name: EDDSA_2022}
LEGACY_SUITES: Mapping[str, Cryptosuite] = {
    ED25519_SIGNATURE_2020.proof_type: ED25519_SIGNATURE_2020
}
SIGNING_SUITES = tuple(DATA_INTEGRITY_SUITES)

ProofOutcome = Literal["verified", "failed", "unsupported"]
PublicKeyResolver = Callable[[str], Ed25519PublicKey]


@dataclass(frozen=True)
class ProofResult:
    """What became of one proof of a document."""

    index: int
    suite: str
    verification_method: str | None
    proof_purpose: str | None
    outcome: ProofOutcome
    message: str
    code: str | None = None


def proofs_of(document: Mapping[str, Any]) -> list[Any]:
    """The document's proof set as a list (empty when it has none)."""
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def without_proof(document: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "proof"}


def suite_for(proof: Mapping[str, Any]) -> Cryptosuite | None:
    """The cryptosuite a proof names, or None when credstack does not support it."""
    if proof.get("type") == "DataIntegrityProof":
        cryptosuite = proof.get("cryptosuite")
        if not isinstance(cryptosuite, str):
            return None
        return DATA_INTEGRITY_SUITES.get(cryptosuite) or VERIFY_ONLY_SUITES.get(cryptosuite)
    proof_type = proof.get("type")
    return LEGACY_SUITES.get(proof_type) if isinstance(proof_type, str) else None


# Contexts that define the DataIntegrityProof terms (VC 2.0 includes them).
DATA_INTEGRITY_CONTEXTS = frozenset(
    {
        "https://www.w3.org/ns/credentials/v2",
        "https://w3id.org/security/data-integrity/v2",
        "https://w3id.org/security/data-integrity/v1",
    }
)
DATA_INTEGRITY_V2_CONTEXT = "https://w3id.org/security/data-integrity/v2"


def with_data_integrity_context(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document, with the Data Integrity context appended when none of its contexts
    defines the proof's terms (a VC 1.1 credential), as jsonld-signatures does."""
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if any(c in DATA_INTEGRITY_CONTEXTS for c in contexts if isinstance(c, str)):
        return dict(document)
    return {**document, "@context": [*contexts, DATA_INTEGRITY_V2_CONTEXT]}


def format_created(moment: datetime) -> str:
    """An XML Schema dateTimeStamp in UTC, to the second, as proofs conventionally carry."""
    if moment.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_proof(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    *,
    verification_method: str,
    cryptosuite: str = EDDSA_RDFC_2022.name,
    created: str | datetime | None = None,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """Add Proof: a copy of ``document`` with a new DataIntegrityProof in its proof set.

    Raises ValueError for an unknown cryptosuite (a caller mistake), and the core's
    errors for a document that cannot be canonicalized safely.
    """
    suite = DATA_INTEGRITY_SUITES.get(cryptosuite)
    if suite is None:
        raise ValueError(f"unknown cryptosuite {cryptosuite!r}; choose one of {SIGNING_SUITES}")
    if created is None:
        created = datetime.now(UTC)
    options: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": suite.name,
        "created": format_created(created) if isinstance(created, datetime) else created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    existing = proofs_of(document)
    unsecured = without_proof(with_data_integrity_context(document))
    proof = create_proof(suite, unsecured, options, private_key)
    secured = unsecured
    secured["proof"] = [*existing, proof] if existing else proof
    return secured


def verify_proofs(
    document: Mapping[str, Any],
    resolve_public_key: PublicKeyResolver,
    *,
    expected_proof_purpose: str = "assertionMethod",
) -> list[ProofResult]:
    """Verify Proof for each proof of the document's proof set.

    ``resolve_public_key`` maps a verification method URL to its Ed25519 public key and
    raises a StandardsError when it cannot. Never raises for bad input: every problem
    becomes a failed or unsupported ProofResult.
    """
    unsecured = without_proof(document)
    results = []
    for index, proof in enumerate(proofs_of(document)):
        results.append(
            _verify_one(index, unsecured, proof, resolve_public_key, expected_proof_purpose)
        )
    return results


def _verify_one(
    index: int,
    unsecured: Mapping[str, Any],
    proof: Any,
    resolve_public_key: PublicKeyResolver,
    expected_proof_purpose: str,
) -> ProofResult:
    if not isinstance(proof, Mapping):
        return ProofResult(
            index,
            "?",
            None,
            None,
            "failed",
            "a proof must be a JSON object",
            MalformedProofError.code,
        )
    method = proof.get("verificationMethod")
    method_id = method.get("id") if isinstance(method, Mapping) else method
    purpose = proof.get("proofPurpose")
    suite = suite_for(proof)
    name = str(proof.get("cryptosuite") or proof.get("type"))
    if suite is None:
        return ProofResult(
            index,
            name,
            method_id,
            purpose,
            "unsupported",
            f"proof of type {name!r} is not supported by credstack",
        )
    if not isinstance(method_id, str) or not method_id:
        return ProofResult(
            index,
            suite.name,
            None,
            purpose,
            "failed",
            "the proof has no verificationMethod",
            MalformedProofError.code,
        )
    if purpose != expected_proof_purpose:
        return ProofResult(
            index,
            suite.name,
            method_id,
            purpose,
            "failed",
            f"proofPurpose is {purpose!r}, expected {expected_proof_purpose!r}",
            MalformedProofError.code,
        )
    try:
        public_key = resolve_public_key(method_id)
        verify_proof(suite, unsecured, proof, public_key)
    except StandardsError as error:
        return ProofResult(
            index, suite.name, method_id, purpose, "failed", error.message, error.code
        )
    return ProofResult(
        index,
        suite.name,
        method_id,
        purpose,
        "verified",
        f"{suite.name} signature verified with {method_id}",
    )
