"""Awards are signed and verified on the compiled JSON-LD path, inline ELM context and all.

Every award carries the inline ELM context after VC 2.0 and OB 3.0.3; if that sent its
canonicalization to the general JSON-LD path, issuing would run at tens of credentials
per second instead of thousands (docs/compiled-contexts.md).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from credstack.issuing.services import issue_credential
from credstack.standards import verify
from credstack.standards.dataintegrity import eddsa_rdfc_2022
from credstack.standards.jsonld.canonicalization import canonicalize
from credstack.standards.jsonld.compiled import to_rdf_compiled
from credstack.standards.jsonld.to_rdf import to_rdf
from tests.issuing.awarding import instance_fetcher

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _general_path_refusing_awards(document: Any, **options: Any) -> Any:
    """to_rdf, except for documents with an inline context: the awards (and their proof
    configurations), which must never get here."""
    if any(isinstance(entry, dict) for entry in document.get("@context", ())):
        raise AssertionError("an award fell back to the general JSON-LD path")
    return to_rdf(document, **options)


def test_an_award_is_signed_and_verified_without_the_general_path(
    personas: Any, published_definition: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(eddsa_rdfc_2022, "to_rdf", _general_path_refusing_awards)
    award = issue_credential(
        published_definition.published_version,
        by=personas.alice,
        recipient_email="bob@example.org",
        recipient_name="Bob",
        grade="A",
        narrative="Well done",
        evidence_url="https://uni-a.example.edu/evidence/1",
        now=NOW,
    )
    # As a verifier receives it: parsed from JSON, no object shared with the issuer.
    received = json.loads(json.dumps(award.credential))
    report = verify(received, fetcher=instance_fetcher(award), now=NOW)
    assert report.verdict == "valid", report.to_dict()


def test_an_awards_dataset_on_the_compiled_path_is_the_general_paths(
    personas: Any, published_definition: Any
) -> None:
    award = issue_credential(
        published_definition.published_version,
        by=personas.alice,
        recipient_email="bob@example.org",
        now=NOW,
    )
    credential = award.credential
    assert isinstance(credential["@context"][2], dict), "the inline ELM context"
    unsigned = {key: value for key, value in credential.items() if key != "proof"}
    quads = to_rdf_compiled(unsigned)
    assert quads is not None
    assert canonicalize(quads) == canonicalize(to_rdf(unsigned))
    proof_configuration = {
        key: value for key, value in credential["proof"].items() if key != "proofValue"
    }
    proof_configuration["@context"] = credential["@context"]
    assert to_rdf_compiled(proof_configuration) is not None
