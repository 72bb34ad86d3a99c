"""The project's shared specification data (../shared/standards), loaded in one place.

Test vectors and fixtures are read as they are from the shared folder beside the
checkout (or from ``CREDSTACK_SHARED``). A missing folder is an error, never a skip:
a test that cannot see its vectors must not pass.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


@cache
def shared_dir() -> Path:
    candidates = [os.environ.get("CREDSTACK_SHARED"), REPO_ROOT.parent / "shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "standards").is_dir():
            return Path(candidate)
    raise RuntimeError(
        "shared/standards not found beside the checkout; set CREDSTACK_SHARED to its parent"
    )


def standards_path(*parts: str) -> Path:
    return shared_dir().joinpath("standards", *parts)


def read_text(*parts: str) -> str:
    return standards_path(*parts).read_text("utf-8")


def read_bytes(*parts: str) -> bytes:
    return standards_path(*parts).read_bytes()


def read_json(*parts: str) -> Any:
    return json.loads(read_text(*parts))


def fixture_path(*parts: str) -> Path:
    """A file of the 1EdTech public validator's fixtures."""
    return standards_path("fixtures", "1edtech-validator", *parts)
