"""The canonical proof configurations eddsa.py remembers must be exactly what canonicalizing
gives, for every member that can change them (W3C vc-di-eddsa vector)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from credstack.standards.dataintegrity.eddsa import _canonical_proof_config, _proof_config_key
from credstack.standards.dataintegrity.eddsa_jcs_2022 import EDDSA_JCS_2022
from credstack.standards.dataintegrity.eddsa_rdfc_2022 import EDDSA_RDFC_2022
from credstack.standards.errors import StandardsError
from tests.shared_data import read_json, read_text

VECTOR = ("vectors", "w3c-vc-di-eddsa", "eddsa-rdfc-2022")
UNSIGNED = read_json("vectors", "w3c-vc-di-eddsa", "unsigned.json")
OPTIONS = {
    k: v for k, v in read_json(*VECTOR, "proofConfigDataInt.json").items() if k != "@context"
}


def test_it_gives_the_vectors_canonical_proof_configuration_twice() -> None:
    expected = read_text(*VECTOR, "proofCanonDataInt.txt").encode()
    assert EDDSA_RDFC_2022.configure_proof(OPTIONS, UNSIGNED) == expected
    assert EDDSA_RDFC_2022.configure_proof(dict(OPTIONS), UNSIGNED) == expected


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("created", "2023-02-24T23:36:39Z"),
        ("verificationMethod", "did:key:z6MkOther#z6MkOther"),
        ("proofPurpose", "authentication"),
        ("expires", "2030-01-01T00:00:00Z"),
    ],
)
def test_it_never_answers_for_a_configuration_that_differs(member: str, value: str) -> None:
    first = EDDSA_RDFC_2022.configure_proof(OPTIONS, UNSIGNED)
    changed = {**OPTIONS, member: value}
    answer = EDDSA_RDFC_2022.configure_proof(changed, UNSIGNED)
    assert answer != first
    assert answer == EDDSA_RDFC_2022.canonicalize({**changed, "@context": UNSIGNED["@context"]})


def test_it_keys_by_context_and_by_canonicalizer() -> None:
    rdfc = EDDSA_RDFC_2022.configure_proof(OPTIONS, UNSIGNED)
    other_context = {**UNSIGNED, "@context": [*UNSIGNED["@context"], UNSIGNED["@context"][0]]}
    assert EDDSA_RDFC_2022.configure_proof(OPTIONS, other_context) == rdfc  # same dataset
    jcs_options = {**OPTIONS, "cryptosuite": "eddsa-jcs-2022"}
    jcs = EDDSA_JCS_2022.configure_proof(jcs_options, other_context)
    assert jcs == EDDSA_JCS_2022.canonicalize(
        {**jcs_options, "@context": other_context["@context"]}
    )
    assert b'"@context":["https://www.w3.org/ns/credentials/v2"' in jcs


@pytest.mark.parametrize(
    "config",
    [
        {"type": "DataIntegrityProof", "created": 5},
        {"type": "DataIntegrityProof", "verificationMethod": {"id": "did:key:z6Mk"}},
        {"type": "DataIntegrityProof", "@context": [{"@vocab": float("nan")}]},
        {"type": "DataIntegrityProof", "@context": [{"@vocab": {"urn:ex:"}}]},
        {"type": "DataIntegrityProof", "@context": ("https://www.w3.org/ns/credentials/v2",)},
    ],
)
def test_it_does_not_remember_configurations_with_other_than_json_strings(config: Any) -> None:
    assert _proof_config_key(config) is None


def test_its_memory_is_bounded() -> None:
    assert _canonical_proof_config.cache_info().maxsize == 256


# The ELM terms an award carries, as an inline context after the VC and OB contexts.
INLINE_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    {
        "elm": "http://data.europa.eu/snb/model/elm/",
        "EQFLevel": {"@id": "http://data.europa.eu/snb/model/elm/EQFLevel", "@type": "@id"},
    },
]


def test_it_remembers_configurations_with_an_inline_context_exactly() -> None:
    document = {"@context": INLINE_CONTEXT}
    expected = EDDSA_RDFC_2022.canonicalize({**OPTIONS, "@context": INLINE_CONTEXT})
    copied = {"@context": copy.deepcopy(INLINE_CONTEXT)}

    assert EDDSA_RDFC_2022.configure_proof(OPTIONS, document) == expected
    hits = _canonical_proof_config.cache_info().hits
    # Another credential of the batch: its own objects, the same JSON.
    assert EDDSA_RDFC_2022.configure_proof(OPTIONS, copied) == expected
    assert _canonical_proof_config.cache_info().hits == hits + 1


def test_it_never_answers_for_an_inline_context_that_differs() -> None:
    assert EDDSA_RDFC_2022.configure_proof(OPTIONS, {"@context": INLINE_CONTEXT})
    # Redefining a term the VC 2.0 context protects is an error, whatever was remembered.
    redefining = copy.deepcopy(INLINE_CONTEXT)
    redefining[2]["DataIntegrityProof"] = {"@id": "https://example.com/Proof"}

    with pytest.raises(StandardsError):
        EDDSA_RDFC_2022.configure_proof(OPTIONS, {"@context": redefining})
