"""Opaque public identifiers, separate from primary keys."""

from __future__ import annotations

import secrets

# Crockford's base32 alphabet: no I, L, O, U, so ids survive being read aloud or retyped.
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_public_id(prefix: str, *, length: int = 20) -> str:
    """A random id such as ``org_7k2m...``; 20 characters carry 100 bits of randomness."""
    if not prefix.isalnum():
        raise ValueError("a public id prefix must be alphanumeric")
    return f"{prefix}_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))
