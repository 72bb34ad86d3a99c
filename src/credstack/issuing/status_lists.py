"""An organisation's Bitstring Status Lists: index allocation, bits, signed list
credentials. Called by ``services`` inside their transactions; nothing here checks
permissions.

Indexes are allocated at random among the free ones of a list (Bitstring Status List
§6.3 "Group privacy": sequential indexes would tell a verifier the order and rough time
of issuance), with the list row locked: ``select_for_update`` on PostgreSQL; on SQLite
the settings' IMMEDIATE transactions take the write lock when the transaction starts.
A full list is left alone and a new one is created.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import transaction

from credstack.accounts.models import Organisation
from credstack.issuing.identifiers import base_url
from credstack.issuing.models import STATUS_LIST_LENGTH, StatusList, StatusPurpose
from credstack.standards import sign
from credstack.standards.keys.multikey import Ed25519KeyPair
from credstack.standards.status.bitstring import Bitstring
from credstack.standards.status.status_list import status_list_credential

STATUS_LIST_TTL_MS = 60_000
"""How long a verifier may cache a list (the ``ttl`` of the list credential)."""

# Random probes before falling back to scanning for the free indexes of a nearly full list.
_RANDOM_PROBES = 64


def status_list_url(status_list: StatusList) -> str:
    """The stable URL a list is served at, named by the entries' statusListCredential."""
    return f"{base_url()}/status/{status_list.public_id}"


def _get_bit(raw: bytes | memoryview, index: int) -> bool:
    return bool(raw[index >> 3] & (0x80 >> (index & 7)))


def _with_bit(raw: bytes | memoryview, index: int, value: bool) -> bytes:
    data = bytearray(raw)
    mask = 0x80 >> (index & 7)
    if value:
        data[index >> 3] |= mask
    else:
        data[index >> 3] &= ~mask & 0xFF
    return bytes(data)


def bitstring_of(status_list: StatusList) -> Bitstring:
    """The list's statuses as the trust core's Bitstring."""
    bitstring = Bitstring(status_list.length)
    raw = bytes(status_list.bits)
    for byte_index, byte in enumerate(raw):
        if byte:
            for bit in range(8):
                if byte & (0x80 >> bit):
                    bitstring.set(byte_index * 8 + bit, 1)
    return bitstring


def is_set(status_list: StatusList, index: int) -> bool:
    return _get_bit(status_list.bits, index)


