"""Micro-benchmark of JSON-LD to RDF: the compiled path against pyld and the general path.

Run: ``.venv/bin/python benchmarks/to_rdf.py`` (``--quick`` for a smoke run). For each
document it prints the median time of one call, over several runs, of

* ``to_rdf_compiled`` (credstack.standards.jsonld.compiled), the fast path;
* ``pyld.jsonld.to_rdf`` with the frozen loader and no base (the reference);
* ``to_rdf`` (credstack.standards.jsonld.to_rdf), the general path with safe mode.

Documents: the 1EdTech OB 3.0 Data Integrity vector's credential, a realistic
micro-credential (OB 3.0 with an issuer profile, an achievement carrying EU
micro-credential fields: learning outcomes as alignments and a result description,
credits, an EQF level alignment, criteria, evidence, a result and a status entry), and
that micro-credential as the platform issues it: with the inline ELM context
(``credstack.issuing.elm.ELM_CONTEXT``) and the EU elements in ELM terms.
Every path is warmed up first (PITFALLS.md §9), and the compiled path's dataset is checked
against to_rdf's before timing. Times are the thread's CPU time, so that other work on a
shared machine does not count.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from pyld import jsonld  # noqa: E402

from credstack.issuing.elm import ELM_CONTEXT  # noqa: E402
from credstack.standards.jsonld.canonicalization import canonicalize  # noqa: E402
from credstack.standards.jsonld.compiled import to_rdf_compiled  # noqa: E402
from credstack.standards.jsonld.document_loader import document_loader  # noqa: E402
from credstack.standards.jsonld.to_rdf import to_rdf  # noqa: E402
from tests.shared_data import read_json  # noqa: E402

MICRO_CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:6c1f0a2e-8d4b-4f7a-9c3e-2b5d7e9f1a03",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Sustainable Urban Mobility (micro-credential)",
    "issuer": {
        "id": "https://credentials.univ.example/issuers/faculty-of-engineering",
        "type": ["Profile"],
        "name": "University of Example, Faculty of Engineering",
        "url": "https://www.univ.example/engineering",
        "email": "micro-credentials@univ.example",
        "address": {
            "type": ["Address"],
            "addressCountry": "Netherlands",
            "addressCountryCode": "NL",
            "addressLocality": "Delft",
        },
    },
    "validFrom": "2026-07-01T09:00:00Z",
    "awardedDate": "2026-06-30T16:00:00Z",
    "credentialSubject": {
        "id": "did:example:learner-4711",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://credentials.univ.example/achievements/sustainable-mobility/2026",
            "type": ["Achievement"],
            "achievementType": "MicroCredential",
            "name": "Sustainable Urban Mobility",
            "description": "Plan, model and evaluate low-carbon transport for mid-size cities.",
            "criteria": {
                "narrative": "Pass the graded project (60%) and the online examination (40%)."
            },
            "creditsAvailable": 4,
            "fieldOfStudy": "Transport engineering",
            "inLanguage": "en",
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetName": "EQF level 7",
                    "targetFramework": "European Qualifications Framework",
                    "targetType": "ext:EQFLevel",
                    "targetUrl": "https://europa.eu/europass/en/description-eight-eqf-levels",
                    "targetCode": "7",
                },
                {
                    "type": ["Alignment"],
                    "targetName": "Model the carbon impact of a transport plan",
                    "targetFramework": "Learning outcomes",
                    "targetType": "ext:LearningOutcome",
                    "targetUrl": "https://credentials.univ.example/outcomes/sum-1",
                },
                {
                    "type": ["Alignment"],
                    "targetName": "Evaluate mobility policies with stakeholders",
                    "targetFramework": "Learning outcomes",
                    "targetType": "ext:LearningOutcome",
                    "targetUrl": "https://credentials.univ.example/outcomes/sum-2",
                },
            ],
            "resultDescription": [
                {
                    "id": "https://credentials.univ.example/achievements/sustainable-mobility/grade",
                    "type": ["ResultDescription"],
                    "name": "Final grade",
                    "resultType": "GradePointAverage",
                    "valueMin": "1",
                    "valueMax": "10",
                    "requiredValue": "5.5",
                }
            ],
        },
        "result": [
            {
                "type": ["Result"],
                "resultDescription": (
                    "https://credentials.univ.example/achievements/sustainable-mobility/grade"
                ),
                "value": "8.0",
            }
        ],
    },
    "evidence": [
        {
            "id": "https://credentials.univ.example/evidence/4711/project",
            "type": ["Evidence"],
            "name": "Graded project",
            "narrative": "A low-carbon mobility plan for the city of Example.",
        }
    ],
    "credentialStatus": {
        "id": "https://credentials.univ.example/status/3#4711",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "4711",
        "statusListCredential": "https://credentials.univ.example/status/3",
    },
}


def with_elm_terms(credential: dict[str, Any]) -> dict[str, Any]:
    """``credential`` with the inline ELM context and EU elements, as awards carry them."""
    document = copy.deepcopy(credential)
    document["@context"] = [*document["@context"], ELM_CONTEXT]
    document["credentialSubject"]["achievement"].update(
        {
            "awardingBody": [
                {
                    "type": "Organisation",
                    "name": "University of Example",
                    "homepage": "https://www.univ.example",
                    "countryCode": "NL",
                }
            ],
            "learningOutcome": [
                "Model the carbon impact of a transport plan",
                "Evaluate mobility policies with stakeholders",
            ],
            "volumeOfLearning": "PT112H",
            "cycle": "second",
            "assessmentType": "Graded project and online examination",
            "modeOfLearning": "blended",
            "qualityAssurance": "Internal QA, accredited by NVAO",
            "EQFLevel": "http://data.europa.eu/snb/eqf/7",
        }
    )
    return document


ELM_MICRO_CREDENTIAL = with_elm_terms(MICRO_CREDENTIAL)


def pyld_to_rdf(document: dict[str, Any]) -> Any:
    return jsonld.to_rdf(document, {"documentLoader": document_loader, "base": None})


def median_microseconds(function: Callable[[], Any], calls: int, runs: int) -> float:
    """Median over ``runs`` of the thread's CPU time per call (the machine may be shared)."""
    for _ in range(min(calls, 20)):  # warm up
        function()
    timings = []
    for _ in range(runs):
        start = time.thread_time()
        for _ in range(calls):
            function()
        timings.append((time.thread_time() - start) / calls)
    return statistics.median(timings) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    arguments = parser.parse_args()
    runs = 3 if arguments.quick else 7
    fast_calls = 50 if arguments.quick else 2000
    slow_calls = 3 if arguments.quick else 40

    vector = read_json("vectors", "1edtech-ob3-di", "ob-vector.json")
    documents = [
        ("1EdTech OB 3.0 vector", vector["unsigned"]),
        ("micro-credential", MICRO_CREDENTIAL),
        ("micro-credential + ELM", ELM_MICRO_CREDENTIAL),
    ]
    print(f"median of {runs} runs, CPU microseconds per call")
    print(f"{'document':24} {'quads':>5} {'compiled':>9} {'pyld':>9} {'to_rdf':>9} {'speed-up':>9}")
    for name, document in documents:
        quads = to_rdf_compiled(document)
        if quads is None:
            raise SystemExit(f"{name}: the compiled path fell back")
        if canonicalize(quads) != canonicalize(to_rdf(document)):
            raise SystemExit(f"{name}: the compiled path and to_rdf disagree")
        compiled = median_microseconds(lambda d=document: to_rdf_compiled(d), fast_calls, runs)
        reference = median_microseconds(lambda d=document: pyld_to_rdf(d), slow_calls, runs)
        general = median_microseconds(lambda d=document: to_rdf(d), slow_calls, runs)
        print(
            f"{name:24} {len(quads):5d} {compiled:9.1f} {reference:9.1f} {general:9.1f}"
            f" {reference / compiled:8.0f}x"
        )


if __name__ == "__main__":
    main()
