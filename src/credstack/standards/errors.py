"""One error tree for the trust core.

Caller mistakes raise ``TypeError``/``ValueError``. Bad *input* (a document, a key, a
proof, an image) raises a subclass of :class:`StandardsError`, whose ``code`` is the
specification's own error code where one exists (VC Data Model 2.0 §7.1, VC Data
Integrity §2.1.1, Bitstring Status List §3.6, DID Resolution), so a report can name it.
Verification never raises these to its caller: it turns them into report entries.
"""

from __future__ import annotations


class StandardsError(Exception):
    """Base of every error raised for bad input by ``credstack.standards``."""

    code: str = "STANDARDS_ERROR"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


# JSON-LD processing and canonicalization
class JsonLdError(StandardsError):
    """A JSON-LD document could not be processed (JSON-LD 1.1 API error codes)."""

    code = "PARSING_ERROR"


class DocumentLoadingError(JsonLdError):
    """A context or document was not in the pinned set, or failed its pinned hash."""

    code = "loading document failed"


class UnsafeDocumentError(JsonLdError):
    """A term would be silently dropped or an IRI is relative (jsonld.js safe mode)."""

    code = "PROOF_TRANSFORMATION_ERROR"


class CanonicalizationError(StandardsError):
    """RDF Dataset Canonicalization or JCS could not be completed."""

    code = "PROOF_TRANSFORMATION_ERROR"


class CanonicalizationLimitError(CanonicalizationError):
    """The blank-node graph needs more work than the configured bound ("poison" graph)."""


class NQuadsSyntaxError(StandardsError):
    code = "PARSING_ERROR"


# Keys, identifiers and the network
class KeyFormatError(StandardsError):
    """A key's encoding (Multikey, JWK, multibase) is not valid or not supported."""

    code = "MALFORMED_VALUE_ERROR"


class DidResolutionError(StandardsError):
    """A DID or verification method could not be resolved (DID Resolution error codes)."""

    code = "notFound"


class FetchError(StandardsError):
    """A network read failed (timeout, size cap, status, refused address)."""

    code = "FETCH_ERROR"


class FetchBlockedError(FetchError):
    """The address is loopback, private or link-local and development mode is off."""

    code = "FETCH_BLOCKED"


# Proofs
class ProofGenerationError(StandardsError):
    code = "PROOF_GENERATION_ERROR"


class MalformedProofError(StandardsError):
    code = "MALFORMED_PROOF_ERROR"


class ProofVerificationError(StandardsError):
    code = "PROOF_VERIFICATION_ERROR"


class JwtError(StandardsError):
    """A VC-JWT or JWS is malformed, or its signature or key does not hold."""

    code = "CRYPTOGRAPHIC_SECURITY_ERROR"


# Data model, status, baking
class DataModelError(StandardsError):
    """A credential does not conform to its data model; ``problems`` lists every one."""

    code = "MALFORMED_VALUE_ERROR"

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.problems: list[tuple[str, str]] = problems or []


class StatusListError(StandardsError):
    code = "STATUS_VERIFICATION_ERROR"


class StatusRetrievalError(StatusListError):
    code = "STATUS_RETRIEVAL_ERROR"


class StatusListLengthError(StatusListError):
    code = "STATUS_LIST_LENGTH_ERROR"


class BakingError(StandardsError):
    """An image could not be baked or unbaked (bad image, limits, several credentials)."""

    code = "BAKING_ERROR"