def _new_list(
    organisation: Organisation, purpose: StatusPurpose, issuer: str, now: datetime
) -> StatusList:
    empty = bytes(-(-STATUS_LIST_LENGTH // 8))
    return StatusList.objects.create(
        organisation=organisation,
        purpose=purpose,
        issuer=issuer,
        length=STATUS_LIST_LENGTH,
        bits=empty,
        allocated=empty,
        created_at=now,
        updated_at=now,
    )


def _open_list(
    organisation: Organisation, purpose: StatusPurpose, issuer: str
) -> StatusList | None:
    """The oldest list with free entries, its row locked."""
    return (
        StatusList.objects.select_for_update()
        .defer("bits", "credential")
        .filter(
            organisation=organisation,
            purpose=purpose,
            issuer=issuer,
            allocated_count__lt=STATUS_LIST_LENGTH,
        )
        .order_by("created_at", "pk")
        .first()
    )


def _free_indexes(allocated: bytes | bytearray, length: int) -> list[int]:
    free = []
    for byte_index, byte in enumerate(allocated):
        if byte != 0xFF:
            base = byte_index * 8
            free.extend(
                base + bit for bit in range(8) if not byte & (0x80 >> bit) and base + bit < length
            )
    return free


def _random_free_indexes(allocated: bytearray, length: int, count: int) -> list[int]:
    """``count`` distinct free indexes drawn uniformly at random; marks them in
    ``allocated``. Precondition: the list has at least ``count`` free entries."""
    chosen: list[int] = []
    for _ in range(count):
        for _ in range(_RANDOM_PROBES):
            candidate = secrets.randbelow(length)
            if not _get_bit(allocated, candidate):
                break
        else:
            break  # nearly full: draw the rest from the free entries themselves
        allocated[candidate >> 3] |= 0x80 >> (candidate & 7)
        chosen.append(candidate)
    if len(chosen) < count:
        rest = secrets.SystemRandom().sample(_free_indexes(allocated, length), count - len(chosen))
        for index in rest:
            allocated[index >> 3] |= 0x80 >> (index & 7)
        chosen.extend(rest)
    return chosen


def allocate_indexes(
    organisation: Organisation,
    purpose: StatusPurpose,
    count: int,
    *,
    issuer: str,
    now: datetime,
) -> tuple[list[tuple[StatusList, int]], list[StatusList]]:
    """Reserve ``count`` distinct random free entries in the organisation's open lists
    of ``purpose`` signed as ``issuer`` (the issuer of the credentials that will point
    at them): one locked read-modify-write per list, filling the open list and then new
    ones as needed.

    Precondition: called inside ``transaction.atomic``. Returns the (list, index)
    entries in the order drawn and the lists created on the way (a new list must be
    signed before it is served).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_indexes must run inside a transaction")
    entries: list[tuple[StatusList, int]] = []
    created: list[StatusList] = []
    while len(entries) < count:
        status_list = _open_list(organisation, purpose, issuer)
        if status_list is None:
            # Nothing to lock yet: serialise the creation of lists on the organisation's
            # row, then look again (a concurrent transaction may have just made one). NO
            # KEY UPDATE, so that transactions inserting awards (whose foreign key takes a
            # KEY SHARE lock on the organisation) are not blocked: that would deadlock.
            Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk).first()
            status_list = _open_list(organisation, purpose, issuer)
            if status_list is None:
                status_list = _new_list(organisation, purpose, issuer, now)
                created.append(status_list)
        wanted = min(count - len(entries), status_list.length - status_list.allocated_count)
        allocated = bytearray(status_list.allocated)
        indexes = _random_free_indexes(allocated, status_list.length, wanted)
        status_list.allocated = bytes(allocated)
        status_list.allocated_count += wanted
        status_list.save(update_fields=["allocated", "allocated_count"])
        entries.extend((status_list, index) for index in indexes)
    return entries, created


def allocate_index(
    organisation: Organisation, purpose: StatusPurpose, *, issuer: str, now: datetime
) -> tuple[StatusList, int, bool]:
    """One entry (see :func:`allocate_indexes`): the list, the index and whether the
    list is new."""
    [(status_list, index)], created = allocate_indexes(
        organisation, purpose, 1, issuer=issuer, now=now
    )
    return status_list, index, bool(created)


def release_indexes(entries: list[tuple[StatusList, int]]) -> None:
    """Give back entries allocated in this transaction to credentials that were not
    stored after all (their signing failed), so no index is lost."""
    by_list: dict[int, tuple[StatusList, list[int]]] = {}
    for status_list, index in entries:
        by_list.setdefault(status_list.pk, (status_list, []))[1].append(index)
    for status_list, indexes in by_list.values():
        allocated = bytearray(status_list.allocated)
        for index in indexes:
            allocated[index >> 3] &= ~(0x80 >> (index & 7)) & 0xFF
        status_list.allocated = bytes(allocated)
        status_list.allocated_count -= len(indexes)
        status_list.save(update_fields=["allocated", "allocated_count"])


def lock(status_list: StatusList) -> StatusList:
    """The list re-read with its row locked (inside a transaction)."""
    return StatusList.objects.select_for_update().get(pk=status_list.pk)


def set_status(status_list: StatusList, index: int, value: bool) -> bool:
    """Set or clear the entry's bit on a locked list; True when it changed. The caller
    re-signs the list afterwards (:func:`sign_status_list`)."""
    if not 0 <= index < status_list.length:
        raise ValueError(f"index {index} is outside the status list")
    if _get_bit(status_list.bits, index) == value:
        return False
    status_list.bits = _with_bit(status_list.bits, index, value)
    return True


def sign_status_list(
    status_list: StatusList,
    *,
    issuer: str,
    key_pair: Ed25519KeyPair,
    verification_method: str,
    now: datetime,
) -> dict[str, Any]:
    """Build the BitstringStatusListCredential of the list's current bits, valid from
    ``now``, sign it and store it (with ``updated_at``). Returns the signed credential."""
    unsigned = status_list_credential(
        id=status_list_url(status_list),
        issuer=issuer,
        # A plain str: a new row holds the StatusPurpose member, which the trust core's
        # compiled JSON-LD path does not take as a string (the slow general path would).
        purpose=StatusPurpose(status_list.purpose).value,
        bitstring=bitstring_of(status_list),
        valid_from=now,
        ttl_ms=STATUS_LIST_TTL_MS,
    )
    signed = sign(unsigned, key_pair, verification_method=verification_method, created=now)
    assert isinstance(signed, dict)
    status_list.credential = signed
    status_list.updated_at = now
    status_list.save(update_fields=["bits", "credential", "updated_at"])
    return signed
