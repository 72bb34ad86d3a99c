"""JSON-LD to RDF with safe mode (credstack.standards.jsonld.to_rdf).

Sources: the W3C vc-di-eddsa test vectors, the 1EdTech OB 3.0 Data Integrity vector and
the 1EdTech validator fixtures (tests/shared_data.py). Which fixtures safe mode refuses,
and at which property, was checked against jsonld.js 8 with ``safe: true, base: null``
(the same verdict for every fixture).
"""

from __future__ import annotations

import copy
import json
import math
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld_jsonld

from credstack.standards.errors import (
    DocumentLoadingError,
    JsonLdError,
    StandardsError,
    UnsafeDocumentError,
)
from credstack.standards.jsonld.canonicalization import canonicalize
from credstack.standards.jsonld.document_loader import (
    CREDENTIALS_V1,
    CREDENTIALS_V2,
    DATA_INTEGRITY_V2,
    OB_V3P0_CONTEXT,
    document_loader,
)
from credstack.standards.jsonld.nquads import serialize_quads
from credstack.standards.jsonld.to_rdf import canonical_double, to_rdf
from tests.shared_data import fixture_path, read_json, read_text

EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
OB_V3P0_3_0_1 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = {"s": "https://schema.org/"}
GRAPH_CONTAINER = {
    **SCHEMA,
    "claims": {"@id": "https://example.com/claims", "@container": "@graph"},
}


def canonical(document: dict[str, Any]) -> str:
    return canonicalize(to_rdf(document))


# --- Specification vectors --------------------------------------------------------------


def _with_context(proof_config: dict[str, Any], context: Any) -> dict[str, Any]:
    return {**proof_config, "@context": context}


def _vector_cases() -> list[Any]:
    eddsa = ("vectors", "w3c-vc-di-eddsa")
    ob = read_json("vectors", "1edtech-ob3-di", "ob-vector.json")
    return [
        pytest.param(
            read_json(*eddsa, "unsigned.json"),
            read_text(*eddsa, "eddsa-rdfc-2022", "canonDocDataInt.txt"),
            id="w3c-eddsa-rdfc-2022-document",
        ),
        pytest.param(
            read_json(*eddsa, "eddsa-rdfc-2022", "proofConfigDataInt.json"),
            read_text(*eddsa, "eddsa-rdfc-2022", "proofCanonDataInt.txt"),
            id="w3c-eddsa-rdfc-2022-proof-configuration",
        ),
        pytest.param(
            read_json(*eddsa, "Ed25519Signature2020", "proofConfigEdSig.json"),
            read_text(*eddsa, "Ed25519Signature2020", "proofCanonEdSig.txt"),
            id="w3c-ed25519signature2020-proof-configuration",
        ),
        pytest.param(
            ob["unsigned"],
            read_text("vectors", "1edtech-ob3-di", ob["documentCanonFile"]),
            id="1edtech-ob-document",
        ),
        pytest.param(
            _with_context(ob["proofConfig"], ob["unsigned"]["@context"]),
            read_text("vectors", "1edtech-ob3-di", ob["proofCanonFile"]),
            id="1edtech-ob-proof-configuration",
        ),
    ]


@pytest.mark.parametrize(("document", "expected_canonical"), _vector_cases())
def test_it_gives_the_quads_of_the_vectors_canonical_forms(
    document: dict[str, Any], expected_canonical: str
) -> None:
    assert canonical(document) == expected_canonical


@pytest.mark.parametrize(
    "parts",
    [
        ("vectors", "w3c-vc-di-eddsa", "eddsa-rdfc-2022", "signedDataInt.json"),
        ("vectors", "w3c-vc-di-eddsa", "Ed25519Signature2020", "signedEdSig.json"),
        ("vectors", "w3c-vc-di-eddsa", "eddsa-jcs-2022", "signedJCS.json"),
    ],
    ids=lambda parts: parts[-1],
)
def test_it_converts_the_signed_vector_documents(parts: tuple[str, ...]) -> None:
    quads = to_rdf(read_json(*parts))
    proof_graphs = {graph for _, _, _, graph in quads if graph}
    assert len(proof_graphs) == 1  # the proof lives in its own blank-node named graph


