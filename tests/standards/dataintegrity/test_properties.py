"""Properties of signing and verifying, over generated Open Badges 3.0 credentials:
whatever credstack signs verifies, and any change to what was signed breaks it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credstack.standards.dataintegrity.eddsa import Cryptosuite, verify_proof
from credstack.standards.dataintegrity.eddsa_jcs_2022 import EDDSA_JCS_2022
from credstack.standards.dataintegrity.eddsa_rdfc_2022 import EDDSA_RDFC_2022
from credstack.standards.dataintegrity.proofs import add_proof, without_proof
from credstack.standards.errors import StandardsError
from credstack.standards.keys.multikey import Ed25519KeyPair
from tests.shared_data import read_json

KEY = Ed25519KeyPair.generate()
METHOD = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#key-1"
SUITES = [EDDSA_RDFC_2022, EDDSA_JCS_2022]
PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
urls = st.from_regex(r"https://[a-z]{3,10}\.example/[a-z0-9]{1,12}", fullmatch=True)


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": draw(urls),
        "type": ["Achievement"],
        "name": draw(text),
        "description": draw(text),
        "criteria": {"narrative": draw(text)},
    }
    if draw(st.booleans()):
        achievement["creditsAvailable"] = draw(st.integers(1, 180))
    if draw(st.booleans()):
        achievement["tag"] = draw(st.lists(text, min_size=1, max_size=4, unique=True))
    if draw(st.booleans()):
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": draw(text),
                "targetUrl": draw(urls),
                "targetCode": str(draw(st.integers(1, 8))),
            }
        ]
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{draw(st.uuids())}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": draw(text),
        "issuer": {"id": draw(urls), "type": ["Profile"], "name": draw(text)},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"did:example:{draw(st.integers(1, 10**9))}",
            "type": ["AchievementSubject"],
            "achievement": achievement,
        },
    }
    if draw(st.booleans()):
        credential["validUntil"] = "2031-01-01T00:00:00Z"
    return credential


def signed_by(suite: Cryptosuite, credential: dict[str, Any]) -> dict[str, Any]:
    assert KEY.private_key is not None
    return add_proof(
        credential,
        KEY.private_key,
        verification_method=METHOD,
        cryptosuite=suite.name,
        created="2026-01-01T00:00:00Z",
    )


def verifies(suite: Cryptosuite, document: dict[str, Any]) -> bool:
    try:
        verify_proof(suite, without_proof(document), document["proof"], KEY.public_key)
    except StandardsError:
        return False
    return True


def string_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every string leaf that carries data (not contexts or type names)."""
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        items = [(k, v) for k, v in value.items() if k not in {"@context", "type", "proof"}]
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return []
    return [p for key, item in items for p in string_paths(item, (*path, key))]


def set_at(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def get_at(document: dict[str, Any], path: tuple[Any, ...]) -> Any:
    target: Any = document
    for key in path:
        target = target[key]
    return target


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
@PROPERTY_SETTINGS
@given(credential=credentials())
def test_it_verifies_whatever_it_signs(suite: Cryptosuite, credential: dict[str, Any]) -> None:
    assert verifies(suite, signed_by(suite, credential))


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
@PROPERTY_SETTINGS
@given(credential=credentials(), data=st.data())
def test_it_refuses_any_changed_value(
    suite: Cryptosuite, credential: dict[str, Any], data: st.DataObject
) -> None:
    signed = signed_by(suite, credential)
    path = data.draw(st.sampled_from(string_paths(without_proof(signed))))
    tampered = copy.deepcopy(signed)
    set_at(tampered, path, get_at(signed, path) + data.draw(text))
    assert not verifies(suite, tampered)


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
@PROPERTY_SETTINGS
@given(credential=credentials(), extra=text)
def test_it_refuses_an_added_field(
    suite: Cryptosuite, credential: dict[str, Any], extra: str
) -> None:
    signed = signed_by(suite, credential)
    tampered = copy.deepcopy(signed)
    tampered["description"] = extra
    assert not verifies(suite, tampered)


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
@PROPERTY_SETTINGS
@given(credential=credentials(), data=st.data())
def test_it_refuses_a_removed_field(
    suite: Cryptosuite, credential: dict[str, Any], data: st.DataObject
) -> None:
    signed = signed_by(suite, credential)
    achievement = signed["credentialSubject"]["achievement"]
    field = data.draw(st.sampled_from(sorted(k for k in achievement if k not in {"type"})))
    tampered = copy.deepcopy(signed)
    del tampered["credentialSubject"]["achievement"][field]
    assert not verifies(suite, tampered)


def test_it_refuses_a_reordered_ordered_list_but_not_a_reordered_set() -> None:
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            {"steps": {"@id": "https://credstack.example/vocab#steps", "@container": "@list"}},
        ],
        "type": ["VerifiableCredential"],
        "issuer": "https://issuer.example/1",
        "credentialSubject": {"id": "did:example:1", "steps": ["enrol", "learn", "pass"]},
    }
    for suite in SUITES:
        signed = signed_by(suite, credential)
        reordered = copy.deepcopy(signed)
        reordered["credentialSubject"]["steps"].reverse()
        assert not verifies(suite, reordered), suite.name
    # JSON-LD arrays are unordered sets unless declared @list: reordering one leaves the
    # RDF graph as it was, so the RDF suite still verifies; JCS signs the JSON text itself.
    badge = without_proof(read_json("fixtures", "1edtech-validator", "ob30", "simple.json"))
    for suite, still_valid in ((EDDSA_RDFC_2022, True), (EDDSA_JCS_2022, False)):
        signed = signed_by(suite, badge)
        signed["type"] = list(reversed(signed["type"]))
        assert verifies(suite, signed) is still_valid, suite.name


def test_it_accepts_a_signature_made_over_jsonld_js_utf16_line_order() -> None:
    # jsonld.js sorts canonical lines by UTF-16 code unit, RDFC-1.0 by code point; they
    # differ when a character beyond U+FFFF meets one in U+E000–U+FFFF. A signature over
    # either serialization of the same data verifies; a changed value still fails.
    from credstack.standards.dataintegrity.eddsa import create_proof
    from credstack.standards.dataintegrity.eddsa_rdfc_2022 import (
        canonical_nquads,
        canonical_nquads_in_utf16_order,
    )

    badge = without_proof(read_json("fixtures", "1edtech-validator", "ob30", "simple.json"))
    # Same subject and predicate: the lines first differ at U+1F393 against U+FF21.
    badge["credentialSubject"]["achievement"]["tag"] = ["\U0001f393 graduate", "\uff21 grade"]
    assert canonical_nquads(badge) != canonical_nquads_in_utf16_order(badge)
    jsonld_js_suite = EDDSA_RDFC_2022.with_canonicalizer(canonical_nquads_in_utf16_order)
    assert KEY.private_key is not None
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": METHOD,
        "proofPurpose": "assertionMethod",
    }
    signed = {**badge, "proof": create_proof(jsonld_js_suite, badge, options, KEY.private_key)}
    assert verifies(EDDSA_RDFC_2022, signed)
    signed["credentialSubject"]["achievement"]["tag"] = ["\U0001f393 graduate", "\uff21 grades"]
    assert not verifies(EDDSA_RDFC_2022, signed)
