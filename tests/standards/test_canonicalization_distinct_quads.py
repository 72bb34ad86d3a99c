"""``canonicalize(..., distinct_quads=True)``, the path signing and verification take with
the compiled JSON-LD to RDF output: it skips checking and deduplicating the quads and must
give exactly what the checked path gives (W3C rdf-canon suite, 1EdTech and W3C documents)."""

from __future__ import annotations

from typing import Any

import pytest

from credstack.standards.jsonld.canonicalization import canonicalize
from credstack.standards.jsonld.compiled import to_rdf_compiled
from credstack.standards.jsonld.nquads import parse_nquads
from tests.shared_data import read_json, read_text
from tests.standards.test_compiled_to_rdf import SHARED_DOCUMENTS

SUITE = ("vectors", "w3c-rdf-canon")
COMPILED = [
    pytest.param(quads, id=name)
    for name, document in SHARED_DOCUMENTS
    if (quads := to_rdf_compiled(document)) is not None
]


def _evaluation_tests() -> list[Any]:
    manifest = read_json(*SUITE, "manifest.jsonld")
    return [
        pytest.param(entry, id=entry["id"].lstrip("#"))
        for entry in manifest["entries"]
        if entry["type"] == "rdfc:RDFC10EvalTest"
    ]


def test_the_compiled_documents_are_many() -> None:
    assert len(COMPILED) >= 20


@pytest.mark.parametrize("quads", COMPILED)
def test_it_canonicalizes_compiled_quads_as_the_checked_path_does(quads: Any) -> None:
    for utf16_order in (False, True):
        assert canonicalize(quads, distinct_quads=True, utf16_order=utf16_order) == (
            canonicalize(quads, utf16_order=utf16_order)
        )


@pytest.mark.parametrize("entry", _evaluation_tests())
def test_it_passes_the_w3c_evaluation_test_with_distinct_quads(entry: dict[str, Any]) -> None:
    quads = list(dict.fromkeys(parse_nquads(read_text(*SUITE, entry["action"]))))
    expected = read_text(*SUITE, entry["result"])
    hash_algorithm = str(entry.get("hashAlgorithm", "SHA256"))
    assert canonicalize(quads, hash_algorithm=hash_algorithm, distinct_quads=True) == expected


def test_it_still_checks_and_deduplicates_what_is_not_a_list() -> None:
    quad = ("_:a", "<urn:ex:p>", '"v"', "")
    assert canonicalize(iter([quad, quad]), distinct_quads=True) == '_:c14n0 <urn:ex:p> "v" .\n'
    with pytest.raises(TypeError):
        canonicalize(iter([["_:a", "<urn:ex:p>", '"v"', ""]]), distinct_quads=True)
