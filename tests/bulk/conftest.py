"""Fixtures of the bulk tests: Uni A's published definition version and CSV builders."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def version(published_definition: Any) -> Any:
    """Version 1 of Uni A's published definition."""
    return published_definition.published_version


def csv_of(rows: list[str], header: str = "email,name,grade") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def learners(count: int, *, start: int = 0) -> bytes:
    return csv_of([f"learner{n}@example.org,Learner {n},{n % 5 + 1}" for n in range(start, count)])
