"""`make demo-offline` runs examples/demo.py: it must tell the story it promises."""

from __future__ import annotations

import subprocess
import sys

from tests.shared_data import REPO_ROOT


def test_it_shows_valid_tampered_baked_and_revoked_credentials() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "examples" / "demo.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"COLUMNS": "200", "PATH": ""},
    )
    verdicts = [
        line.rsplit(":", 1)[1].strip()
        for line in result.stdout.splitlines()
        if line
        and not line.startswith(" ")
        and line.rstrip().endswith(("valid", "invalid", "revoked", "could_not_check"))
    ]
    assert verdicts == ["valid", "valid", "invalid", "valid", "revoked"]
