"""The compiled JSON-LD to RDF path on documents whose ``@context`` holds inline objects.

Every credential the platform issues carries an inline context (the ELM terms of
``credstack.issuing.elm``) after the pinned VC 2.0 and OB 3.0.3 contexts, so these must
take the fast path and give exactly the general path's dataset. Inline contexts may hold
anything JSON-LD allows; for each generated one, paired with a document using its terms,
the compiled path must give the general path's dataset or None (never another one), and
None whenever the general path refuses the document (a protected term redefined, a
relative ``@vocab``, a keyword-like term, ...). The comparison helpers are those of
``test_compiled_to_rdf.py``.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credstack.issuing.elm import ELM, ELM_CONTEXT
from credstack.standards.errors import JsonLdError
from credstack.standards.jsonld import compiled
from credstack.standards.jsonld.canonicalization import canonicalize
from credstack.standards.jsonld.compiled import to_rdf_compiled
from credstack.standards.jsonld.nquads import Quad
from credstack.standards.jsonld.to_rdf import to_rdf
from tests.standards.test_compiled_to_rdf import (
    OB_303,
    VC_V2,
    XSD,
    assert_same_dataset_or_fallback,
    credential,
)

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
CLR_201 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

# Generated documents per property test; CREDSTACK_HYPOTHESIS_EXAMPLES scales all of them.
SCALE = int(os.environ.get("CREDSTACK_HYPOTHESIS_EXAMPLES", "100")) / 100
GENERATED_EXAMPLES = max(1, round(1500 * SCALE))
SUPPORTED_EXAMPLES = max(1, round(500 * SCALE))


def general_dataset(document: Any) -> list[Quad] | None:
    try:
        return to_rdf(document)
    except (JsonLdError, ValueError):
        return None


def assert_agrees_with_the_general_path(document: Any) -> list[Quad] | None:
    """The cheaper check used on generated documents: the contract of to_rdf_compiled."""
    original = copy.deepcopy(document)
    quads = to_rdf_compiled(document)
    assert document == original, "the compiled path must not modify its input"
    general = general_dataset(document)
    if general is None:
        assert quads is None, "the general path refuses this document"
        return None
    if quads is not None:
        assert len(set(quads)) == len(quads), "the compiled path must not repeat a quad"
        assert canonicalize(quads) == canonicalize(general)
    return quads


# --- The platform's credentials ------------------------------------------------------------


def elm_credential(**fields: Any) -> dict[str, Any]:
    """An award as credstack.issuing.credential.build_credential writes it (ELM terms)."""
    issuer = {
        "id": "did:web:credstack.test:orgs:uni-a",
        "type": ["Profile"],
        "name": "Uni A",
        "url": "https://uni-a.example.edu",
        "address": {
            "type": ["Address"],
            "addressCountry": "FI",
            "addressCountryCode": "FI",
            "addressRegion": "Uusimaa",
        },
    }
    document: dict[str, Any] = {
        "@context": [VC_V2, OB_303, ELM_CONTEXT],
        "id": "urn:uuid:e033bf81-38b1-4f7c-bf23-eecdc5e710f1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data literacy for public servants",
        "issuer": issuer,
        "validFrom": "2026-03-01T12:00:00Z",
        "awardedDate": "2026-03-01T12:00:00Z",
        "validUntil": "2027-03-01T12:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$e00de6670febf6b787197a9359970227084be753c2bec795d8",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "843a629032eb624843c2d95616f13fc6",
                }
            ],
            "name": "Bob",
            "achievement": {
                "id": "https://credstack.test/definitions/def_4prd9b628x886pz8v35g/v1",
                "type": ["Achievement"],
                "achievementType": "MicroCredential",
                "name": "Data literacy for public servants",
                "description": "Read, question and present data.",
                "criteria": {"narrative": "Pass the final assessment with at least 60 %."},
                "creator": dict(issuer),
                "inLanguage": "en",
                "version": "1",
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "EQF level 6",
                        "targetUrl": "http://data.europa.eu/snb/eqf/6",
                        "targetFramework": "European Qualifications Framework",
                        "targetCode": "6",
                    }
                ],
                "creditsAvailable": 3,
                "tag": ["data", "public sector"],
                "awardingBody": [
                    {
                        "type": "Organisation",
                        "name": "Uni A",
                        "homepage": "https://uni-a.example.edu",
                        "countryCode": "FI",
                    }
                ],
                "learningOutcome": ["Reads a chart critically", "Cleans a small data set"],
                "volumeOfLearning": "PT80H",
                "nationalFramework": "Finnish National Qualifications Framework",
                "nationalFrameworkLevel": "6",
                "cycle": "first",
                "assessmentType": "Online exam with identity check",
                "modeOfLearning": "online",
                "qualityAssurance": "Internal QA of Uni A, accredited by FINEEC",
                "entryRequirement": "None",
                "supervisionAndIdentityVerification": "Supervised online, identity checked",
                "gradingScheme": "A-F",
                "integrationStackability": "Stackable into the data science minor",
                "furtherInformation": "https://uni-a.example.edu/data-literacy",
                "EQFLevel": "http://data.europa.eu/snb/eqf/6",
            },
            "creditsEarned": 3,
            "result": [{"type": ["Result"], "value": "A"}],
        },
        "evidence": [{"type": ["Evidence"], "narrative": "Well done"}],
        "credentialStatus": [
            {
                "id": f"https://credstack.test/status/sl_za9k#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose,
                "statusListIndex": str(index),
                "statusListCredential": "https://credstack.test/status/sl_za9k",
            }
            for index, purpose in ((122059, "revocation"), (128632, "suspension"))
        ],
    }
    document.update(fields)
    return document


PROOF = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2026-03-01T12:00:00Z",
    "verificationMethod": "did:web:credstack.test:orgs:uni-a#key-1",
    "proofPurpose": "assertionMethod",
    "proofValue": "z58DAdFfa9SkqZMVPxAQp",
}


def _shuffled(context: dict[str, Any]) -> dict[str, Any]:
    return dict(reversed(list(context.items())))


ELM_DOCUMENTS: dict[str, Any] = {
    "an award": elm_credential(),
    "a signed award": elm_credential(proof=dict(PROOF)),
    "an award's proof configuration": {
        "@context": [VC_V2, OB_303, ELM_CONTEXT],
        **{k: v for k, v in PROOF.items() if k != "proofValue"},
    },
    "an award whose context lists the data integrity context too": elm_credential(
        **{"@context": [VC_V2, OB_303, DATA_INTEGRITY_V2, ELM_CONTEXT]}
    ),
    "an award whose ELM context lists its terms in another order": elm_credential(
        **{"@context": [VC_V2, OB_303, _shuffled(ELM_CONTEXT)]}
    ),
    "an award whose ELM context is protected and versioned": elm_credential(
        **{"@context": [VC_V2, OB_303, {"@version": 1.1, "@protected": True, **ELM_CONTEXT}]}
    ),
    "an award using an ELM compact IRI value": elm_credential(
        credentialSubject={
            "type": "AchievementSubject",
            "achievement": {
                "type": "Achievement",
                "name": "A",
                "criteria": {"narrative": "n"},
                "EQFLevel": "https://example.org/eqf/5",
                "awardingBody": {"type": ["Organisation"], "name": "Body"},
            },
        }
    ),
    "an award endorsed by a credential carrying the ELM context": elm_credential(
        endorsement=[
            elm_credential(
                id="urn:uuid:endorsement",
                type=["VerifiableCredential", "EndorsementCredential"],
                credentialSubject={
                    "id": "https://credstack.test/definitions/def_4prd9b628x886pz8v35g/v1",
                    "type": "EndorsementSubject",
                    "endorsementComment": "Recommended",
                },
                proof=dict(PROOF),
            )
        ]
    ),
    "a presentation of two awards": {
        "@context": [VC_V2],
        "type": "VerifiablePresentation",
        "holder": "did:example:bob",
        "verifiableCredential": [
            elm_credential(proof=dict(PROOF)),
            elm_credential(id="urn:uuid:second", proof=dict(PROOF)),
        ],
    },
    "a presentation whose own context is inline": {
        "@context": [VC_V2, {"nickname": "https://example.org/nickname"}],
        "type": "VerifiablePresentation",
        "nickname": "Bob",
        "verifiableCredential": [elm_credential()],
    },
    "a CLR holding an award": {
        "@context": [VC_V2, CLR_201, OB_303, ELM_CONTEXT],
        "id": "urn:uuid:clr",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": "https://issuer.example", "type": "Profile", "name": "Issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": "ClrSubject",
            "verifiableCredential": [elm_credential()],
        },
    },
}


@pytest.mark.parametrize("name", sorted(ELM_DOCUMENTS))
def test_it_compiles_the_platforms_credentials_and_matches_the_general_path_and_pyld(
    name: str,
) -> None:
    quads = assert_same_dataset_or_fallback(ELM_DOCUMENTS[name])
    assert quads, f"{name} should take the compiled path"


def test_the_elm_terms_are_stated_with_their_elm_properties() -> None:
    quads = to_rdf_compiled(elm_credential())
    assert quads is not None
    predicates = {predicate for _, predicate, _, _ in quads}
    assert {f"<{ELM}learningOutcome>", f"<{ELM}EQFLevel>", f"<{ELM}awardingBody>"} <= predicates
    objects = {obj for _, _, obj, _ in quads}
    assert "<http://data.europa.eu/snb/eqf/6>" in objects  # EQFLevel is @id-typed
    assert f'"PT80H"^^<{XSD}duration>' in objects


def test_a_changed_inline_context_is_compiled_again() -> None:
    context = copy.deepcopy(ELM_CONTEXT)
    document = elm_credential(**{"@context": [VC_V2, OB_303, context]})
    before = to_rdf_compiled(document)
    context["modeOfLearning"] = {"@id": "https://example.org/other-mode"}
    after = assert_same_dataset_or_fallback(document)
    assert before is not None and after is not None
    assert ("https://example.org/other-mode" in str(after)) and before != after


def test_numbers_and_booleans_are_told_apart_from_a_recent_context() -> None:
    protected = {"@protected": True, "exTerm": "https://example.org/term"}
    assert to_rdf_compiled(credential(**{"@context": [VC_V2, OB_303, protected]}, exTerm="x"))
    # Equal in Python (1 == True) but not a boolean: JSON-LD refuses it, jsonld.js too.
    loose = {"@protected": 1, "exTerm": "https://example.org/term"}
    assert to_rdf_compiled(credential(**{"@context": [VC_V2, OB_303, loose]}, exTerm="x")) is None


def test_invented_contexts_neither_grow_the_caches_without_bound_nor_lock_others_out() -> None:
    document = elm_credential()
    assert to_rdf_compiled(document) is not None
    for index in range(compiled._INLINE_CACHE_LIMIT + 5):
        invented = dict(ELM_CONTEXT, **{f"invented{index}": f"https://example.org/{index}"})
        other = credential(**{"@context": [VC_V2, OB_303, invented]})
        assert to_rdf_compiled(other) is not None
        assert len(compiled._inline_states) <= compiled._INLINE_CACHE_LIMIT
    assert assert_same_dataset_or_fallback(document)


INLINE_FALLBACKS = {
    f"an inline context with {name}": credential(
        **{"@context": [VC_V2, OB_303, {"exTerm": "https://example.org/term", **entry}]},
        exTerm="x",
    )
    for name, entry in {
        "@base": {"@base": "https://example.org/"},
        "@language": {"@language": "en"},
        "@direction": {"@direction": "ltr"},
        "@import": {"@import": DATA_INTEGRITY_V2},
        "@propagate": {"@propagate": True},
        "a relative @vocab": {"@vocab": "terms/"},
        "a keyword-like term": {"@nickname": "https://example.org/nickname"},
        "a term mapped to a keyword-like value": {"nickname": "@nickname"},
        "a term that is a compact IRI": {"ex:nickname": "https://example.org/nickname"},
        "a scoped context": {"Scoped": {"@id": "https://example.org/Scoped", "@context": {}}},
        "a reverse property": {"knownBy": {"@reverse": "https://example.org/knows"}},
        "a language on a term": {"motto": {"@id": "https://example.org/motto", "@language": "en"}},
        "a nested property": {"nested": {"@id": "@nest"}},
        "a blank node term": {"blank": "_:b0"},
    }.items()
}
INLINE_FALLBACKS.update(
    {
        "an inline context nested in a term definition": credential(
            **{"@context": [VC_V2, OB_303, {"@context": {"exTerm": "https://example.org/x"}}]}
        ),
        "an inline context redefining a protected term": credential(
            **{"@context": [VC_V2, OB_303, {"name": "https://example.org/name"}]}
        ),
        "a context list that is too long": credential(
            **{"@context": [VC_V2, OB_303] + [{"exTerm": "https://example.org/x"}] * 7}
        ),
        "an inline context with an unpinned URL": credential(
            **{"@context": [VC_V2, "https://example.org/context", ELM_CONTEXT]}
        ),
        "a null in the context list": credential(**{"@context": [VC_V2, OB_303, None]}),
        "an inline context that is not a JSON object": credential(
            **{"@context": [VC_V2, OB_303, ["https://example.org/x"]]}
        ),
        "an inline context with NaN": credential(
            **{"@context": [VC_V2, OB_303, {"@version": float("nan")}]}
        ),
    }
)


@pytest.mark.parametrize("name", sorted(INLINE_FALLBACKS))
def test_it_falls_back_on_inline_contexts_it_does_not_compile(name: str) -> None:
    document = INLINE_FALLBACKS[name]
    assert to_rdf_compiled(document) is None
    assert_agrees_with_the_general_path(document)


def test_the_general_path_refuses_a_protected_term_redefined_inline() -> None:
    # Both paths must refuse it; the compiled path by returning None (above).
    with pytest.raises(JsonLdError, match="protected term"):
        to_rdf(INLINE_FALLBACKS["an inline context redefining a protected term"])


# --- Generated inline contexts -------------------------------------------------------------
# Strategies draw from small pools (cheap to generate, and terms, prefixes and IRIs meet
# often enough to matter), mostly from what is well formed and sometimes from what is
# not: about half the documents are accepted by the general path, a third compiled.

# Term names: invented ones (some of which prefixes or IRI schemes use), those of the
# pinned contexts (many @protected, so redefining them is an error), and names JSON-LD
# reads as something other than a term.
INVENTED_TERMS = ["exA", "exB", "Thing", "b2", "my-term", "x.y", "_u", "elm", "xsd", "ex", "urn"]
PINNED_TERMS = [
    "id", "type", "name", "description", "issuer", "credentialSubject", "validFrom",
    "proof", "image", "url", "Achievement", "achievement", "Profile", "criteria",
    "VerifiableCredential", "OpenBadgeCredential", "AchievementSubject", "evidence",
    "creditsAvailable", "endorsement", "narrative",
]  # fmt: skip
ODD_TERMS = ["", "@foo", "@type", "a:b", "a/b", "ex:name", "https://example.org/t", "_:b"]
_TERM = (st.sampled_from(INVENTED_TERMS), st.sampled_from(PINNED_TERMS + ODD_TERMS))
_ONE_IN_EIGHT = st.integers(0, 7)
# Index draws: strategies built once, rather than one per example from its own terms.
_INDEX = [st.integers(0, size - 1) for size in range(1, 12)]


def _mostly(draw: st.DrawFn, choices: tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]) -> Any:
    """A draw from the first strategy, or about one time in eight from the second (the odd
    one). Hypothesis favours the ends of a range, so the odd choice is in its middle."""
    good, odd = choices
    return draw(odd if draw(_ONE_IN_EIGHT) == 4 else good)


_ABSOLUTE_IRIS = [f"https://example.org/{index}" for index in range(6)] + [
    "urn:ex:1", "https://example.org/ns#", "https://example.org/ns/", "http://schema.org/",
    "http://www.w3.org/2001/XMLSchema#", "https://example.org/a#b",
]  # fmt: skip
# IRI mappings: absolute IRIs, compact IRIs (expanded when the prefix is a term that may
# be a prefix), other terms (or, under @vocab, vocabulary-relative IRIs), and odd ones.
IRI_MAPPINGS = [
    *_ABSOLUTE_IRIS,
    *(
        f"{prefix}:{suffix}"
        for prefix in ("xsd", "elm", "ex", "exA", "Thing", "schema")
        for suffix in ("", "a", "integer")
    ),
    *INVENTED_TERMS,
]
ODD_IRI_MAPPINGS = [
    "", "_:b0", "@id", "@type", "@graph", "@foo", "https://ex.org/a b", "a/b", "name",
    "Achievement", "name:x",
]  # fmt: skip
COERCIONS = [
    "@id", "@vocab", "@none", XSD + "string", XSD + "integer", XSD + "boolean",
    XSD + "dateTime", "xsd:date", "https://example.org/datatype",
]  # fmt: skip
ODD_COERCIONS = ["@json", XSD + "double", RDF + "JSON", RDF + "langString", "relative", "@foo"]
CONTAINERS = ["@set", "@list", "@graph", ["@graph", "@set"], ["@set"]]
ODD_CONTAINERS = ["@language", "@index", "@id", "@type", ["@list", "@set"], "@foo"]


def _expanded_definitions(
    iris: list[Any], coercions: list[Any], containers: list[Any], protections: list[Any]
) -> list[dict[str, Any]]:
    definitions = []
    for values in itertools.product(iris, coercions, containers, protections):
        keys = ("@id", "@type", "@container", "@protected")
        definitions.append({k: v for k, v in zip(keys, values, strict=True) if v is not None})
    return definitions


_DEFINITION = (
    st.one_of(
        st.sampled_from(IRI_MAPPINGS),
        st.sampled_from(
            _expanded_definitions(
                [*_ABSOLUTE_IRIS[:3], "exA:a", "exA", None],
                [None, *COERCIONS],
                [None, None, *CONTAINERS],
                [None, True, False],
            )
        ),
    ),
    st.one_of(
        st.sampled_from(
            _expanded_definitions(
                [_ABSOLUTE_IRIS[0], "@id", "@type", None, *ODD_IRI_MAPPINGS[:3]],
                [None, *COERCIONS[:2], *ODD_COERCIONS],
                [None, *CONTAINERS[:2], *ODD_CONTAINERS],
                [None, True, 1, "yes"],
            )
        ),
        st.sampled_from(
            [
                None, *ODD_IRI_MAPPINGS,
                *({"@id": iri, "@prefix": True} for iri in _ABSOLUTE_IRIS),
                *({"@id": iri, "@prefix": False} for iri in _ABSOLUTE_IRIS),
                *(
                    {"@id": _ABSOLUTE_IRIS[0], key: value}
                    for key, value in (
                        ("@language", "en"), ("@language", "en_GB"), ("@language", None),
                        ("@direction", "rtl"), ("@context", {}), ("@context", None),
                        ("@context", {"inner": "https://example.org/inner"}), ("@nest", "@nest"),
                        ("@index", "https://example.org/index"), ("@prefix", "yes"),
                    )
                ),
                *({"@reverse": iri} for iri in IRI_MAPPINGS[:6]),
            ]
        ),
    ),
)  # fmt: skip


def _context_entries(
    vocabularies: list[Any], versions: list[Any], protections: list[Any]
) -> list[dict[str, Any]]:
    entries = []
    for values in itertools.product(vocabularies, versions, protections):
        keys = ("@vocab", "@version", "@protected")
        entries.append(
            {k: (None if v == "null" else v) for k, v in zip(keys, values, strict=True) if v}
        )
    return entries


_CONTEXT_ENTRIES = (
    st.sampled_from(
        _context_entries(
            [None, "https://example.org/vocab#", "https://example.org/v/", None],
            [None, 1.1],
            [None, True],
        )
    ),
    st.sampled_from(
        [
            *_context_entries(
                [None, "terms/", "", "xsd:", "null", "_:vocab"],
                [None, 1.0, "1.1"],
                [None, False, 1],
            ),
            {"@base": "https://example.org/base/"}, {"@base": "relative/"}, {"@base": None},
            {"@language": "en"}, {"@language": "en_GB"}, {"@language": None},
            {"@direction": "ltr"}, {"@direction": None}, {"@propagate": True},
            {"@propagate": False}, {"@import": DATA_INTEGRITY_V2},
            {"@import": "https://example.org/context"}, {"@type": {"@container": "@set"}},
        ]
    ),
)  # fmt: skip


@st.composite
def inline_contexts(draw: st.DrawFn) -> dict[str, Any]:
    context: dict[str, Any] = dict(_mostly(draw, _CONTEXT_ENTRIES))
    for _ in range(1 + draw(_INDEX[3])):
        context[_mostly(draw, _TERM)] = _mostly(draw, _DEFINITION)
    return context


_GOOD_SCALAR = st.sampled_from(
    [
        "text", "", "https://example.org/x", "urn:ex:1", "_:b1", "2026-01-01", "exA", "Thing",
        "VerifiableCredential", "\u00e9\n\"", 0, 1, -7, 2.5, 1e21, 2**53 - 1, True, False,
    ]
)  # fmt: skip
_ODD_SCALAR = st.sampled_from(
    [None, "relative", "xsd:integer", "elm:x", "name", "@id", "a b", 1e-7, 2**60, "\ud800"]
)
_SCALAR = (
    st.one_of(
        _GOOD_SCALAR,
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=4),
        st.integers(-(2**53), 2**53),
    ),
    st.one_of(_ODD_SCALAR, st.floats(), st.text(max_size=4)),
)
_VALUE_OBJECT_EXTRAS = st.sampled_from(
    [{}, {"@type": XSD + "integer"}, {"@type": "exA"}, {"@language": "en"}, {"@language": "EN"}]
)


_VALUE_KIND = [st.integers(0, 4), st.integers(0, 8)]
_CONTEXT_SHAPE = st.integers(0, 5)
_EXTRA_CONTEXT = {"exB": "https://example.org/exB", "exA": None}
_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]


def _pick(draw: st.DrawFn, choices: list[str]) -> str:
    return choices[draw(_INDEX[len(choices) - 1])]


def _values(draw: st.DrawFn, terms: list[str], depth: int = 0) -> Any:
    kind = draw(_VALUE_KIND[depth < 2])
    if kind <= 2:
        return _mostly(draw, _SCALAR)
    if kind <= 4:
        return _pick(draw, terms)  # a term as a value: an IRI under @vocab
    if kind == 5:
        return {"@value": _mostly(draw, _SCALAR), **draw(_VALUE_OBJECT_EXTRAS)}
    if kind == 6:
        return [_values(draw, terms, depth + 1) for _ in range(draw(_INDEX[3]))]
    keys = [*terms, "name", "type", "id"]
    return {_pick(draw, keys): _values(draw, terms, depth + 1) for _ in range(1 + draw(_INDEX[2]))}


@st.composite
def documents_with_inline_contexts(draw: st.DrawFn) -> dict[str, Any]:
    inline = draw(inline_contexts())
    terms = [term for term in inline if not term.startswith("@")][:10] or ["name"]
    shape = draw(_CONTEXT_SHAPE)
    context: Any = [
        [VC_V2, OB_303, inline],
        [VC_V2, OB_303, inline, _EXTRA_CONTEXT],
        [inline, VC_V2, OB_303],
        [VC_V2, inline],
        inline,
        [VC_V2, OB_303, inline],
    ][shape]
    document: dict[str, Any] = {"@context": context, "id": "urn:ex:document"}
    if draw(st.booleans()):
        document["type"] = [_pick(draw, [*_TYPES, *terms]) for _ in range(1 + draw(_INDEX[1]))]
    for _ in range(1 + draw(_INDEX[3])):
        document[_pick(draw, terms)] = _values(draw, terms)
    if draw(_INDEX[3]) == 0:
        # The same document as an embedded context: a presentation's credential.
        return {
            "@context": [VC_V2],
            "type": "VerifiablePresentation",
            "verifiableCredential": {"type": "VerifiableCredential", **document},
        }
    return document


@settings(
    max_examples=GENERATED_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents_with_inline_contexts())
def test_it_never_disagrees_on_generated_inline_contexts(document: dict[str, Any]) -> None:
    assert_agrees_with_the_general_path(document)


# Inline contexts the compiled path must compile: invented terms (never those of the
# pinned contexts), each with an IRI of its own, using only what the tables represent.
SUPPORTED_TERMS = ["exA", "exB", "exC", "exD", "exE"]
# (how the term gets its IRI, its @type, its @container, its @protected)
_SUPPORTED_SHAPES = st.sampled_from(
    list(
        itertools.product(
            ["absolute", "compact", "shorthand", "vocab"],
            [None, "@id", "@vocab", XSD + "string", XSD + "integer", XSD + "dateTime", "exP:t"],
            [None, "@set", "@list"],
            [None, True, False],
        )
    )
)
# (@vocab, @version, @protected) of the context; "@protected": false is refused by pyld's
# Context Processing, so by the general path too (jsonld.js accepts it).
_SUPPORTED_CONTEXT_ENTRIES = st.sampled_from(list(itertools.product(*[[False, True]] * 3)))
_SUPPORTED_DOCUMENT_SHAPES = st.sampled_from(
    list(itertools.product([(VC_V2, OB_303), (VC_V2,)], [[], ["ExType"], ["VerifiableCredential"]]))
)
_IRIS = ["https://example.org/x", "https://example.org/y#z", "urn:uuid:0b7d", "did:example:1"]
_TEXTS = ["text", "", "é\u2028", 'quote " and \\', "2026-01-01T00:00:00Z", "a\tb\x7f", "😀"]
_PLAIN = [
    *_TEXTS, 0, 7, -3, 2**52, 2.5, 1e20, 1e21, 1e-6, 0.1, True, False,
    {"@value": "v", "@language": "en"}, {"@value": "v", "@language": "pt-br"},
]  # fmt: skip
_VALUES_BY_COERCION = {
    None: st.one_of(
        st.sampled_from(_PLAIN),
        st.lists(st.sampled_from(_PLAIN), min_size=1, max_size=3),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=5),
    ),
    "@id": st.one_of(st.sampled_from(_IRIS), st.lists(st.sampled_from(_IRIS), max_size=3)),
    "@vocab": st.lists(st.sampled_from([*_IRIS, "ExType", "OtherType"]), min_size=1, max_size=3),
    "datatype": st.one_of(st.sampled_from(_TEXTS), st.lists(st.sampled_from(_TEXTS), max_size=3)),
}
_EMBEDDED_NODE = st.integers(0, 3)


@st.composite
def supported_documents(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(SUPPORTED_TERMS), min_size=1, max_size=4, unique=True))
    vocab, version, protected = draw(_SUPPORTED_CONTEXT_ENTRIES)
    context: dict[str, Any] = {"exP": "https://example.org/p/"}
    if vocab:
        context["@vocab"] = "https://example.org/vocab#"
    if version:
        context["@version"] = 1.1
    if protected:
        context["@protected"] = True
    pinned, types = draw(_SUPPORTED_DOCUMENT_SHAPES)
    document: dict[str, Any] = {
        "@context": [*pinned, context],
        "id": "urn:uuid:0b7d",
        "name": "A document",
    }
    if types:
        document["type"] = types
    for name in names:
        how, coercion, container, term_protected = draw(_SUPPORTED_SHAPES)
        if how == "vocab" and not vocab:
            how = "absolute"
        iri = {"absolute": f"https://example.org/term/{name}", "compact": f"exP:{name}"}.get(
            how, f"https://example.org/shorthand/{name}"
        )
        definition: dict[str, Any] = {} if how == "vocab" else {"@id": iri}
        for key, value in (
            ("@type", coercion), ("@container", container), ("@protected", term_protected)
        ):  # fmt: skip
            if value is not None:
                definition[key] = value
        context[name] = iri if how == "shorthand" and definition.keys() == {"@id"} else definition
        kind = coercion if coercion in (None, "@id", "@vocab") else "datatype"
        value = draw(_VALUES_BY_COERCION[kind])
        if container == "@list" and not isinstance(value, list):
            value = [value]
        if kind is None and draw(_EMBEDDED_NODE) == 0:
            value = {"type": "OtherType", name: "stated in an embedded node"}
        document[name] = value
    context["ExType"] = "https://example.org/types/ExType"
    context["OtherType"] = "https://example.org/types/OtherType"
    return _with_unique_values(document)


def _with_unique_values(document: dict[str, Any]) -> dict[str, Any]:
    """Drop repeated values of a property: equal numbers written alike (1 and 1.0) give
    a repeated literal, on which the compiled path rightly falls back."""
    for key, value in document.items():
        if isinstance(value, list) and key != "@context":
            fingerprints = set()
            unique = []
            for item in value:
                fingerprint = json.dumps(item, sort_keys=True)
                if isinstance(item, (int, float)) and not isinstance(item, bool):
                    fingerprint = repr(float(item))
                if fingerprint not in fingerprints:
                    fingerprints.add(fingerprint)
                    unique.append(item)
            document[key] = unique
    return document


@settings(
    max_examples=SUPPORTED_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(supported_documents())
def test_it_compiles_simple_inline_contexts_and_matches_the_general_path(
    document: dict[str, Any],
) -> None:
    quads = assert_agrees_with_the_general_path(document)
    assert quads is not None, "the general path accepts it and the compiled path should too"