def test_it_converts_the_signed_ob_vector_with_its_proof_in_a_named_graph() -> None:
    signed = read_json("vectors", "1edtech-ob3-di", "ob-vector.json")["signed"]
    quads = to_rdf(signed)
    proof_values = [q for q in quads if q[1] == "<https://w3id.org/security#proofValue>"]
    assert len(proof_values) == 1
    assert proof_values[0][3].startswith("_:")


# --- 1EdTech validator fixtures ---------------------------------------------------------

# Fixtures that safe mode refuses, with the JSON path and the term or value it names.
# Each is a deliberately broken credential of the validator's test suite: an undefined
# property or type would be dropped from the signed data.
REFUSED_FIXTURES: dict[str, tuple[type[StandardsError], str]] = {
    "ob30/complete_v1.json": (UnsafeDocumentError, "1EdTechJsonSchemaValidator2019"),
    # no VC context at all: the OB context alone does not define the VC terms
    "ob30/simple-err-context.json": (UnsafeDocumentError, 'issuer: term "issuer"'),
    "ob30/simple-err-credential-subject-achievement-result-description-type.json": (
        UnsafeDocumentError,
        "credentialSubject.achievement.resultDescription[2].resultType",
    ),
    "ob30/simple-err-credential-subject-identifier-type.json": (
        UnsafeDocumentError,
        "credentialSubject.identifier[0].hashed",
    ),
    "ob30/simple-err-credential-subject-profile-type.json": (
        UnsafeDocumentError,
        "credentialSubject.source.type: the type 'InvalidProfile'",
    ),
    "ob30/simple-err-credential-subject-result-type.json": (
        UnsafeDocumentError,
        "credentialSubject.result[1].achievedLevel",
    ),
    "ob30/simple-err-credential-subject-type.json": (
        UnsafeDocumentError,
        "credentialSubject.achievement",
    ),
    "ob30/simple-err-evidence-type.json": (UnsafeDocumentError, "evidence[1]."),
    "ob30/simple-err-issuer-otheridentifier-type.json": (
        UnsafeDocumentError,
        "issuer.otherIdentifier[1].identifier",
    ),
    "ob30/simple-err-issuer-parentorg-type.json": (
        UnsafeDocumentError,
        "issuer.parentOrg.type: the type 'InvalidProfile'",
    ),
    "ob30/simple-err-issuer-type.json": (UnsafeDocumentError, "issuer.type"),
    "ob30/simple-err-proof-method-no-scheme.json": (
        UnsafeDocumentError,
        "proof[0].verificationMethod",
    ),
    "ob30/simple-err-type.json": (UnsafeDocumentError, "type: the type 'OtherCredential'"),
    "ob30/simple-multiple-proofs.json": (UnsafeDocumentError, "proof[0].created"),
    # contexts outside the pinned set: never fetched
    "clr20/complex.json": (
        DocumentLoadingError,
        "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
    ),
    "clr20/simple_v1.json": (
        DocumentLoadingError,
        "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
    ),
    "clr20/simple-noproof.json": (
        DocumentLoadingError,
        "https://dc.imsglobal.org/draft/clr/v2p0/context",
    ),
    "clr20/simple_old_safesigned.json": (
        DocumentLoadingError,
        "https://dc.imsglobal.org/draft/clr/v2p0/context",
    ),
}


def _fixture_names() -> list[str]:
    root = fixture_path()
    return sorted(
        str(path.relative_to(root))
        for folder in ("ob30", "clr20")
        for path in (root / folder).glob("*.json")
    )


def _pyld_canonical(document: dict[str, Any]) -> str:
    text: str = pyld_jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": document_loader,
        },
    )
    return text


def test_the_fixture_list_is_complete() -> None:
    names = _fixture_names()
    assert len(names) > 30
    assert set(REFUSED_FIXTURES) <= set(names)


