"""Micro-benchmark of RDFC-1.0 canonicalization (credstack.standards.jsonld.canonicalization).

Run: ``.venv/bin/python benchmarks/canonicalization.py`` (``--quick`` for a smoke run of
few calls). For each canonical document it parses the N-Quads, gives the blank nodes
fresh random labels and shuffles the quads, then prints the median time of one
``canonicalize()`` call over many runs. Last, it times the refusal of the W3C suite's
poison graph (test074, a 10-node clique) under the default work bound, in CPU time so
that a busy machine does not inflate it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from credstack.standards.errors import CanonicalizationLimitError  # noqa: E402
from credstack.standards.jsonld.canonicalization import canonicalize, relabel  # noqa: E402
from credstack.standards.jsonld.nquads import Quad, parse_nquads  # noqa: E402
from tests.shared_data import read_text  # noqa: E402

DOCUMENTS = [
    ("1EdTech OB 3.0 document", ("vectors", "1edtech-ob3-di", "ob-document-canon.txt")),
    ("1EdTech CLR 2.0 document", ("vectors", "1edtech-ob3-di", "clr-document-canon.txt")),
    ("blank-node named graphs", ("vectors", "regressions", "blank-graph-names-rdfc10.nq")),
]
RUNS = 2000


def shuffled(quads: list[Quad], rng: random.Random) -> list[Quad]:
    labels = sorted({term[2:] for quad in quads for term in quad if term.startswith("_:")})
    fresh = {label: f"n{rng.getrandbits(48):x}" for label in labels}
    result = relabel(quads, fresh)
    rng.shuffle(result)
    return result


def measure(parts: tuple[str, ...], rng: random.Random, runs: int = RUNS) -> tuple[int, int, float]:
    expected = read_text(*parts)
    quads = parse_nquads(expected)
    inputs = [shuffled(quads, rng) for _ in range(runs)]
    for quads_in in inputs[:50]:  # warm up
        assert canonicalize(quads_in) == expected
    timings = []
    for quads_in in inputs:
        start = time.perf_counter()
        canonicalize(quads_in)
        timings.append(time.perf_counter() - start)
    blank_nodes = len({t for q in quads for t in q if t.startswith("_:")})
    return len(quads), blank_nodes, statistics.median(timings) * 1e6


def refusal_milliseconds(runs: int = 5) -> float:
    poison = parse_nquads(read_text("vectors", "w3c-rdf-canon", "rdfc10", "test074-in.nq"))
    timings = []
    for _ in range(runs):
        start = time.process_time()
        try:
            canonicalize(poison)
        except CanonicalizationLimitError:
            timings.append(time.process_time() - start)
        else:
            raise AssertionError("the poison graph was canonicalized")
    return statistics.median(timings) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: few runs")
    quick = parser.parse_args().quick
    rng = random.Random(8785)
    for name, parts in DOCUMENTS:
        quads, blank_nodes, micros = measure(parts, rng, runs=50 if quick else RUNS)
        print(f"{name}: {quads} quads, {blank_nodes} blank nodes: {micros:.1f} µs median")
    refusal = refusal_milliseconds(runs=1 if quick else 5)
    print(f"poison graph (W3C test074) refused in {refusal:.0f} ms CPU median")


if __name__ == "__main__":
    main()
