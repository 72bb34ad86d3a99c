"""status_lists.allocate_indexes and release_indexes: many entries in one locked update."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction

from credstack.issuing.models import STATUS_LIST_LENGTH, StatusList, StatusPurpose
from credstack.issuing.status_lists import allocate_indexes, release_indexes

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ISSUER = "did:example:issuer"


def allocate(organisation, count: int):
    return allocate_indexes(organisation, StatusPurpose.REVOCATION, count, issuer=ISSUER, now=NOW)


def is_allocated(status_list: StatusList, index: int) -> bool:
    return bool(bytes(status_list.allocated)[index >> 3] & (0x80 >> (index & 7)))


def test_it_allocates_distinct_entries_in_one_list(personas) -> None:
    with transaction.atomic():
        entries, created = allocate(personas.uni_a, 300)
    [status_list] = created
    assert {entry[0].pk for entry in entries} == {status_list.pk}
    indexes = [index for _, index in entries]
    assert len(set(indexes)) == 300
    status_list.refresh_from_db()
    assert status_list.allocated_count == 300
    assert all(is_allocated(status_list, index) for index in indexes)


def test_a_nearly_full_list_gives_its_last_entries_then_a_new_list_follows(personas) -> None:
    with transaction.atomic():
        [(old, _)], _ = allocate(personas.uni_a, 1)
        allocated = bytearray(b"\xff" * (STATUS_LIST_LENGTH // 8))
        allocated[5000] = 0b01111110  # 40000 and 40007 are free
        StatusList.objects.filter(pk=old.pk).update(
            allocated=bytes(allocated), allocated_count=STATUS_LIST_LENGTH - 2
        )
        entries, created = allocate(personas.uni_a, 4)
    assert sorted(index for status_list, index in entries if status_list.pk == old.pk) == [
        40000,
        40007,
    ]
    [new] = created
    assert sum(status_list.pk == new.pk for status_list, _ in entries) == 2
    old.refresh_from_db()
    assert old.is_full


def test_released_entries_are_free_again(personas) -> None:
    with transaction.atomic():
        entries, [status_list] = allocate(personas.uni_a, 10)
        release_indexes(entries[:4])
    status_list.refresh_from_db()
    assert status_list.allocated_count == 6
    assert [is_allocated(status_list, index) for _, index in entries] == [False] * 4 + [True] * 6


@pytest.mark.django_db(transaction=True)
def test_it_needs_a_transaction(personas) -> None:
    with pytest.raises(RuntimeError):
        allocate(personas.uni_a, 1)