@pytest.mark.parametrize("name", _fixture_names())
def test_it_converts_or_refuses_each_validator_fixture(name: str) -> None:
    document = json.loads(Path(fixture_path(name)).read_text("utf-8"))
    if name in REFUSED_FIXTURES:
        error_type, where = REFUSED_FIXTURES[name]
        with pytest.raises(error_type, match=re.escape(where)):
            to_rdf(document)
        return
    # For a valid document pyld's own conversion (whose base IRI and lack of safe mode
    # do not matter then) gives the same dataset.
    assert canonical(document) == _pyld_canonical(document)


def test_it_converts_simple_err_context_once_its_missing_contexts_are_added() -> None:
    document = json.loads(fixture_path("ob30", "simple-err-context.json").read_text("utf-8"))
    assert document["@context"] == [OB_V3P0_CONTEXT]
    # the fixture's own terms need the VC 1.1 and Data Integrity contexts beside it
    fixed = {**document, "@context": [CREDENTIALS_V1, OB_V3P0_CONTEXT, DATA_INTEGRITY_V2]}
    assert to_rdf(fixed)


# --- Safe mode --------------------------------------------------------------------------


def _credential(context: Any, **properties: Any) -> dict[str, Any]:
    return {
        "@context": context,
        "id": "urn:uuid:5b3f4b5e-2c1f-4e0a-9f6b-0d6a1f3c9a11",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        **properties,
    }


def _ob_credential(achievement: dict[str, Any]) -> dict[str, Any]:
    return _credential(
        [CREDENTIALS_V2, OB_V3P0_CONTEXT],
        type=["VerifiableCredential", "OpenBadgeCredential"],
        validFrom="2024-01-01T00:00:00Z",
        name="Teamwork",
        credentialSubject={
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.com/achievements/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "criteria": {"narrative": "Peers nominate."},
                **achievement,
            },
        },
    )


