"""A database seeded with the demo once per test module (seeding signs every award and
verifies every wallet credential, a few seconds), rolled back when the module ends.

The tests' expectations are read from the packaged CSV files with the csv module, never
written down as numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from django.db import transaction

from credstack.demo.seeding import SeedReport


def csv_rows(name: str) -> list[dict[str, str]]:
    """The rows of a packaged seed table, as the csv module reads them."""
    path = resources.files("credstack.demo").joinpath("seed").joinpath(name)
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SeedReport]:
    """The demo seeded into the test database for the whole module. Tests using it
    also ask for ``db``, so each runs in a savepoint inside this transaction."""
    from credstack.demo.seeding import seed_demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield seed_demo()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
