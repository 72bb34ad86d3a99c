"""RDFC-1.0 against the W3C rdf-canon test suite (vectors/w3c-rdf-canon, w3c/rdf-canon
tests/ at commit 15619df), the project's regression vectors and the signing vectors'
canonical forms (w3c/vc-di-eddsa TestVectors, 1EdTech OB 3.0 Data Integrity vectors)."""

from __future__ import annotations

import itertools
import json
import math
import random
import subprocess
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.standards.errors import CanonicalizationError, CanonicalizationLimitError
from credstack.standards.jsonld.canonicalization import (
    DEFAULT_MAX_WORK,
    CanonicalizationState,
    _permutations,
    canonicalize,
    issued_identifiers,
    relabel,
    utf16_order_matters,
)
from credstack.standards.jsonld.nquads import Quad, literal, parse_nquads, serialize_quads
from tests.shared_data import read_json, read_text, standards_path

SUITE = ("vectors", "w3c-rdf-canon")


def _suite_entries(kind: str) -> list[Any]:
    manifest = read_json(*SUITE, "manifest.jsonld")
    return [
        pytest.param(entry, id=entry["id"].lstrip("#"))
        for entry in manifest["entries"]
        if entry["type"] == f"rdfc:{kind}"
    ]


def _hash_algorithm(entry: dict[str, Any]) -> str:
    return str(entry.get("hashAlgorithm", "SHA256"))


def _blank_labels(quads: list[Quad]) -> list[str]:
    return sorted({term[2:] for quad in quads for term in quad if term.startswith("_:")})


def _scramble(quads: list[Quad], rng: random.Random) -> list[Quad]:
    """The same dataset with fresh blank node labels and the quads in another order."""
    labels = _blank_labels(quads)
    fresh = [f"r{rng.getrandbits(40):x}x{index}" for index in range(len(labels))]
    rng.shuffle(fresh)
    scrambled = relabel(quads, dict(zip(labels, fresh, strict=True)))
    rng.shuffle(scrambled)
    return scrambled


def test_the_manifest_holds_the_whole_suite() -> None:
    assert len(_suite_entries("RDFC10EvalTest")) == 64
    assert len(_suite_entries("RDFC10MapTest")) == 21
    assert len(_suite_entries("RDFC10NegativeEvalTest")) == 1


@pytest.mark.parametrize("entry", _suite_entries("RDFC10EvalTest"))
def test_it_passes_the_w3c_evaluation_test(entry: dict[str, Any]) -> None:
    quads = parse_nquads(read_text(*SUITE, entry["action"]))
    expected = read_text(*SUITE, entry["result"])
    assert canonicalize(quads, hash_algorithm=_hash_algorithm(entry)) == expected


@pytest.mark.parametrize("entry", _suite_entries("RDFC10MapTest"))
def test_it_passes_the_w3c_map_test(entry: dict[str, Any]) -> None:
    quads = parse_nquads(read_text(*SUITE, entry["action"]))
    labels = issued_identifiers(quads, hash_algorithm=_hash_algorithm(entry))
    assert labels == read_json(*SUITE, entry["result"])
    assert sorted(labels) == _blank_labels(quads)


@pytest.mark.parametrize("entry", _suite_entries("RDFC10NegativeEvalTest"))
def test_it_refuses_the_w3c_poison_graph(entry: dict[str, Any]) -> None:
    quads = parse_nquads(read_text(*SUITE, entry["action"]))
    with pytest.raises(CanonicalizationLimitError, match="units of work"):
        canonicalize(quads, hash_algorithm=_hash_algorithm(entry))


@pytest.mark.parametrize("test", ["test044", "test045", "test046"])
def test_it_computes_the_suites_evil_graphs_well_within_the_default_bound(test: str) -> None:
    state = CanonicalizationState(
        parse_nquads(read_text(*SUITE, "rdfc10", f"{test}-in.nq")),
        hash_algorithm="sha256",
        max_work=DEFAULT_MAX_WORK,
    )
    state.run()
    assert 0 < state.work < DEFAULT_MAX_WORK / 5


def test_it_labels_blank_node_named_graphs_as_jsonld_js_does() -> None:
    quads = parse_nquads(read_text("vectors", "regressions", "blank-graph-names-in.nq"))
    expected = read_text("vectors", "regressions", "blank-graph-names-rdfc10.nq")
    assert canonicalize(quads) == expected
    for seed in range(10):
        assert canonicalize(_scramble(quads, random.Random(seed))) == expected


def _signing_canonical_forms() -> list[str]:
    vectors = standards_path("vectors")
    paths = [
        *vectors.glob("w3c-vc-di-eddsa/*/canonDoc*.txt"),
        *vectors.glob("w3c-vc-di-eddsa/*/proofCanon*.txt"),
        *vectors.glob("1edtech-ob3-di/*-canon.txt"),
    ]
    names = sorted(str(path.relative_to(vectors)) for path in paths if "JCS" not in path.name)
    assert len(names) == 8
    return names