# (unsafe document, what the message must name, the same document made valid)
UNSAFE_CASES = {
    "undefined property without @vocab": (
        _credential([CREDENTIALS_V1], issuanceDate="2024-01-01T00:00:00Z", foo="bar"),
        'foo: term "foo" is not defined',
        _credential([CREDENTIALS_V1], issuanceDate="2024-01-01T00:00:00Z"),
    ),
    "undefined property deep in an OB achievement": (
        _ob_credential({"foo": "bar"}),
        'credentialSubject.achievement.foo: term "foo" is not defined',
        _ob_credential({"description": "bar"}),
    ),
    "relative id": (
        {**_credential([CREDENTIALS_V2]), "id": "credentials/3732"},
        "id: the @id 'credentials/3732' is a relative IRI",
        {**_credential([CREDENTIALS_V2]), "id": "https://example.com/credentials/3732"},
    ),
    "relative type": (
        _credential([CREDENTIALS_V1], type=["VerifiableCredential", "UnknownCredential"]),
        "type: the type 'UnknownCredential'",
        _credential([CREDENTIALS_V1], type=["VerifiableCredential"]),
    ),
    "keyword-like type": (
        _credential([CREDENTIALS_V2], type=["VerifiableCredential", "@Special"]),
        "type: a type that looks like a keyword",
        _credential([CREDENTIALS_V2], type=["VerifiableCredential"]),
    ),
    "term defined as null": (
        _credential([CREDENTIALS_V2, {"nickname": None}], nickname="x"),
        'nickname: term "nickname" is not defined by the document\'s contexts (or is '
        "defined as null)",
        _credential(
            [CREDENTIALS_V2, {"nickname": "https://schema.org/alternateName"}], nickname="x"
        ),
    ),
    "relative IRI of an @id-typed property": (
        _ob_credential({"image": {"id": "images/badge.png", "type": "Image"}}),
        "credentialSubject.achievement.image.id: the @id 'images/badge.png'",
        _ob_credential({"image": {"id": "https://example.com/badge.png", "type": "Image"}}),
    ),
    # jsonld.js drops this reference silently (and signs without it); refused here
    "empty IRI of an @id-typed property": (
        _ob_credential({"image": ""}),
        "credentialSubject.achievement.image: the IRI ''",
        _ob_credential({"image": "https://example.com/badge.png"}),
    ),
    "object whose only property is an empty graph container": (
        {"@context": GRAPH_CONTAINER, "claims": []},
        "(document): an object with no properties",
        {"@context": GRAPH_CONTAINER, "claims": [], "s:name": "x"},
    ),
    "relative @vocab": (
        {"@context": {"@vocab": "terms/"}, "@id": "urn:a", "name": "x"},
        "@vocab 'terms/' is a relative IRI",
        {"@context": {"@vocab": "https://example.com/terms/"}, "@id": "urn:a", "name": "x"},
    ),
    "term reserved for future keywords": (
        {
            "@context": {"@nickname": "https://schema.org/alternateName", **SCHEMA},
            "@id": "urn:a",
            "s:name": "x",
        },
        "'@nickname'",
        {
            "@context": {"nickname": "https://schema.org/alternateName", **SCHEMA},
            "@id": "urn:a",
            "s:name": "x",
        },
    ),
    "term mapped to a keyword-like @id": (
        {"@context": {"nickname": "@nickname", **SCHEMA}, "@id": "urn:a", "s:name": "x"},
        "'nickname' to '@nickname'",
        {"@context": {"nickname": "s:alternateName", **SCHEMA}, "@id": "urn:a", "s:name": "x"},
    ),
    "term with a keyword-like @reverse": (
        {"@context": {"kids": {"@reverse": "@parent"}, **SCHEMA}, "@id": "urn:a", "s:name": "x"},
        "'kids' to '@parent' (@reverse)",
        {"@context": {"kids": {"@reverse": "s:parent"}, **SCHEMA}, "@id": "urn:a", "s:name": "x"},
    ),
    "keyword-like @id value": (
        {"@context": SCHEMA, "@id": "urn:a", "s:knows": {"@id": "@me", "s:name": "x"}},
        "s:knows.@id: the @id '@me'",
        {"@context": SCHEMA, "@id": "urn:a", "s:knows": {"@id": "urn:me", "s:name": "x"}},
    ),
    "free-floating scalar": (
        {"@context": SCHEMA, "@graph": ["loose", {"@id": "urn:a", "s:name": "x"}]},
        "@graph[0]: the value 'loose'",
        {"@context": SCHEMA, "@graph": [{"@id": "urn:a", "s:name": "x"}]},
    ),
    "node with only an @id in the default graph": (
        {"@context": SCHEMA, "@graph": [{"@id": "urn:b"}, {"@id": "urn:a", "s:name": "x"}]},
        "@graph[0]: an object with no properties (or only an @id)",
        {
            "@context": SCHEMA,
            "@graph": [{"@id": "urn:b", "s:name": "y"}, {"@id": "urn:a", "s:name": "x"}],
        },
    ),
    "proof that is only a reference": (
        _credential([CREDENTIALS_V2], proof={"id": "urn:proof"}),
        "proof: an object with only an @id ('urn:proof')",
        _credential([CREDENTIALS_V2], proof={"id": "urn:proof", "type": "DataIntegrityProof"}),
    ),
    "empty document": (
        {"@context": SCHEMA},
        "(document): an object with no properties",
        {"@context": SCHEMA, "s:name": "x"},
    ),
    "null @value": (
        {"@context": SCHEMA, "@id": "urn:a", "s:name": {"@value": None}},
        "s:name: a value object whose @value is null",
        {"@context": SCHEMA, "@id": "urn:a", "s:name": {"@value": "x"}},
    ),
    "object with only @language": (
        {"@context": SCHEMA, "@id": "urn:a", "s:name": {"@language": "en"}},
        "s:name: an object with only @language",
        {"@context": SCHEMA, "@id": "urn:a", "s:name": {"@value": "x", "@language": "en"}},
    ),
    "malformed @language": (
        {"@context": SCHEMA, "@id": "urn:a", "s:name": {"@value": "x", "@language": "en_GB"}},
        "s:name.@language: the @language 'en_gb'",
        {"@context": SCHEMA, "@id": "urn:a", "s:name": {"@value": "x", "@language": "en-GB"}},
    ),
    "malformed @language of a term definition": (
        {
            "@context": {"n": {"@id": "https://schema.org/name", "@language": "en_GB"}},
            "@id": "urn:a",
            "n": "x",
        },
        "n: the @language 'en_gb' of term 'n'",
        {
            "@context": {"n": {"@id": "https://schema.org/name", "@language": "en-GB"}},
            "@id": "urn:a",
            "n": "x",
        },
    ),
    "malformed default @language of a context": (
        {"@context": {**SCHEMA, "@language": "english please"}, "@id": "urn:a", "s:name": "x"},
        "@language 'english please'",
        {"@context": {**SCHEMA, "@language": "en"}, "@id": "urn:a", "s:name": "x"},
    ),
    "base direction": (
        {
            "@context": SCHEMA,
            "@id": "urn:a",
            "s:name": {"@value": "x", "@language": "ar", "@direction": "rtl"},
        },
        "s:name.@direction: a base direction",
        {"@context": SCHEMA, "@id": "urn:a", "s:name": {"@value": "x", "@language": "ar"}},
    ),
    "blank node predicate": (
        {"@context": {"secret": "_:secret"}, "@id": "urn:a", "secret": "x"},
        "is a blank node, which RDF does not allow as a predicate",
        {"@context": {"secret": "urn:example:secret"}, "@id": "urn:a", "secret": "x"},
    ),
    "IRI with a character N-Quads cannot hold": (
        {"@context": SCHEMA, "@id": "urn:a", "s:url": {"@id": "https://example.com/a>b"}},
        "'https://example.com/a>b' holds a character",
        {"@context": SCHEMA, "@id": "urn:a", "s:url": {"@id": "https://example.com/a%3Eb"}},
    ),
    "number that jsonld.js writes as 0": (
        {"@context": SCHEMA, "@id": "urn:a", "s:value": 1e-7},
        "s:value: the number 1e-07",
        {"@context": SCHEMA, "@id": "urn:a", "s:value": 1.5e-7},
    ),
    "integer beyond 2**53": (
        {"@context": SCHEMA, "@id": "urn:a", "s:value": 2**53 + 1},
        "s:value: the integer 9007199254740993",
        {"@context": SCHEMA, "@id": "urn:a", "s:value": 2**53},
    ),
    "xsd:double string that is not a number": (
        {"@context": SCHEMA, "@id": "urn:a", "s:v": {"@value": "many", "@type": XSD + "double"}},
        "'many' is not a decimal number",
        {"@context": SCHEMA, "@id": "urn:a", "s:v": {"@value": "1.50", "@type": XSD + "double"}},
    ),
}


