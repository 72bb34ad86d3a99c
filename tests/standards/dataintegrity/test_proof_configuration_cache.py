"""The canonical proof configurations eddsa.py remembers must be exactly what canonicalizing
gives, for every member that can change them (W3C vc-di-eddsa vector)."""

from __future__ import annotations

from typing import Any

import pytest

from credstack.standards.dataintegrity.eddsa import _canonical_proof_config, _proof_config_key
from credstack.standards.dataintegrity.eddsa_jcs_2022 import EDDSA_JCS_2022
from credstack.standards.dataintegrity.eddsa_rdfc_2022 import EDDSA_RDFC_2022
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
        {"type": "DataIntegrityProof", "@context": [{"@vocab": "urn:ex:"}]},
        {"type": "DataIntegrityProof", "@context": ("https://www.w3.org/ns/credentials/v2",)},
    ],
)
def test_it_does_not_remember_configurations_with_other_than_strings(config: Any) -> None:
    assert _proof_config_key(config) is None


def test_its_memory_is_bounded() -> None:
    assert _canonical_proof_config.cache_info().maxsize == 256