@pytest.mark.parametrize("name", _signing_canonical_forms())
def test_it_keeps_a_signing_vectors_canonical_form_as_it_is(name: str) -> None:
    text = read_text("vectors", *name.split("/"))
    quads = parse_nquads(text)
    rng = random.Random(name)
    for _ in range(5):
        assert canonicalize(_scramble(quads, rng)) == text


def test_it_escapes_control_characters_as_rdfc_1_0_requires() -> None:
    quads = [
        ("<urn:ex:s>", "<urn:ex:p>", literal("\b\t\n\x0b\f\r\"\\\x7f\x00\x1f\x80'"), "_:g"),
        ("_:g", "<urn:ex:p>", literal("x", language="en"), ""),
    ]
    assert canonicalize(quads) == (
        '<urn:ex:s> <urn:ex:p> "\\b\\t\\n\\u000B\\f\\r\\"\\\\\\u007F\\u0000\\u001F\x80\'" '
        "_:c14n0 .\n"
        '_:c14n0 <urn:ex:p> "x"@en .\n'
    )


def test_it_counts_duplicate_quads_once() -> None:
    quad = ("_:a", "<urn:ex:p>", '"v"', "")
    assert canonicalize([quad, quad, quad]) == '_:c14n0 <urn:ex:p> "v" .\n'


def test_it_needs_no_work_when_every_first_degree_hash_is_unique() -> None:
    quads = parse_nquads(read_text("vectors", "1edtech-ob3-di", "clr-document-canon.txt"))
    assert canonicalize(quads, max_work=0) == canonicalize(quads)


def test_it_refuses_a_symmetric_graph_past_the_bound_it_is_given() -> None:
    quads = parse_nquads(read_text(*SUITE, "rdfc10", "test021-in.nq"))
    with pytest.raises(CanonicalizationLimitError):
        canonicalize(quads, max_work=1)
    canonicalize(quads, max_work=100)


def _list_of_identical_items(length: int) -> list[Quad]:
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    quads: list[Quad] = []
    for index in range(length):
        quads.append((f"_:l{index}", f"<{rdf}first>", '"x"', ""))
        following = f"_:l{index + 1}" if index + 1 < length else f"<{rdf}nil>"
        quads.append((f"_:l{index}", f"<{rdf}rest>", following, ""))
    return quads


def test_it_canonicalizes_a_short_list_of_identical_items() -> None:
    quads = _list_of_identical_items(12)
    assert canonicalize(_scramble(quads, random.Random(1))) == canonicalize(quads)


@pytest.mark.parametrize("length", [400, 5000])
def test_it_refuses_a_long_chain_of_look_alike_blank_nodes_with_the_limit_error(
    length: int,
) -> None:
    with pytest.raises(CanonicalizationLimitError):
        canonicalize(_list_of_identical_items(length))


def test_it_refuses_a_clique_of_blank_nodes_with_many_predicates() -> None:
    quads = [
        (f"_:n{i}", f"<urn:ex:p{k}>", f"_:n{j}", "")
        for i, j in itertools.permutations(range(8), 2)
        for k in range(20)
    ]
    with pytest.raises(CanonicalizationLimitError):
        canonicalize(quads)


def test_it_reports_a_lone_surrogate_as_a_canonicalization_error() -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize([("_:a", "<urn:ex:p>", '"\ud800"', "")])


def test_it_rejects_an_unknown_hash_algorithm_as_a_caller_mistake() -> None:
    with pytest.raises(ValueError, match="hash algorithm"):
        canonicalize([], hash_algorithm="md5")


@pytest.mark.parametrize(
    "bad",
    [("_:a", "<urn:ex:p>", '"v"'), ["_:a", "<urn:ex:p>", '"v"', ""], ("_:a", "<p>", 1, "")],
)
def test_it_rejects_what_is_not_a_quad_as_a_caller_mistake(bad: Any) -> None:
    with pytest.raises(TypeError):
        canonicalize([bad])


def test_it_relabels_only_blank_nodes() -> None:
    quads = [("_:a", "<urn:ex:p>", '"_:a"', "_:g")]
    assert relabel(quads, {"a": "x", "g": "y"}) == [("_:x", "<urn:ex:p>", '"_:a"', "_:y")]
    with pytest.raises(KeyError):
        relabel(quads, {"a": "x"})