@pytest.mark.parametrize(
    ("document", "named", "valid"), list(UNSAFE_CASES.values()), ids=list(UNSAFE_CASES)
)
def test_it_refuses_an_unsafe_document_and_says_where(
    document: dict[str, Any], named: str, valid: dict[str, Any]
) -> None:
    with pytest.raises(UnsafeDocumentError, match=re.escape(named)) as refused:
        to_rdf(document)
    assert refused.value.code == "PROOF_TRANSFORMATION_ERROR"


@pytest.mark.parametrize(
    ("document", "named", "valid"), list(UNSAFE_CASES.values()), ids=list(UNSAFE_CASES)
)
def test_it_accepts_the_same_document_made_valid(
    document: dict[str, Any], named: str, valid: dict[str, Any]
) -> None:
    assert to_rdf(valid)


def test_it_refuses_the_ob_3_0_1_context_after_the_vc_2_0_context() -> None:
    document = _credential([CREDENTIALS_V2, OB_V3P0_3_0_1])
    with pytest.raises(JsonLdError, match="protected term redefinition") as refused:
        to_rdf(document)
    assert not isinstance(refused.value, UnsafeDocumentError)
    assert "'description'" in str(refused.value)
    assert to_rdf(_credential([CREDENTIALS_V2, OB_V3P0_CONTEXT]))


def test_it_never_resolves_a_relative_iri_against_a_made_up_base() -> None:
    document = {"@context": SCHEMA, "@id": "urn:a", "s:url": {"@id": "page"}}
    with pytest.raises(UnsafeDocumentError, match="page"):
        to_rdf(document)


