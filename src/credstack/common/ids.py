"""Opaque public identifiers, separate from primary keys."""

from __future__ import annotations

import secrets

# Crockford's base32 alphabet: no I, L, O, U, so ids survive being read aloud or retyped.
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_public_id(prefix: str, *, length: int = 20) -> str:
    """A random id such as ``org_7k2m...``; 20 characters carry 100 bits of randomness."""
    if not prefix.isalnum():
        raise ValueError("a public id prefix must be alphanumeric")
    # One random number, five bits per character: as uniform as drawing each character
    # with secrets.choice, with one system call instead of one per character.
    bits = secrets.randbits(5 * length)
    return f"{prefix}_" + "".join(_ALPHABET[(bits >> (5 * i)) & 31] for i in range(length))
