"""Bitstring Status List v1.0: the bitstring, status list credentials and status checks."""

from __future__ import annotations

from credstack.standards.status.bitstring import (
    DEFAULT_MAX_DECOMPRESSED_BYTES,
    MIN_LENGTH,
    Bitstring,
)
from credstack.standards.status.status_list import (
    StatusCheck,
    check_status,
    status_list_credential,
    status_list_entry,
)

__all__ = [
    "DEFAULT_MAX_DECOMPRESSED_BYTES",
    "MIN_LENGTH",
    "Bitstring",
    "StatusCheck",
    "check_status",
    "status_list_credential",
    "status_list_entry",
]