def test_it_resolves_relative_iris_against_an_absolute_base_of_a_context() -> None:
    document = {
        "@context": {**SCHEMA, "@base": "https://example.com/dir/"},
        "@id": "credentials/1",
        "s:url": {"@id": "../page"},
    }
    assert to_rdf(document) == [
        (
            "<https://example.com/dir/credentials/1>",
            "<https://schema.org/url>",
            "<https://example.com/page>",
            "",
        )
    ]


# --- Unusual documents that are not unsafe ----------------------------------------------


def test_it_accepts_undefined_terms_under_a_vocab_context() -> None:
    document = _credential(
        [CREDENTIALS_V2, EXAMPLES_V2],
        type=["VerifiableCredential", "ExampleDegreeCredential"],
        credentialSubject={"id": "did:example:alice", "degree": {"anything": "goes"}},
    )
    objects = {o for _, p, o, _ in to_rdf(document) if "anything" in p}
    assert objects == {'"goes"'}


def test_it_accepts_an_inline_context_object() -> None:
    document = _credential(
        [CREDENTIALS_V2, {"nickname": "https://schema.org/alternateName"}],
        credentialSubject={"id": "did:example:alice", "nickname": "Al"},
    )
    assert (
        "<did:example:alice>",
        "<https://schema.org/alternateName>",
        '"Al"',
        "",
    ) in to_rdf(document)


def test_it_applies_the_type_scoped_contexts_of_ob_3_0() -> None:
    quads = to_rdf(_ob_credential({"description": "Works well with others."}))
    predicates = {p for _, p, _, _ in quads}
    # "achievement", "criteria" and "narrative" are defined only by the scoped contexts
    # of the types AchievementSubject, Achievement and Criteria.
    ob_vocab = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
    for term in ("achievement", "Criteria", "narrative"):
        assert f"<{ob_vocab}{term}>" in predicates


def test_it_accepts_nest_language_maps_reverse_included_and_lists() -> None:
    document = {
        "@context": {
            **SCHEMA,
            "meta": "@nest",
            "names": {"@id": "s:name", "@container": "@language"},
            "children": {"@reverse": "s:parent"},
            "steps": {"@id": "s:step", "@container": "@list"},
        },
        "@id": "urn:a",
        "meta": {"s:description": "nested"},
        "names": {"en": "Hello", "FR": "Bonjour"},
        "children": {"@id": "urn:child", "s:name": "c"},
        "steps": ["one", "two"],
        "@included": [{"@id": "urn:b", "s:name": "b"}],
    }
    text = serialize_quads(to_rdf(document))
    assert '<urn:a> <https://schema.org/description> "nested" .' in text
    assert '"Bonjour"@fr' in text
    assert "<urn:child> <https://schema.org/parent> <urn:a> ." in text
    assert '<urn:b> <https://schema.org/name> "b" .' in text
    assert text.count("rdf-syntax-ns#first") == 2


def test_a_property_without_values_gives_no_quads_even_if_it_is_a_blank_node() -> None:
    document = {
        "@context": {**SCHEMA, "secret": "_:secret"},
        "@id": "urn:a",
        "secret": [],
        "s:name": "x",
    }
    assert to_rdf(document) == [("<urn:a>", "<https://schema.org/name>", '"x"', "")]


def test_an_empty_list_is_rdf_nil() -> None:
    document = {"@context": SCHEMA, "@id": "urn:a", "s:items": {"@list": []}}
    assert to_rdf(document) == [
        (
            "<urn:a>",
            "<https://schema.org/items>",
            "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>",
            "",
        )
    ]


# --- Literals (JSON-LD 1.1 API §8.2 Object to RDF Conversion, §8.6 Data Round Tripping)


def _object_of(value: Any, context: dict[str, Any] | None = None) -> str:
    document = {"@context": context or SCHEMA, "@id": "urn:a", "s:v": value}
    (quad,) = to_rdf(document)
    return quad[2]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # expected values as jsonld.js 8 writes them (value.toExponential(15), trimmed)
        (1.1, "1.1E0"),
        (0.1 + 0.2, "3.0E-1"),
        (123.456, "1.23456E2"),
        (-2.5e300, "-2.5E300"),
        (1e21, "1.0E21"),
        (1.5e-7, "1.5E-7"),
        (5e-324, "4.940656458412465E-324"),
        (1.7976931348623157e308, "1.797693134862316E308"),
        # an exact tie at the 16th digit: ECMAScript rounds it up, Python would to even
        (1 + 2**-16, "1.000015258789063E0"),
        (0.0, "0.0E0"),
        (-0.0, "0.0E0"),
    ],
)
def test_it_writes_doubles_in_canonical_form(value: float, expected: str) -> None:
    assert canonical_double(value) == expected


