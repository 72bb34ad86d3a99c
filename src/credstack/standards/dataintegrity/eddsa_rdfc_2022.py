"""The ``eddsa-rdfc-2022`` cryptosuite (vc-di-eddsa §3.3): RDFC-1.0 canonical N-Quads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credstack.standards.dataintegrity.eddsa import Cryptosuite
from credstack.standards.jsonld.canonicalization import canonicalize
from credstack.standards.jsonld.compiled import to_rdf_compiled
from credstack.standards.jsonld.nquads import Quad
from credstack.standards.jsonld.to_rdf import to_rdf


def dataset(document: Mapping[str, Any]) -> list[Quad]:
    """The document's RDF quads: by the compiled path for documents that use only what
    the pinned contexts define, by the general JSON-LD algorithm for anything else.
    Both give the same dataset (tests/standards/test_compiled_to_rdf.py)."""
    quads = to_rdf_compiled(document)
    return to_rdf(document) if quads is None else quads


def canonical_nquads(document: Mapping[str, Any]) -> bytes:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document (safe mode, pinned contexts)."""
    return _canonical_nquads(document, utf16_order=False)


def canonical_nquads_in_utf16_order(document: Mapping[str, Any]) -> bytes:
    """The canonical N-Quads with lines sorted by UTF-16 code unit, as jsonld.js sorts
    them (rdf-canonize issue #52), rather than by code point as RDFC-1.0 says. The two
    differ only when characters beyond U+FFFF meet ones in U+E000–U+FFFF. Both serialize
    the same dataset, so a verifier may accept a signature over either."""
    return _canonical_nquads(document, utf16_order=True)


def _canonical_nquads(document: Mapping[str, Any], *, utf16_order: bool) -> bytes:
    quads = to_rdf_compiled(document)
    if quads is None:
        return canonicalize(to_rdf(document), utf16_order=utf16_order).encode("utf-8")
    # The compiled path's quads are distinct and well formed (its docstring).
    return canonicalize(quads, utf16_order=utf16_order, distinct_quads=True).encode("utf-8")


EDDSA_RDFC_2022 = Cryptosuite(
    name="eddsa-rdfc-2022",
    proof_type="DataIntegrityProof",
    canonicalize=canonical_nquads,
    alternative_canonicalize=canonical_nquads_in_utf16_order,
)

# The suite's name before the 2023 rename; same algorithm. Verified, never used to sign.
EDDSA_2022 = Cryptosuite(
    name="eddsa-2022",
    proof_type="DataIntegrityProof",
    canonicalize=canonical_nquads,
    alternative_canonicalize=canonical_nquads_in_utf16_order,
)