@pytest.mark.parametrize("length", range(1, 6))
def test_it_explores_every_permutation_once_starting_from_the_sorted_order(length: int) -> None:
    items = [f"_:b{index}" for index in reversed(range(length))]
    permutations = [tuple(p) for p in _permutations(items)]
    assert permutations[0] == tuple(sorted(items))
    assert len(permutations) == math.factorial(length) == len(set(permutations))


_labels = st.sampled_from(["a", "b", "c", "d", "e", "f"])
_node = st.one_of(_labels.map(lambda label: f"_:{label}"), st.sampled_from(["<urn:ex:i>"]))
_quads = st.lists(
    st.tuples(
        _node,
        st.sampled_from(["<urn:ex:p>", "<urn:ex:q>"]),
        st.one_of(_node, st.sampled_from(['"v"', '"w"@en'])),
        st.one_of(st.just(""), _node),
    ),
    max_size=10,
)


@settings(max_examples=100, deadline=None)
@given(_quads, st.randoms(use_true_random=False))
def test_the_canonical_form_ignores_quad_order_and_blank_node_labels(
    quads: list[Quad], rng: random.Random
) -> None:
    assert canonicalize(_scramble(quads, rng)) == canonicalize(quads)


@settings(max_examples=100, deadline=None)
@given(_quads)
def test_canonicalizing_the_canonical_form_changes_nothing(quads: list[Quad]) -> None:
    canonical = canonicalize(quads)
    assert canonicalize(parse_nquads(canonical)) == canonical
    labels = issued_identifiers(quads)
    assert canonicalize(relabel(quads, labels)) == canonical


# Differential test against jsonld.js's rdf-canonize (Digital Bazaar; 5.0.0 in
# interop/node_modules, a dependency of jsonld 9.0.0 there).
_RDF_CANONIZE_SCRIPT = """
import {pathToFileURL} from 'node:url';
const {default: canonize} = await import(pathToFileURL(process.argv[1]).href);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const results = [];
for (const document of JSON.parse(Buffer.concat(chunks).toString('utf8'))) {
  const dataset = canonize.NQuads.parse(document);
  results.push(await canonize.canonize(
    dataset, {algorithm: 'RDFC-1.0', maxWorkFactor: 3, format: 'application/n-quads'}));
}
process.stdout.write(JSON.stringify(results));
"""


def _random_dataset(rng: random.Random) -> list[Quad]:
    nodes = [f"_:{label}" for label in "abcdefg"[: rng.randint(1, 7)]]
    nodes += ["<urn:ex:i>", "<urn:ex:\U0001f303>"]
    literals = ['"v"', '"w"@en', literal("\U0001f303"), literal("\uff5e"), literal("\x01\x7f\b")]
    return [
        (
            rng.choice(nodes),
            rng.choice(["<urn:ex:p>", "<urn:ex:q>"]),
            rng.choice(nodes + literals),
            rng.choice(["", "", rng.choice(nodes)]),
        )
        for _ in range(rng.randint(1, 14))
    ]


@pytest.mark.interop
def test_it_agrees_with_jsonld_js_on_random_datasets() -> None:
    from tests.interop.digital_bazaar import INTEROP_DIR, require_digital_bazaar

    node = require_digital_bazaar()
    rng = random.Random(20260115)
    datasets = [_random_dataset(rng) for _ in range(400)]
    completed = subprocess.run(
        [
            node,
            "--input-type=module",
            "-e",
            _RDF_CANONIZE_SCRIPT,
            str(INTEROP_DIR / "node_modules" / "rdf-canonize" / "index.js"),
        ],
        input=json.dumps([serialize_quads(dataset) for dataset in datasets]),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    expected = json.loads(completed.stdout)
    order_mattered = 0
    for dataset, theirs in zip(datasets, expected, strict=True):
        assert canonicalize(dataset, utf16_order=True) == theirs
        if utf16_order_matters(dataset):
            order_mattered += canonicalize(dataset) != theirs
        else:
            assert canonicalize(dataset) == theirs
    assert order_mattered > 0  # the sample does reach the case where the orders differ


def test_it_sorts_by_code_point_unless_asked_for_jsonld_js_utf16_order() -> None:
    emoji = ("<urn:ex:s>", "<urn:ex:p>", literal("\U0001f303"), "")
    fullwidth_tilde = ("<urn:ex:s>", "<urn:ex:p>", literal("\uff5e"), "")
    assert utf16_order_matters([emoji, fullwidth_tilde])
    assert not utf16_order_matters([fullwidth_tilde])
    code_point = canonicalize([emoji, fullwidth_tilde]).splitlines()
    assert code_point == [
        '<urn:ex:s> <urn:ex:p> "\uff5e" .',
        '<urn:ex:s> <urn:ex:p> "\U0001f303" .',
    ]
    utf16 = canonicalize([emoji, fullwidth_tilde], utf16_order=True).splitlines()
    assert utf16 == code_point[::-1]