def test_it_refuses_a_non_finite_double() -> None:
    with pytest.raises(ValueError):
        canonical_double(math.inf)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.1, f'"1.1E0"^^<{XSD}double>'),
        (5, f'"5"^^<{XSD}integer>'),
        (5.0, f'"5"^^<{XSD}integer>'),  # one JSON number, as JavaScript reads it
        (-7, f'"-7"^^<{XSD}integer>'),
        (2**60, f'"{2**60}"^^<{XSD}integer>'),
        (10**21, f'"1.0E21"^^<{XSD}double>'),
        (True, f'"true"^^<{XSD}boolean>'),
        (False, f'"false"^^<{XSD}boolean>'),
        ("plain", '"plain"'),
        ({"@value": "x", "@type": XSD + "string"}, '"x"'),
        ({"@value": "Hi", "@language": "EN-gb"}, '"Hi"@en-gb'),
        ({"@value": 5, "@type": XSD + "double"}, f'"5.0E0"^^<{XSD}double>'),
        ({"@value": "1.50", "@type": XSD + "double"}, f'"1.5E0"^^<{XSD}double>'),
        ({"@value": 5, "@type": XSD + "decimal"}, f'"5"^^<{XSD}decimal>'),
        ('a\b\f\x01\x7f"\\\n\r\t', '"a\\b\\f\\u0001\\u007F\\"\\\\\\n\\r\\t"'),
    ],
)
def test_it_writes_literals_as_json_ld_and_jsonld_js_do(value: Any, expected: str) -> None:
    assert _object_of(value) == expected


def test_it_writes_json_literals_in_jcs() -> None:
    context = {**SCHEMA, "s:v": {"@type": "@json"}}
    value = {"b": [1, 2.5, 1e21, "\u00e9"], "a": True, "c": None}
    assert (
        _object_of(value, context)
        == '"{\\"a\\":true,\\"b\\":[1,2.5,1e+21,\\"\u00e9\\"],\\"c\\":null}"'
        "^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>"
    )


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("document", [["not", "an", "object"], "text", 5, None])
def test_it_refuses_a_document_that_is_not_a_json_object(document: Any) -> None:
    with pytest.raises(JsonLdError, match="must be a JSON object"):
        to_rdf(document)


@pytest.mark.parametrize("value", [{1, 2}, b"bytes", object(), {1: "non-string key"}])
def test_it_refuses_python_values_that_are_not_json(value: Any) -> None:
    with pytest.raises(ValueError, match="s:v"):
        to_rdf({"@context": SCHEMA, "@id": "urn:a", "s:v": value})


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_it_refuses_non_finite_numbers(value: float) -> None:
    with pytest.raises(JsonLdError, match="not a JSON number"):
        to_rdf({"@context": SCHEMA, "@id": "urn:a", "s:v": value})


@pytest.mark.parametrize(
    "document",
    [
        {"@context": SCHEMA, "@id": "urn:a", "s:v": "half of \ud83d a pair"},
        {"@context": SCHEMA, "@id": "urn:a", "s:v\udc00": "x"},
    ],
)
def test_it_refuses_strings_that_are_not_unicode_text(document: dict[str, Any]) -> None:
    with pytest.raises(JsonLdError, match="lone surrogate"):
        to_rdf(document)


def test_it_refuses_an_integer_beyond_the_range_of_doubles() -> None:
    with pytest.raises(UnsafeDocumentError, match="beyond the range of a double"):
        to_rdf({"@context": SCHEMA, "@id": "urn:a", "s:v": 10**400})


