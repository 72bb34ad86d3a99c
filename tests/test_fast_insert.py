"""common.fast_insert: rows inserted as bulk_create would, with their primary keys."""

from __future__ import annotations

import pytest
from django.db import transaction

from credstack.bulk.models import BulkJob, BulkRow, RowState
from credstack.common.fast_insert import ModelMaker, insert_new, take_primary_keys


@pytest.fixture
def job(personas, published_definition) -> BulkJob:
    return BulkJob.objects.create(
        organisation=personas.uni_a,
        definition_version=published_definition.published_version,
        uploaded_by=personas.alice,
        file_sha256="0" * 64,
        original_file=b"",
    )


def rows(job: BulkJob, lines: range) -> list[BulkRow]:
    make = ModelMaker(BulkRow)
    return [
        make({"job": job, "line": line, "email": f"l{line}@ex.org", "values": {"n": line}})
        for line in lines
    ]


def test_the_rows_are_stored_with_their_values_defaults_and_keys(job) -> None:
    made = rows(job, range(2, 7))
    assert made[0].job is job  # the related object is cached, as the constructor does
    with transaction.atomic():
        inserted = insert_new(BulkRow, iter(made), primary_keys=take_primary_keys(BulkRow, 5))
    assert inserted == made
    stored = {row.pk: row for row in BulkRow.objects.filter(job=job)}
    assert sorted(stored) == sorted(row.pk for row in made)
    for row in made:
        assert not row._state.adding
        again = stored[row.pk]
        assert (again.line, again.email, again.values) == (row.line, row.email, {"n": row.line})
        assert again.state == RowState.PENDING and again.processed_at is None


def test_a_key_of_a_deleted_row_is_never_given_again(job) -> None:
    with transaction.atomic():
        first = insert_new(
            BulkRow, rows(job, range(2, 4)), primary_keys=take_primary_keys(BulkRow, 2)
        )
    BulkRow.objects.filter(pk=first[-1].pk).delete()
    with transaction.atomic():
        second = insert_new(
            BulkRow, rows(job, range(4, 6)), primary_keys=take_primary_keys(BulkRow, 2)
        )
    assert min(row.pk for row in second) > first[-1].pk


def test_unused_keys_are_skipped(job) -> None:
    with transaction.atomic():
        keys = take_primary_keys(BulkRow, 4)
        inserted = insert_new(BulkRow, rows(job, range(2, 4)), primary_keys=keys)
    assert [row.pk for row in inserted] == keys[:2]
    assert BulkRow.objects.filter(pk__in=keys).count() == 2


def test_it_inserts_without_taking_keys(job) -> None:
    insert_new(BulkRow, rows(job, range(2, 5)))
    assert sorted(BulkRow.objects.filter(job=job).values_list("line", flat=True)) == [2, 3, 4]
