"""common.lookups.AnyOf: the rows ``__in`` finds, with the values as one parameter on
PostgreSQL."""

from __future__ import annotations

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from credstack.bulk.models import BulkRow
from credstack.common.lookups import AnyOf
from tests import test_fast_insert

job = test_fast_insert.job  # the fixture: an empty bulk job


def keyed_rows(job) -> list[BulkRow]:
    made = test_fast_insert.rows(job, range(2, 8))
    for row in made:
        row.idempotency_key = f"bulk-{row.line}"
        row.save()
    return made


def test_it_finds_what_in_finds(job) -> None:
    keyed_rows(job)
    wanted = ["bulk-3", "bulk-5", "bulk-9", "bulk-3", None]

    found = BulkRow.objects.filter(AnyOf(F("idempotency_key"), wanted)).values_list(
        "line", flat=True
    )

    assert sorted(found) == [3, 5]
    assert sorted(found) == sorted(
        BulkRow.objects.filter(idempotency_key__in=wanted).values_list("line", flat=True)
    )


def test_no_values_find_nothing(job) -> None:
    keyed_rows(job)
    assert not BulkRow.objects.filter(AnyOf(F("idempotency_key"), [])).exists()
    assert not BulkRow.objects.filter(AnyOf(F("idempotency_key"), [None])).exists()


def test_a_thousand_values_are_one_parameter_on_postgresql(job) -> None:
    keyed_rows(job)
    wanted = [f"bulk-{line}" for line in range(1000)]

    with CaptureQueriesContext(connection) as queries:
        found = list(BulkRow.objects.filter(AnyOf(F("idempotency_key"), wanted)))

    assert sorted(row.line for row in found) == list(range(2, 8))
    [query] = queries.captured_queries
    if connection.vendor == "postgresql":
        assert "= ANY(" in query["sql"] and " IN (" not in query["sql"]
    else:
        assert " IN (" in query["sql"]