def test_it_refuses_a_document_nested_too_deeply() -> None:
    value: Any = "x"
    for _ in range(500):
        value = {"s:v": value}
    with pytest.raises(JsonLdError, match="nested more than"):
        to_rdf({"@context": SCHEMA, "@id": "urn:a", "s:v": value})


def test_it_refuses_an_unknown_context_without_fetching_it() -> None:
    url = "https://example.com/contexts/unknown.jsonld"
    with pytest.raises(DocumentLoadingError, match=re.escape(url)):
        to_rdf(_credential([CREDENTIALS_V2, url]))


def test_it_refuses_a_relative_context_url() -> None:
    with pytest.raises(DocumentLoadingError, match=re.escape("'contexts/v1.json' is a relative")):
        to_rdf({"@context": [CREDENTIALS_V2, "contexts/v1.json"], "id": "urn:a"})


@pytest.mark.parametrize(
    ("context", "named"),
    [
        (5, "invalid local context"),
        ({"name": 5}, "invalid term definition"),
        ({"@vocab": 5}, "invalid vocab mapping"),
        ({"name": {"@id": "https://schema.org/name", "@type": 5}}, "invalid type mapping"),
    ],
)
def test_it_turns_invalid_contexts_into_json_ld_errors(context: Any, named: str) -> None:
    with pytest.raises(JsonLdError, match=named):
        to_rdf({"@context": context, "@id": "urn:a", "name": "x"})


@pytest.mark.parametrize(
    "document",
    [
        {"@context": SCHEMA, "@id": 5},
        {"@context": SCHEMA, "@id": "urn:a", "@type": 5},
        {"@context": SCHEMA, "@id": "urn:a", "s:v": {"@value": {"a": 1}}},
        {"@context": SCHEMA, "@id": "urn:a", "s:v": {"@value": "x", "@language": 5}},
        {"@context": SCHEMA, "@id": "urn:a", "s:v": {"@value": "x", "s:other": 1}},
        {"@context": SCHEMA, "@id": "urn:a", "@graph": "x"},
        {"@context": {"a": "b:", "b": "a:"}, "@id": "urn:a", "a:x": 1},
    ],
)
def test_it_turns_invalid_json_ld_into_json_ld_errors(document: dict[str, Any]) -> None:
    with pytest.raises(JsonLdError):
        to_rdf(document)


def test_it_does_not_change_the_callers_document() -> None:
    document = _ob_credential({"description": "x"})
    before = copy.deepcopy(document)
    to_rdf(document)
    assert document == before


def test_it_uses_the_callers_document_loader_and_keeps_its_contexts_apart() -> None:
    url = "https://example.com/contexts/v1"

    def loader_for(iri: str) -> Any:
        def loader(requested: str, options: Any = None) -> dict[str, Any]:
            if requested != url:
                raise DocumentLoadingError(f"not here: {requested}")
            return {
                "contextUrl": None,
                "documentUrl": url,
                "document": {"@context": {"name": iri}},
            }

        return loader

    document = {"@context": url, "@id": "urn:a", "name": "x"}
    first = to_rdf(document, document_loader=loader_for("https://one.example/name"))
    second = to_rdf(document, document_loader=loader_for("https://two.example/name"))
    assert first[0][1] == "<https://one.example/name>"
    assert second[0][1] == "<https://two.example/name>"


def test_it_gives_the_same_quads_when_called_from_many_threads() -> None:
    documents = [_ob_credential({"description": f"achievement {index}"}) for index in range(40)]
    expected = [canonical(document) for document in documents]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(canonical, documents)) == expected


# --- Any JSON value under a defined property ---------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["@id", "@type", "@value", "@language", "@list", "@set", "s:x", "y"])
            | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(value=json_values)
def test_any_json_value_under_a_defined_property_converts_or_raises_a_json_ld_error(
    value: Any,
) -> None:
    document = {"@context": {**SCHEMA, "p": "https://example.com/p"}, "@id": "urn:a", "p": value}
    try:
        quads = to_rdf(document)
    except JsonLdError:
        return
    for quad in quads:
        assert all(isinstance(term, str) for term in quad)
        assert quad[1].startswith("<") and quad[1].endswith(">")
    canonicalize(quads)
