"""Compare credstack's signing and verification speed with Digital Bazaar's.

    .venv/bin/python benchmarks/compare_reference.py [--quick] [--json]
        [--credential PATH] [--n 200] [--runs 5] [--warmup 20] [--cpu K]

Both sides sign the same unsigned credential (by default the realistic EU
micro-credential of interop/credentials/) with the same Ed25519 key as a
DataIntegrityProof / eddsa-rdfc-2022, the issuer being the key's did:key, then verify
the signed credential, issuer binding included. credstack runs through its Python API
(``credstack.standards.sign`` / ``verify``), Digital Bazaar's implementation through
``interop/bench.mjs`` (``@digitalbazaar/vc`` 7.3.0 on Node). Each side runs in one
process pinned to one core, warms up first (pyld and V8 both pay on first use), and each
figure is the median of several runs. A ratio above 1 means credstack is faster.
credstack's verification is also measured with one HttpFetcher shared between calls, as
a long-running verifier would pass it (``verify()`` without ``fetcher`` builds its own).
Needs ``make install-test`` (the Node packages of interop/).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from credstack.standards import sign, verify
from credstack.standards.fetch import HttpFetcher
from credstack.standards.keys.multikey import Ed25519KeyPair

REPO_ROOT = Path(__file__).resolve().parent.parent
INTEROP_DIR = REPO_ROOT / "interop"
DEFAULT_CREDENTIAL = INTEROP_DIR / "credentials" / "eu-micro-credential.json"


@dataclass(frozen=True)
class Settings:
    n: int
    runs: int
    warmup: int


FULL = Settings(n=200, runs=5, warmup=20)
QUICK = Settings(n=10, runs=1, warmup=2)


@dataclass(frozen=True)
class Figures:
    sign_per_s: float
    verify_per_s: float
    sign_runs: list[float]
    verify_runs: list[float]


def issued_by(credential: dict[str, Any], did: str) -> dict[str, Any]:
    reissued = copy.deepcopy(credential)
    if isinstance(reissued.get("issuer"), dict):
        reissued["issuer"]["id"] = did
    else:
        reissued["issuer"] = did
    return reissued


def per_second(rounds: int, operation: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        operation()
    return rounds / (time.perf_counter() - start)


def measure_credstack(
    credential: dict[str, Any], key_json: dict[str, str], settings: Settings
) -> tuple[Figures, float]:
    """The figures of ``sign()`` and of ``verify()`` as called by default, and the median
    verifications per second when one HttpFetcher is shared between calls (without a
    ``fetcher`` each call builds its own)."""
    key_pair = Ed25519KeyPair.from_key_pair_json(key_json)
    credential = issued_by(credential, f"did:key:{key_pair.public_key_multibase}")
    signed = sign(copy.deepcopy(credential), key_pair)
    report = verify(signed)
    if not report.verified:
        raise SystemExit(
            "credstack does not verify its own benchmark credential:\n"
            + json.dumps(report.to_dict(), indent=2)
        )

    def sign_once() -> object:
        return sign(copy.deepcopy(credential), key_pair)

    def verify_once() -> object:
        return verify(signed)

    for _ in range(settings.warmup):
        sign_once()
        verify_once()
    sign_runs = [per_second(settings.n, sign_once) for _ in range(settings.runs)]
    verify_runs = [per_second(settings.n, verify_once) for _ in range(settings.runs)]
    shared_fetcher = HttpFetcher()
    shared_runs = [
        per_second(settings.n, lambda: verify(signed, fetcher=shared_fetcher))
        for _ in range(settings.runs)
    ]
    figures = Figures(
        statistics.median(sign_runs), statistics.median(verify_runs), sign_runs, verify_runs
    )
    return figures, statistics.median(shared_runs)


def measure_digital_bazaar(
    credential_file: Path, key_json: dict[str, str], settings: Settings, cpu: int | None
) -> tuple[Figures, str]:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not on PATH: install Node.js 20, then run `make install-test`")
    if not (INTEROP_DIR / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        raise SystemExit("interop/node_modules is missing: run `make install-test`")

    def pin() -> None:
        if cpu is not None:
            os.sched_setaffinity(0, {cpu})

    sign_runs: list[float] = []
    verify_runs: list[float] = []
    runtime = ""
    with tempfile.TemporaryDirectory() as directory:
        key_file = Path(directory) / "key.json"
        key_file.write_text(json.dumps(key_json), "utf-8")
        for _ in range(settings.runs):
            completed = subprocess.run(
                [
                    node,
                    str(INTEROP_DIR / "bench.mjs"),
                    str(credential_file),
                    "--n",
                    str(settings.n),
                    "--warmup",
                    str(settings.warmup),
                    "--key",
                    str(key_file),
                ],
                capture_output=True,
                text=True,
                check=False,
                preexec_fn=pin,
            )
            if completed.returncode != 0:
                raise SystemExit(f"interop/bench.mjs failed: {completed.stderr.strip()}")
            result = json.loads(completed.stdout)
            sign_runs.append(float(result["sign_per_s"]))
            verify_runs.append(float(result["verify_per_s"]))
            runtime = str(result.get("runtime", "node"))
    figures = Figures(
        statistics.median(sign_runs), statistics.median(verify_runs), sign_runs, verify_runs
    )
    return figures, runtime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: few rounds, one run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--credential", type=Path, default=DEFAULT_CREDENTIAL)
    parser.add_argument("--n", type=int, help="signatures (and verifications) per run")
    parser.add_argument("--runs", type=int, help="runs per side; the median is reported")
    parser.add_argument("--warmup", type=int, help="untimed rounds before measuring")
    parser.add_argument(
        "--cpu", type=int, help="the core both sides run on (default: the first one allowed)"
    )
    args = parser.parse_args(argv)

    base = QUICK if args.quick else FULL
    settings = Settings(
        n=args.n or base.n,
        runs=args.runs or base.runs,
        warmup=base.warmup if args.warmup is None else args.warmup,
    )
    if settings.n < 1 or settings.runs < 1 or settings.warmup < 0:
        parser.error("--n and --runs must be positive, --warmup not negative")

    cpu: int | None = args.cpu
    if hasattr(os, "sched_setaffinity"):
        cpu = cpu if cpu is not None else min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})

    credential = json.loads(args.credential.read_text("utf-8"))
    key_json = Ed25519KeyPair.generate().to_key_pair_json()

    ours, ours_shared_fetcher = measure_credstack(credential, key_json, settings)
    theirs, node_runtime = measure_digital_bazaar(args.credential, key_json, settings, cpu)
    ratio = {
        "sign": ours.sign_per_s / theirs.sign_per_s,
        "verify": ours.verify_per_s / theirs.verify_per_s,
    }
    result = {
        "credential": str(args.credential),
        "settings": asdict(settings),
        "cpu": cpu,
        "credstack": {
            **asdict(ours),
            "verify_with_shared_fetcher_per_s": ours_shared_fetcher,
            "runtime": f"python {platform.python_version()}",
        },
        "digital_bazaar": {**asdict(theirs), "runtime": node_runtime},
        "ratio_credstack_to_digital_bazaar": ratio,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{args.credential.name}: n={settings.n}, median of {settings.runs} run(s), "
        f"warm-up {settings.warmup}, one core ({cpu})"
    )
    print(f"{'':24}{'sign/s':>12}{'verify/s':>12}")
    print(f"{'credstack (Python)':24}{ours.sign_per_s:12.1f}{ours.verify_per_s:12.1f}")
    print(f"{'Digital Bazaar (Node)':24}{theirs.sign_per_s:12.1f}{theirs.verify_per_s:12.1f}")
    print(f"{'ratio credstack / DB':24}{ratio['sign']:12.2f}{ratio['verify']:12.2f}")
    print(
        f"credstack verify/s with one shared HttpFetcher: {ours_shared_fetcher:.1f} "
        f"(ratio {ours_shared_fetcher / theirs.verify_per_s:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
