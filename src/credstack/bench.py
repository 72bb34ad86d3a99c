"""Sign and verify throughput of the Data Integrity suites, on one core.

``credstack bench`` prints these figures; they are measurements, not tests. Each figure
is the median of several timed runs after a warm-up, because machines are shared and
noisy. Verification here is what a verifier does per credential: resolve the
verification method (did:key, locally) and check the proof.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable
from importlib import resources
from typing import Any

from credstack.standards import sign
from credstack.standards.dataintegrity.proofs import SIGNING_SUITES, verify_proofs
from credstack.standards.fetch import OfflineFetcher
from credstack.standards.jsonld.to_rdf import to_rdf
from credstack.standards.keys.multikey import Ed25519KeyPair
from credstack.standards.keys.verification_method import resolve_verification_method

CREATED = "2026-01-01T00:00:00Z"


def default_credential() -> dict[str, Any]:
    """The benchmark micro-credential: an OpenBadgeCredential with the EU elements."""
    text = resources.files("credstack.examples").joinpath("micro-credential.json").read_text()
    document: dict[str, Any] = json.loads(text)
    return document


def _rates(operation: Callable[[], object], seconds: float) -> tuple[float, float]:
    """Calls per second of ``operation`` over about ``seconds`` of wall time: by wall
    time, and by this process's CPU time (which other work on a busy machine inflates
    less)."""
    count = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    deadline = start + seconds
    while True:
        operation()
        count += 1
        now = time.perf_counter()
        if now >= deadline:
            cpu = time.process_time() - cpu_start
            return count / (now - start), count / cpu if cpu > 0 else 0.0


def run_benchmark(
    document: dict[str, Any], *, runs: int = 5, seconds: float = 1.0
) -> dict[str, Any]:
    """Median sign/s and verify/s per suite for ``document`` (an unsigned credential), by
    wall time (``sign_per_s``, ``verify_per_s``) and by CPU time (``sign_per_cpu_s``,
    ``verify_per_cpu_s``)."""
    key_pair = Ed25519KeyPair.generate()
    fetcher = OfflineFetcher()

    def resolve(method_id: str) -> Any:
        return resolve_verification_method(method_id, fetcher=fetcher).public_key

    rows = []
    for suite in SIGNING_SUITES:
        signed = sign(document, key_pair, suite=suite, created=CREATED)
        assert isinstance(signed, dict)
        if verify_proofs(signed, resolve)[0].outcome != "verified":
            raise RuntimeError(f"{suite}: the benchmark credential does not verify")

        def sign_once(suite: str = suite) -> object:
            return sign(document, key_pair, suite=suite, created=CREATED)

        def verify_once(signed: dict[str, Any] = signed) -> object:
            return verify_proofs(signed, resolve)

        sign_once()
        verify_once()
        sign_rates = [_rates(sign_once, seconds) for _ in range(runs)]
        verify_rates = [_rates(verify_once, seconds) for _ in range(runs)]
        rows.append(
            {
                "suite": suite,
                "sign_per_s": round(statistics.median(r[0] for r in sign_rates), 1),
                "verify_per_s": round(statistics.median(r[0] for r in verify_rates), 1),
                "sign_per_cpu_s": round(statistics.median(r[1] for r in sign_rates), 1),
                "verify_per_cpu_s": round(statistics.median(r[1] for r in verify_rates), 1),
                "sign_runs": [round(r[0], 1) for r in sign_rates],
                "verify_runs": [round(r[0], 1) for r in verify_rates],
            }
        )
    return {
        "quads": len(to_rdf(document)),
        "runs": runs,
        "seconds_per_run": seconds,
        "python": platform.python_version(),
        "suites": rows,
    }
