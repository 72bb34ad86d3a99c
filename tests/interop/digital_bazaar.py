"""Digital Bazaar's implementation, driven through the Node scripts of ``interop/``.

``sign.mjs`` and ``verify.mjs`` wrap ``@digitalbazaar/vc`` (DataIntegrityProof,
eddsa-rdfc-2022) with an offline loader that serves credstack's pinned contexts and
resolves did:key. A missing ``node`` or ``interop/node_modules`` fails the calling test
with the command that fixes it: an interop test that cannot reach the other
implementation must not pass, nor be skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.shared_data import REPO_ROOT

INTEROP_DIR = REPO_ROOT / "interop"
NODE_TIMEOUT_SECONDS = 120


class DigitalBazaarRefusedError(Exception):
    """``sign.mjs`` refused to sign; the message is its standard error."""


@dataclass(frozen=True)
class NodeVerification:
    verified: bool
    error: str | None


@cache
def _node() -> str | None:
    return shutil.which("node")


def _missing_packages() -> list[str]:
    manifest = json.loads((INTEROP_DIR / "package.json").read_text("utf-8"))
    modules = INTEROP_DIR / "node_modules"
    return [name for name in manifest["dependencies"] if not (modules / name).is_dir()]


def require_digital_bazaar() -> str:
    """The path of ``node``, once ``interop/node_modules`` holds every pinned package."""
    node = _node()
    if node is None:
        pytest.fail(
            "Node.js (`node`, version 20) is not on PATH; the interop tests run Digital "
            "Bazaar's implementation with it. Install Node.js, then run `make install-test`."
        )
    missing = _missing_packages()
    if missing:
        pytest.fail(
            f"interop/node_modules lacks {', '.join(missing)}: run `make install-test` "
            "(it runs `npm ci --prefix interop`)."
        )
    return node


def run_script(
    script: str,
    *args: str,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    check_usage: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Runs ``node interop/SCRIPT ARGS``; ``env`` adds to (or overrides) the environment.
    Exit status 2 (wrong usage) fails the test unless ``check_usage`` is false."""
    node = require_digital_bazaar()
    completed = subprocess.run(
        [node, str(INTEROP_DIR / script), *args],
        input=stdin,
        env={**os.environ, **env} if env is not None else None,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=NODE_TIMEOUT_SECONDS,
        check=False,
    )
    if check_usage and completed.returncode == 2:
        pytest.fail(f"{script} was called wrongly: {completed.stderr.strip()}")
    return completed


def sign(
    credential: dict[str, Any],
    key_pair_json: dict[str, Any],
    *,
    created: str | None = None,
    verification_method: str | None = None,
) -> dict[str, Any]:
    """The credential signed by ``@digitalbazaar/vc`` ``issue()``.

    Raises :class:`DigitalBazaarRefusedError` when the library refuses it.
    """
    options: list[str] = []
    if created is not None:
        options += ["--created", created]
    if verification_method is not None:
        options += ["--verification-method", verification_method]
    with tempfile.TemporaryDirectory() as directory:
        key_file = Path(directory) / "key.json"
        key_file.write_text(json.dumps(key_pair_json), "utf-8")
        completed = run_script(
            "sign.mjs", "-", "--key", str(key_file), *options, stdin=json.dumps(credential)
        )
    if completed.returncode != 0:
        raise DigitalBazaarRefusedError(completed.stderr.strip())
    signed: dict[str, Any] = json.loads(completed.stdout)
    return signed


def verify(credential: dict[str, Any]) -> NodeVerification:
    """``@digitalbazaar/vc`` ``verifyCredential()`` with the assertionMethod purpose."""
    completed = run_script("verify.mjs", "-", stdin=json.dumps(credential))
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"verify.mjs printed no report: {completed.stderr.strip()}")
    if report["verified"] != (completed.returncode == 0):
        pytest.fail(f"verify.mjs exit status {completed.returncode} contradicts {report}")
    return NodeVerification(verified=report["verified"], error=report["error"])


def sign_many(
    credentials: list[dict[str, Any]],
    key_pair_json: dict[str, Any],
    *,
    created: str | None = None,
) -> list[dict[str, Any] | DigitalBazaarRefusedError]:
    """Each credential signed as :func:`sign` does, in one Node process; a refused one
    is a :class:`DigitalBazaarRefusedError` in its place."""
    options = ["--created", created] if created is not None else []
    with tempfile.TemporaryDirectory() as directory:
        key_file = Path(directory) / "key.json"
        key_file.write_text(json.dumps(key_pair_json), "utf-8")
        completed = run_script(
            "sign.mjs",
            "-",
            "--batch",
            "--key",
            str(key_file),
            *options,
            stdin=json.dumps(credentials),
        )
    if completed.returncode != 0:
        pytest.fail(f"sign.mjs --batch failed: {completed.stderr.strip()}")
    results = json.loads(completed.stdout)
    assert len(results) == len(credentials)
    return [
        result["signed"] if "signed" in result else DigitalBazaarRefusedError(result["error"])
        for result in results
    ]


def verify_many(credentials: list[dict[str, Any]]) -> list[NodeVerification]:
    """:func:`verify` of each credential, in one Node process."""
    completed = run_script("verify.mjs", "-", "--batch", stdin=json.dumps(credentials))
    try:
        reports = json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"verify.mjs --batch printed no reports: {completed.stderr.strip()}")
    assert len(reports) == len(credentials)
    return [NodeVerification(verified=r["verified"], error=r["error"]) for r in reports]
