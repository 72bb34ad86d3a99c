"""benchmarks/compare_reference.py still runs end to end (a smoke run: no figure is
judged, performance is measured by the script itself)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.interop import digital_bazaar
from tests.shared_data import REPO_ROOT

pytestmark = pytest.mark.interop


def test_the_reference_comparison_reports_both_sides_and_their_ratios() -> None:
    digital_bazaar.require_digital_bazaar()

    completed = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "benchmarks" / "compare_reference.py"),
            "--quick",
            "--json",
            "--n",
            "2",
            "--warmup",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    ours, theirs = result["credstack"], result["digital_bazaar"]
    for side in (ours, theirs):
        assert side["sign_per_s"] > 0
        assert side["verify_per_s"] > 0
    assert result["ratio_credstack_to_digital_bazaar"] == {
        "sign": ours["sign_per_s"] / theirs["sign_per_s"],
        "verify": ours["verify_per_s"] / theirs["verify_per_s"],
    }
    assert result["settings"] == {"n": 2, "runs": 1, "warmup": 0}
