"""to_rdf against jsonld.js in safe mode (``canonize`` with ``safe: true, base: null``).

jsonld.js is the JSON-LD processor of Digital Bazaar's signing libraries. For each
document both implementations must agree: both refuse it, or both accept it and give the
same canonical N-Quads. The only exceptions are the documented cases in which credstack
is stricter (docs/jsonld-safe-mode.md); for those jsonld.js must still accept, so the
list stays true.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

from credstack.standards.errors import JsonLdError
from credstack.standards.jsonld.canonicalization import canonicalize
from credstack.standards.jsonld.to_rdf import to_rdf
from tests.interop import digital_bazaar
from tests.shared_data import fixture_path, read_json
from tests.standards.test_to_rdf import UNSAFE_CASES

pytestmark = pytest.mark.interop

_CANONIZE = """
import jsonld from "jsonld";
import {readFileSync} from "node:fs";
import {documentLoader} from "./lib/offline-loader.mjs";
const results = [];
for (const document of JSON.parse(readFileSync(0, "utf8"))) {
  try {
    const nquads = await jsonld.canonize(document, {
      algorithm: "RDFC-1.0", format: "application/n-quads", safe: true, base: null,
      documentLoader});
    results.push({nquads});
  } catch (error) {
    results.push({error: error.details?.event?.code ?? error.details?.code ?? error.message});
  }
}
process.stdout.write(JSON.stringify(results));
"""

# Cases of tests/standards/test_to_rdf.py that jsonld.js signs and credstack refuses.
STRICTER_THAN_JSONLD_JS = {
    "IRI with a character N-Quads cannot hold",
    "number that jsonld.js writes as 0",
    "integer beyond 2**53",
    "xsd:double string that is not a number",
    "empty IRI of an @id-typed property",
    "malformed @language of a term definition",
}


def jsonld_js_canonize(documents: list[Any]) -> list[dict[str, str]]:
    node = digital_bazaar.require_digital_bazaar()
    completed = subprocess.run(
        [node, "--input-type=module", "-e", _CANONIZE],
        input=json.dumps(documents),
        capture_output=True,
        text=True,
        cwd=digital_bazaar.INTEROP_DIR,
        timeout=digital_bazaar.NODE_TIMEOUT_SECONDS,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    results: list[dict[str, str]] = json.loads(completed.stdout)
    assert len(results) == len(documents)
    return results


def credstack_canonize(document: Any) -> str | None:
    try:
        return canonicalize(to_rdf(document))
    except JsonLdError:
        return None


def _assert_agreement(names: list[str], documents: list[Any]) -> None:
    disagreements = []
    for name, document, theirs in zip(names, documents, jsonld_js_canonize(documents), strict=True):
        ours = credstack_canonize(document)
        if ours is None and "error" in theirs:
            continue
        if ours is not None and theirs.get("nquads") == ours:
            continue
        disagreements.append(f"{name}: jsonld.js {theirs}, credstack {ours!r}")
    assert not disagreements, "\n".join(disagreements)


def test_it_agrees_with_jsonld_js_on_the_validator_fixtures_and_vectors() -> None:
    root = fixture_path()
    paths = sorted(p for folder in ("ob30", "clr20") for p in (root / folder).glob("*.json"))
    names = [str(p.relative_to(root)) for p in paths]
    documents = [json.loads(Path(p).read_text("utf-8")) for p in paths]
    ob = read_json("vectors", "1edtech-ob3-di", "ob-vector.json")
    names += ["ob-vector unsigned", "ob-vector signed", "w3c unsigned"]
    documents += [
        ob["unsigned"],
        ob["signed"],
        read_json("vectors", "w3c-vc-di-eddsa", "unsigned.json"),
    ]
    _assert_agreement(names, documents)


def test_it_agrees_with_jsonld_js_on_the_safe_mode_cases() -> None:
    names, documents = [], []
    for case, (unsafe, _, valid) in UNSAFE_CASES.items():
        if case not in STRICTER_THAN_JSONLD_JS:
            names.append(f"{case} (unsafe)")
            documents.append(unsafe)
        names.append(f"{case} (valid)")
        documents.append(valid)
    _assert_agreement(names, documents)


def test_jsonld_js_still_signs_what_credstack_refuses() -> None:
    documents = [UNSAFE_CASES[case][0] for case in sorted(STRICTER_THAN_JSONLD_JS)]
    for case, document, theirs in zip(
        sorted(STRICTER_THAN_JSONLD_JS), documents, jsonld_js_canonize(documents), strict=True
    ):
        assert "nquads" in theirs, case
        assert credstack_canonize(document) is None, case


# --- Generated documents -----------------------------------------------------------------

_CONTEXT = {
    "s": "https://schema.org/",
    "p": "https://example.com/p",
    "T": "https://example.com/T",
    "lst": {"@id": "https://example.com/lst", "@container": "@list"},
    "lang": {"@id": "https://example.com/lang", "@container": "@language"},
    "ref": {"@id": "https://example.com/ref", "@type": "@id"},
    "voc": {"@id": "https://example.com/voc", "@type": "@vocab"},
    "js": {"@id": "https://example.com/js", "@type": "@json"},
    "claims": {"@id": "https://example.com/claims", "@container": "@graph"},
    "meta": "@nest",
}
_KEYS = [
    "@id", "@type", "@value", "@language", "@list", "@set", "@graph", "@reverse",
    "@included", "s:name", "s:knows", "p", "lst", "lang", "ref", "voc", "js", "claims",
    "meta", "undefined",
]  # fmt: skip
_SCALARS: list[Any] = [
    None, True, False, 0, 7, -3, 2**40, 0.5, -2.25, 1.1, 1e21, 123.456, "x", "T", "en",
    "EN-gb", "en_GB", "urn:x", "_:b1", "https://example.com/a", "relative", "@id", "@json",
    "s:Thing", "ltr",
]  # fmt: skip


def _generate(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth >= 3 or roll < 0.45:
        return rng.choice(_SCALARS)
    if roll < 0.65:
        return [_generate(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(_KEYS): _generate(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def test_it_agrees_with_jsonld_js_on_generated_documents() -> None:
    rng = random.Random(20261122)
    documents = []
    for _ in range(400):
        body = _generate(rng, 0)
        if not isinstance(body, dict):
            body = {"s:name": body}
        documents.append({"@context": _CONTEXT, **body})
    _assert_agreement([f"generated #{i}" for i in range(len(documents))], documents)
