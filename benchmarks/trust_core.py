"""Per-stage timings of eddsa-rdfc-2022 signing and verification on the benchmark credential.

Run: ``.venv/bin/python benchmarks/trust_core.py`` (``--quick`` for a smoke run). Every
figure is CPU time of this process (``time.process_time``), so a machine busy with other
work inflates it less than wall time; each is the median, and the best, of several runs
of many calls, in microseconds per call. The stages are those of one signature or
verification: JSON-LD to RDF (compiled path), RDFC-1.0 canonicalization, SHA-256,
Ed25519, base58btc and did:key resolution; the last rows are the whole operations, as
``credstack bench`` runs them, and the rates they give on one core.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

from credstack.bench import CREATED, default_credential  # noqa: E402
from credstack.standards import sign  # noqa: E402
from credstack.standards.dataintegrity.eddsa_rdfc_2022 import EDDSA_RDFC_2022  # noqa: E402
from credstack.standards.dataintegrity.proofs import verify_proofs, without_proof  # noqa: E402
from credstack.standards.fetch import OfflineFetcher  # noqa: E402
from credstack.standards.jsonld.canonicalization import canonicalize  # noqa: E402
from credstack.standards.jsonld.compiled import to_rdf_compiled  # noqa: E402
from credstack.standards.keys.multikey import (  # noqa: E402
    Ed25519KeyPair,
    decode_base58btc,
    encode_base58btc,
)
from credstack.standards.keys.verification_method import (  # noqa: E402
    resolve_verification_method,
)


def cpu_microseconds(operation: Callable[[], object], calls: int, runs: int) -> tuple[float, float]:
    """Median and best CPU microseconds per call of ``operation`` over ``runs`` runs."""
    for _ in range(max(1, calls // 10)):
        operation()
    timings = []
    for _ in range(runs):
        start = time.process_time()
        for _ in range(calls):
            operation()
        timings.append((time.process_time() - start) / calls * 1e6)
    return statistics.median(timings), min(timings)


def stages() -> list[tuple[str, Callable[[], object]]]:
    document = default_credential()
    key_pair = Ed25519KeyPair.generate()
    fetcher = OfflineFetcher()
    signed: dict[str, Any] = sign(document, key_pair, created=CREATED)  # type: ignore[assignment]
    proof = signed["proof"]
    unsecured = without_proof(signed)
    proof_config = {k: v for k, v in proof.items() if k != "proofValue"}
    proof_config["@context"] = unsecured["@context"]
    quads = to_rdf_compiled(unsecured)
    config_quads = to_rdf_compiled(proof_config)
    assert quads is not None and config_quads is not None, "the compiled path must apply"
    canonical = canonicalize(quads).encode()
    private_key = key_pair.private_key
    assert private_key is not None
    signature = private_key.sign(canonical[:64])
    proof_value = proof["proofValue"]
    method_id = proof["verificationMethod"]

    def resolve(method: str) -> Any:
        return resolve_verification_method(method, fetcher=fetcher).public_key

    return [
        ("to_rdf_compiled (document)", lambda: to_rdf_compiled(unsecured)),
        ("to_rdf_compiled (proof configuration)", lambda: to_rdf_compiled(proof_config)),
        ("canonicalize (document)", lambda: canonicalize(quads)),
        (
            "canonicalize (document, distinct_quads)",
            lambda: canonicalize(quads, distinct_quads=True),
        ),
        ("canonicalize (proof configuration)", lambda: canonicalize(config_quads)),
        ("transform: canonical N-Quads", lambda: EDDSA_RDFC_2022.canonicalize(unsecured)),
        ("sha256 of the canonical document", lambda: hashlib.sha256(canonical).digest()),
        ("ed25519 sign", lambda: private_key.sign(canonical[:64])),
        ("ed25519 verify", lambda: key_pair.public_key.verify(signature, canonical[:64])),
        ("base58btc encode (signature)", lambda: encode_base58btc(signature)),
        ("base58btc decode (proofValue)", lambda: decode_base58btc(proof_value[1:])),
        ("resolve did:key verification method", lambda: resolve(method_id)),
        ("sign (whole)", lambda: sign(document, key_pair, created=CREATED)),
        ("verify_proofs (whole)", lambda: verify_proofs(signed, resolve)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: few calls, one run")
    arguments = parser.parse_args()
    calls, runs = (20, 1) if arguments.quick else (2000, 7)
    print(f"CPU µs per call, median and best of {runs} run(s) of {calls} calls")
    for name, operation in stages():
        median, best = cpu_microseconds(operation, calls, runs)
        rate = f"  ({1e6 / median:,.0f}/s)" if name.endswith("(whole)") else ""
        print(f"{name:40} {median:8.1f} {best:8.1f}{rate}")


if __name__ == "__main__":
    main()
