"""Recipient identifiers: IdentityHash and IdentityObject (Open Badges 3.0, B.1.14, B.3).

An IdentityHash is ``<algorithm>$<hex>``: the hash of the identifier's UTF-8 bytes
followed by the salt's (OB 3.0 derived type IdentityHash; the spec's example is
``sha256$b5809d8a…`` for ``a@example.com`` salted with ``Kosher``). Only ``sha256`` and
``md5`` exist; the hex may be upper or lower case. OB 3.0 §"Verify the Recipient Using
an Identifier" compares a known identifier with each IdentityObject of the same
``identityType``, hashing it with the object's salt when ``hashed`` is true.

Email addresses: neither OB 2.0 nor OB 3.0 says how to treat their case. credstack
lower-cases an address before hashing it (:func:`identity_object_for_email`), and
:func:`identity_matches` accepts an ``emailAddress`` identity in any case: plain values
are compared case-insensitively, hashed ones are tried with the address as given and
lower-cased (an issuer that hashed mixed case can only be matched with that case).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

from credstack.standards.errors import DataModelError

ALGORITHMS = ("sha256", "md5")
EMAIL_ADDRESS = "emailAddress"
_IDENTITY_HASH = re.compile(r"^(sha256|md5)\$([0-9a-fA-F]+)$")
_HEX_LENGTH = {"sha256": 64, "md5": 32}


def hash_identity(value: str, salt: str | None = None, *, algorithm: str = "sha256") -> str:
    """The IdentityHash of ``value`` salted with ``salt``: ``"sha256$<64 lowercase hex>"``.

    ``algorithm`` is ``"sha256"`` (the default, and what an issuer should use) or
    ``"md5"`` (allowed by OB 2.0 and 3.0 for reading old badges). Raises ``TypeError``
    for non-string input and ``ValueError`` for another algorithm.
    """
    if not isinstance(value, str) or not (salt is None or isinstance(salt, str)):
        raise TypeError("hash_identity takes a string value and an optional string salt")
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {ALGORITHMS}, not {algorithm!r}")
    data = value.encode("utf-8") + (salt or "").encode("utf-8")
    digest = hashlib.new(algorithm, data, usedforsecurity=False).hexdigest()
    return f"{algorithm}${digest}"


def normalize_email(email: str) -> str:
    """The form credstack hashes an email address in: surrounding space removed, lower case."""
    return email.strip().lower()


def identity_object_for_email(email: str, salt: str) -> dict[str, Any]:
    """A hashed ``emailAddress`` IdentityObject for an AchievementSubject's ``identifier``.

    ``salt`` should be random per credential (e.g. ``secrets.token_hex(16)``): without it
    a hash of a known address is found by hashing candidates. Raises ``ValueError`` for
    an empty address or salt.
    """
    if not isinstance(email, str) or not isinstance(salt, str):
        raise TypeError("identity_object_for_email takes a string email and a string salt")
    address = normalize_email(email)
    if not address or "@" not in address:
        raise ValueError(f"not an email address: {email!r}")
    if not salt:
        raise ValueError("an empty salt leaves the address open to a dictionary attack")
    return {
        "type": "IdentityObject",
        "identityHash": hash_identity(address, salt),
        "identityType": EMAIL_ADDRESS,
        "hashed": True,
        "salt": salt,
    }


def _field(identity_object: Mapping[str, Any], name: str, kind: type) -> Any:
    value = identity_object.get(name)
    if not isinstance(value, kind):
        raise DataModelError(
            f"the IdentityObject's {name} must be a {kind.__name__}",
            [(f"$.{name}", f"must be a {kind.__name__}")],
        )
    return value


def identity_matches(
    identity_object: Mapping[str, Any], value: str, *, identity_type: str | None = None
) -> bool:
    """Whether the known identifier ``value`` is the one ``identity_object`` holds.

    With ``identity_type`` (e.g. ``"emailAddress"``) an object of another
    ``identityType`` never matches, as OB 3.0's recipient verification requires.
    Raises :class:`DataModelError` if the object is malformed (missing ``identityHash``
    or ``hashed``, or a hashed value that is not ``sha256$``/``md5$`` and hex).
    """
    if not isinstance(identity_object, Mapping):
        raise TypeError("identity_object must be a mapping (an IdentityObject)")
    if not isinstance(value, str):
        raise TypeError("the known identifier must be a string")
    stored: str = _field(identity_object, "identityHash", str)
    hashed: bool = _field(identity_object, "hashed", bool)
    kind = identity_object.get("identityType")
    if identity_type is not None and kind != identity_type:
        return False
    is_email = kind == EMAIL_ADDRESS
    if not hashed:
        if is_email:
            return stored.strip().casefold() == value.strip().casefold()
        return stored == value
    match = _IDENTITY_HASH.match(stored)
    if match is None or len(match.group(2)) != _HEX_LENGTH[match.group(1)]:
        raise DataModelError(
            "the IdentityObject's identityHash is not an IdentityHash",
            [("$.identityHash", "must be sha256$<64 hex digits> or md5$<32 hex digits>")],
        )
    algorithm, expected = match.group(1), match.group(2).lower()
    salt = identity_object.get("salt")
    if salt is not None and not isinstance(salt, str):
        raise DataModelError(
            "the IdentityObject's salt must be a string", [("$.salt", "must be a string")]
        )
    candidates = [value]
    if is_email:
        candidates += [value.strip(), normalize_email(value)]
    found = False
    for candidate in dict.fromkeys(candidates):
        digest = hash_identity(candidate, salt, algorithm=algorithm).split("$", 1)[1]
        found |= hmac.compare_digest(digest, expected)
    return found
