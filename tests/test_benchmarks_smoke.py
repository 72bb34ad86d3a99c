"""Every script in benchmarks/ still runs end to end, in its short ``--quick`` mode.

These are smoke runs: the scripts measure, and no figure is judged here beyond being a
figure. benchmarks/bulk_issue.py and benchmarks/compare_reference.py have theirs in
tests/bulk/test_benchmark.py and tests/interop/test_compare_reference.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.shared_data import REPO_ROOT

BENCHMARKS = REPO_ROOT / "benchmarks"
NUMBER = r"(\d+(?:\.\d+)?)"


def run_benchmark(name: str, *args: str, timeout: float = 300) -> str:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / name), "--quick", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=REPO_ROOT,
    )
    assert completed.returncode == 0, completed.stderr + completed.stdout
    return completed.stdout


def test_every_benchmark_script_has_a_smoke_run() -> None:
    smoked_elsewhere = {
        "bulk_issue.py": "tests/bulk/test_benchmark.py",
        "compare_reference.py": "tests/interop/test_compare_reference.py",
    }
    smoked_here = {"to_rdf.py", "trust_core.py", "canonicalization.py", "verify_load.py"}
    assert {path.name for path in BENCHMARKS.glob("*.py")} == set(smoked_elsewhere) | smoked_here
    for name, test_file in smoked_elsewhere.items():
        text = (REPO_ROOT / test_file).read_text()
        assert f'"{name}"' in text and '"--quick"' in text, test_file


def test_the_json_to_rdf_benchmark_times_every_path_for_every_document() -> None:
    output = run_benchmark("to_rdf.py")
    rows = re.findall(rf"^(.+?)\s+(\d+)\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+\d+x$", output, re.M)
    assert [row[0].strip() for row in rows] == [
        "1EdTech OB 3.0 vector",
        "micro-credential",
        "micro-credential + ELM",
    ]
    for _, quads, *times in rows:
        assert int(quads) > 0
        assert all(float(t) > 0 for t in times)


def test_the_trust_core_benchmark_times_each_stage_and_the_whole_operations() -> None:
    output = run_benchmark("trust_core.py")
    rows = re.findall(rf"^(\S.*?)\s+{NUMBER}\s+{NUMBER}", output, re.M)
    medians = {name: float(median) for name, median, _best in rows}
    assert {"sign (whole)", "verify_proofs (whole)"} <= set(medians)
    assert len(medians) >= 10
    assert all(median > 0 for median in medians.values())


def test_the_canonicalization_benchmark_times_each_document_and_the_refusal() -> None:
    output = run_benchmark("canonicalization.py")
    documents = re.findall(
        rf"^(.+): (\d+) quads, (\d+) blank nodes: {NUMBER} µs median$", output, re.M
    )
    assert len(documents) == 3
    assert all(float(micros) > 0 for *_, micros in documents)
    assert re.search(r"^poison graph \(W3C test074\) refused in \d+ ms CPU median$", output, re.M)


def test_the_http_verification_load_reports_rates_and_latencies_of_verified_answers() -> None:
    figures: dict[str, Any] = json.loads(run_benchmark("verify_load.py", "--json", timeout=240))
    assert figures["endpoint"] == "POST /credentials/verify"
    assert figures["credential"]["issuer"] == "did:key"
    assert "status" in figures["credential"]["checks_passed"]
    assert figures["load"]["runs"] == len(figures["runs"]) == 1
    (run,) = figures["runs"]
    assert run["requests"] > 0
    assert run["verified"] == run["requests"] and run["not_verified"] == 0
    assert not any(run["socket_errors"].values())
    latency = run["latency_ms"]
    assert 0 < latency["p50"] <= latency["p90"] <= latency["p99"] <= latency["p99.9"]
    assert run["requests_per_second"] > 0
    assert run["server_cpu_ms_per_request"] > 0
    assert figures["median"]["requests_per_second"] == run["requests_per_second"]


def test_the_http_verification_load_can_pace_a_credential_without_status() -> None:
    output = run_benchmark("verify_load.py", "--json", "--without-status", "--rate", "100")
    figures = json.loads(output)
    assert figures["credential"]["status"].startswith("none")
    assert figures["status_list_fetches_while_measuring"] is None
    assert figures["load"]["rate_asked"] == 100
    assert figures["load"]["pause_ms"] > 0
    (run,) = figures["runs"]
    assert run["verified"] == run["requests"] > 0


def test_the_load_benchmark_fails_loudly_when_wrk_is_missing(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "verify_load.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": str(tmp_path)},  # no wrk (and nothing else) on PATH
    )
    assert completed.returncode == 1
    assert "wrk is not installed" in completed.stderr
    assert "Traceback" not in completed.stderr
