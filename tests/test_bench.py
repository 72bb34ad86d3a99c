"""``credstack bench``'s measurement (credstack/bench.py): figures by wall and by CPU time."""

from __future__ import annotations

from credstack.bench import default_credential, run_benchmark


def test_it_gives_wall_and_cpu_rates_for_both_suites() -> None:
    results = run_benchmark(default_credential(), runs=1, seconds=0.05)
    assert results["quads"] == 69
    for row in results["suites"]:
        for figure in ("sign_per_s", "verify_per_s", "sign_per_cpu_s", "verify_per_cpu_s"):
            assert row[figure] > 0, (row["suite"], figure)
        assert len(row["sign_runs"]) == len(row["verify_runs"]) == 1
