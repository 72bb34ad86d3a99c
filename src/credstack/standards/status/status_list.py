"""Status list credentials and entries (Bitstring Status List v1.0 §2 "Data Model",
§3.2 "Validate Algorithm"), with the predecessor StatusList2021 read the same way.

:func:`check_status` is the verifier's side. It never raises for bad input and never
answers "unset" unless the list credential was fetched, its proof held, it is a status
list of the entry's purpose within its validity period, and the entry's bits were read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from credstack.standards.errors import StandardsError, StatusListError
from credstack.standards.jsonld.document_loader import CREDENTIALS_V2
from credstack.standards.status.bitstring import (
    DEFAULT_MAX_DECOMPRESSED_BYTES,
    MIN_LENGTH,
    Bitstring,
)

BITSTRING_STATUS_LIST_ENTRY = "BitstringStatusListEntry"
BITSTRING_STATUS_LIST_CREDENTIAL = "BitstringStatusListCredential"
BITSTRING_STATUS_LIST = "BitstringStatusList"
STATUS_LIST_2021_ENTRY = "StatusList2021Entry"
STATUS_LIST_2021_CREDENTIAL = "StatusList2021Credential"
STATUS_LIST_2021 = "StatusList2021"

MAX_STATUS_SIZE = 8
"""Larger entries are refused: ``statusMessage`` would need 2**statusSize items."""

Outcome = Literal["set", "unset", "could_not_check"]

# Bitstring Status List §3.6 and VC Data Model 2.0 §7.1 error codes, for reports.
STATUS_RETRIEVAL_ERROR = "STATUS_RETRIEVAL_ERROR"
STATUS_VERIFICATION_ERROR = "STATUS_VERIFICATION_ERROR"
STATUS_LIST_LENGTH_ERROR = "STATUS_LIST_LENGTH_ERROR"
RANGE_ERROR = "RANGE_ERROR"
MALFORMED_VALUE_ERROR = "MALFORMED_VALUE_ERROR"
UNSUPPORTED_STATUS_TYPE = "UNSUPPORTED_STATUS_TYPE"

_INDEX = re.compile(r"[0-9]+")
_HEX_STATUS = re.compile(r"0[xX]([0-9a-fA-F]+)")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


@dataclass(frozen=True)
class StatusCheck:
    """The result of checking one ``credentialStatus`` entry.

    ``outcome`` is "set" or "unset" only when the entry's bits were read from a list
    whose proof held; ``value`` is then the status value. Otherwise ``outcome`` is
    "could_not_check", ``value`` is None, ``message`` says why and ``error_code`` names
    the specification's error. For "set"/"unset", ``message`` is the entry's
    ``statusMessage`` for the value or, when it has none, a sentence such as "the
    credential is revoked (index 23 of <url>)".
    """

    purpose: str
    outcome: Outcome
    value: int | None
    message: str
    warnings: list[str] = field(default_factory=list)
    error_code: str | None = None


class _CouldNotCheckError(StatusListError):
    """Internal: stops the check with an error code for the report."""


@dataclass(frozen=True)
class _Entry:
    kind: Literal["bitstring", "2021"]
    purpose: str
    index: int
    list_url: str
    status_size: int
    messages: dict[int, str] | None


def status_list_credential(
    *,
    id: str,
    issuer: str | Mapping[str, Any],
    purpose: str | Sequence[str],
    bitstring: Bitstring,
    valid_from: datetime,
    valid_until: datetime | None = None,
    ttl_ms: int | None = None,
    allow_below_minimum: bool = False,
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential (§2.2), ready for the caller to sign.

    Preconditions: ``id`` is the URL the list will be published at (entries name it in
    ``statusListCredential``); ``issuer`` is a URL or a profile with an ``id``;
    datetimes are timezone-aware; ``ttl_ms`` is a non-negative number of milliseconds.
    The credential subject's id is ``<id>#list``. Raises StatusListLengthError for a
    bitstring below the minimum length unless ``allow_below_minimum``.
    """
    if not isinstance(id, str) or not _URL.fullmatch(id):
        raise ValueError(f"the status list credential's id must be a URL, not {id!r}")
    if isinstance(issuer, str):
        if not _URL.fullmatch(issuer):
            raise ValueError(f"the issuer must be a URL, not {issuer!r}")
        issuer_value: str | dict[str, Any] = issuer
    elif isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        issuer_value = dict(issuer)
    else:
        raise TypeError("the issuer is a URL or a mapping with an 'id'")
    purposes = [purpose] if isinstance(purpose, str) else list(purpose)
    if not purposes or not all(isinstance(p, str) and p for p in purposes):
        raise ValueError("statusPurpose is one or more non-empty strings")
    if not isinstance(bitstring, Bitstring):
        raise TypeError(f"bitstring is a Bitstring, not {type(bitstring).__name__}")
    subject: dict[str, Any] = {
        "id": f"{id}#list",
        "type": BITSTRING_STATUS_LIST,
        "statusPurpose": purposes[0] if len(purposes) == 1 else purposes,
        "encodedList": bitstring.encode(allow_below_minimum=allow_below_minimum),
    }
    if ttl_ms is not None:
        if isinstance(ttl_ms, bool) or not isinstance(ttl_ms, int) or ttl_ms < 0:
            raise ValueError(f"ttl is a non-negative integer of milliseconds, not {ttl_ms!r}")
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": id,
        "type": ["VerifiableCredential", BITSTRING_STATUS_LIST_CREDENTIAL],
        "issuer": issuer_value,
        "validFrom": _format_datetime(valid_from, "valid_from"),
    }
    if valid_until is not None:
        if valid_until < valid_from:
            raise ValueError("valid_until is before valid_from")
        credential["validUntil"] = _format_datetime(valid_until, "valid_until")
    credential["credentialSubject"] = subject
    return credential


def status_list_entry(
    *,
    list_credential_url: str,
    index: int,
    purpose: str,
    status_size: int = 1,
    status_messages: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """A BitstringStatusListEntry (§2.1) for a credential's ``credentialStatus``.

    Its id is ``<list_credential_url>#<index>`` and ``statusListIndex`` is the index in
    base 10 as a string. With ``status_size`` > 1, ``status_messages`` must give a
    message for every one of the 2**status_size values.
    """
    if not isinstance(list_credential_url, str) or not _URL.fullmatch(list_credential_url):
        raise ValueError(f"statusListCredential must be a URL, not {list_credential_url!r}")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError(f"statusListIndex is a non-negative integer, not {index!r}")
    if not isinstance(purpose, str) or not purpose:
        raise ValueError("statusPurpose is a non-empty string")
    if isinstance(status_size, bool) or not isinstance(status_size, int):
        raise TypeError("status_size is an int")
    if not 1 <= status_size <= MAX_STATUS_SIZE:
        raise ValueError(f"status_size is between 1 and {MAX_STATUS_SIZE}")
    entry: dict[str, Any] = {
        "id": f"{list_credential_url}#{index}",
        "type": BITSTRING_STATUS_LIST_ENTRY,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential_url,
    }
    if status_size != 1:
        entry["statusSize"] = status_size
    if status_messages is not None or status_size > 1:
        values = range(1 << status_size)
        if status_messages is None or set(status_messages) != set(values):
            raise ValueError(
                f"statusMessage needs a message for each of the {len(values)} status values"
            )
        entry["statusMessage"] = [
            {"status": f"0x{value:x}", "message": status_messages[value]} for value in values
        ]
    return entry


def check_status(
    entry: Mapping[str, Any],
    *,
    fetch_status_list: Callable[[str], Mapping[str, Any]],
    verify_status_list: Callable[[Mapping[str, Any]], bool],
    now: datetime,
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
) -> StatusCheck:
    """Check one ``credentialStatus`` entry (Bitstring Status List §3.2 Validate Algorithm).

    1. Validate the entry (BitstringStatusListEntry or StatusList2021Entry);
       ``statusListIndex`` may be a base-10 string or an integer.
    2. ``fetch_status_list(url)`` the list credential; a StandardsError (FetchError)
       means "could not check" (STATUS_RETRIEVAL_ERROR).
    3. ``verify_status_list(credential)`` must return True; False or any exception
       means "could not check" (STATUS_VERIFICATION_ERROR).
    4. The list must be a status list credential of the same family, list the entry's
       purpose, and be valid at ``now`` (validFrom/validUntil, or the VC 1.1 dates).
    5. Expand the bitstring and read the entry's bits; an index outside the list is a
       RANGE_ERROR, a list below the minimum length only a warning.

    ``now`` must be timezone-aware. Never raises for bad input.
    """
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
    purpose = ""
    warnings: list[str] = []
    try:
        parsed = _parse_entry(entry)
        purpose = parsed.purpose
        status_list = _retrieve(parsed.list_url, fetch_status_list, verify_status_list)
        bitstring = _expand(parsed, status_list, now, warnings, max_decompressed_bytes)
        if not 0 <= parsed.index < bitstring.length:
            raise _CouldNotCheckError(
                f"statusListIndex {parsed.index} is outside the status list "
                f"(0..{bitstring.length - 1})",
                code=RANGE_ERROR,
            )
        value = bitstring.get(parsed.index)
    except StandardsError as error:
        if not purpose and isinstance(entry, Mapping):
            given = entry.get("statusPurpose")
            purpose = given if isinstance(given, str) else ""
        return StatusCheck(purpose, "could_not_check", None, error.message, warnings, error.code)
    outcome: Outcome = "set" if value else "unset"
    if parsed.messages is not None:
        message = parsed.messages[value]
    else:
        message = f"{_describe(purpose, outcome)} (index {parsed.index} of {parsed.list_url})"
    return StatusCheck(purpose, outcome, value, message, warnings)


def _describe(purpose: str, outcome: Outcome) -> str:
    past = {"revocation": "revoked", "suspension": "suspended"}.get(purpose)
    if past is None:
        return f"the {purpose} status is {outcome}"
    return f"the credential is {past}" if outcome == "set" else f"the credential is not {past}"


def _parse_entry(entry: object) -> _Entry:
    if not isinstance(entry, Mapping):
        raise _CouldNotCheckError("credentialStatus is not an object", code=MALFORMED_VALUE_ERROR)
    entry_type = entry.get("type")
    types = [entry_type] if isinstance(entry_type, str) else entry_type
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        raise _CouldNotCheckError("credentialStatus has no type", code=MALFORMED_VALUE_ERROR)
    if BITSTRING_STATUS_LIST_ENTRY in types:
        kind: Literal["bitstring", "2021"] = "bitstring"
    elif STATUS_LIST_2021_ENTRY in types:
        kind = "2021"
    else:
        raise _CouldNotCheckError(
            f"credentialStatus of type {', '.join(types)} cannot be checked: only "
            f"{BITSTRING_STATUS_LIST_ENTRY} and {STATUS_LIST_2021_ENTRY} are supported",
            code=UNSUPPORTED_STATUS_TYPE,
        )
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise _malformed("statusPurpose is missing or not a string")
    index = _parse_index(entry.get("statusListIndex"))
    list_url = entry.get("statusListCredential")
    if not isinstance(list_url, str) or not _URL.fullmatch(list_url):
        raise _malformed("statusListCredential is missing or not a URL")
    status_size = 1
    if kind == "bitstring" and "statusSize" in entry:
        status_size = entry["statusSize"]
        if isinstance(status_size, bool) or not isinstance(status_size, int) or status_size < 1:
            raise _malformed("statusSize is not an integer greater than zero")
        if status_size > MAX_STATUS_SIZE:
            raise _CouldNotCheckError(
                f"statusSize {status_size} is larger than the {MAX_STATUS_SIZE} supported",
                code=MALFORMED_VALUE_ERROR,
            )
    messages = None
    if kind == "bitstring" and "statusMessage" in entry:
        messages = _parse_status_messages(entry["statusMessage"], status_size)
    elif status_size > 1:
        raise _malformed("statusMessage must be present when statusSize is greater than 1")
    return _Entry(kind, purpose, index, list_url, status_size, messages)


def _parse_index(value: object) -> int:
    # The specification writes the index as a base-10 string; 1EdTech's test list
    # gives an integer, which is read the same way.
    if isinstance(value, bool):
        raise _malformed("statusListIndex is not an integer")
    if isinstance(value, int):
        if value < 0:
            raise _malformed("statusListIndex is negative")
        return value
    if isinstance(value, str) and _INDEX.fullmatch(value) and len(value) <= 20:
        return int(value)
    raise _malformed("statusListIndex is missing or not a base-10 integer")


def _parse_status_messages(value: object, status_size: int) -> dict[int, str]:
    expected = 1 << status_size
    if not isinstance(value, list) or len(value) != expected:
        raise _malformed(f"statusMessage must be an array of {expected} items")
    messages: dict[int, str] = {}
    for item in value:
        if not isinstance(item, Mapping):
            raise _malformed("a statusMessage item is not an object")
        status = item.get("status")
        message = item.get("message")
        match = _HEX_STATUS.fullmatch(status) if isinstance(status, str) else None
        if match is None or not isinstance(message, str):
            raise _malformed("a statusMessage item needs a '0x' hex status and a message")
        number = int(match.group(1), 16)
        if number >= expected or number in messages:
            raise _malformed(f"statusMessage status {status} is out of range or repeated")
        messages[number] = message
    return messages


def _retrieve(
    url: str,
    fetch_status_list: Callable[[str], Mapping[str, Any]],
    verify_status_list: Callable[[Mapping[str, Any]], bool],
) -> Mapping[str, Any]:
    try:
        status_list = fetch_status_list(url)
    except StandardsError as error:
        raise _CouldNotCheckError(
            f"the status list {url} could not be retrieved: {error.message}",
            code=STATUS_RETRIEVAL_ERROR,
        ) from None
    if not isinstance(status_list, Mapping):
        raise _CouldNotCheckError(
            f"the status list {url} is not a JSON object", code=STATUS_RETRIEVAL_ERROR
        )
    try:
        verified = verify_status_list(status_list) is True
    except Exception as error:  # a proof that cannot be checked is not a proof that held
        reason = error.message if isinstance(error, StandardsError) else type(error).__name__
        raise _CouldNotCheckError(
            f"the status list's proof could not be verified ({reason})",
            code=STATUS_VERIFICATION_ERROR,
        ) from None
    if not verified:
        raise _CouldNotCheckError(
            "the status list's proof did not verify", code=STATUS_VERIFICATION_ERROR
        )
    return status_list


def _expand(
    entry: _Entry,
    status_list: Mapping[str, Any],
    now: datetime,
    warnings: list[str],
    max_decompressed_bytes: int,
) -> Bitstring:
    credential_type, subject_type = (
        (BITSTRING_STATUS_LIST_CREDENTIAL, BITSTRING_STATUS_LIST)
        if entry.kind == "bitstring"
        else (STATUS_LIST_2021_CREDENTIAL, STATUS_LIST_2021)
    )
    if credential_type not in _types(status_list.get("type")):
        raise _verification(f"the status list credential's type does not include {credential_type}")
    list_id = status_list.get("id")
    if isinstance(list_id, str) and list_id != entry.list_url:
        warnings.append(
            f"the status list credential's id {list_id} differs from the URL it was "
            f"fetched from ({entry.list_url})"
        )
    _check_validity_period(status_list, now)
    subject = status_list.get("credentialSubject")
    if not isinstance(subject, Mapping):
        raise _verification("the status list credential has no credentialSubject")
    if subject_type not in _types(subject.get("type")):
        raise _verification(f"the status list's credentialSubject is not a {subject_type}")
    list_purposes = subject.get("statusPurpose")
    purposes = [list_purposes] if isinstance(list_purposes, str) else list_purposes
    if not isinstance(purposes, list) or entry.purpose not in purposes:
        raise _verification(
            f"the status list's statusPurpose ({list_purposes!r}) does not include the "
            f"entry's ({entry.purpose!r})"
        )
    list_status_size = subject.get("statusSize", entry.status_size)
    if list_status_size != entry.status_size:
        raise _verification(
            f"the status list's statusSize ({list_status_size!r}) differs from the "
            f"entry's ({entry.status_size})"
        )
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise _verification("the status list has no encodedList")
    multibase = entry.kind == "bitstring"
    if entry.kind == "2021" and encoded.startswith("u"):
        # Some StatusList2021 publishers adopted the multibase prefix early; "u" is
        # not a base64 character a GZIP stream can start with ("H4sI").
        multibase = True
    bitstring = Bitstring.decode(
        encoded,
        status_size=entry.status_size,
        max_decompressed_bytes=max_decompressed_bytes,
        multibase=multibase,
    )
    if bitstring.length < MIN_LENGTH:
        warnings.extend(bitstring.warnings)
    return bitstring


def _check_validity_period(status_list: Mapping[str, Any], now: datetime) -> None:
    for start_name in ("validFrom", "issuanceDate"):
        if start_name in status_list:
            start = _parse_datetime(status_list[start_name], start_name)
            if now < start:
                raise _verification(f"the status list is not valid before {start.isoformat()}")
            break
    for end_name in ("validUntil", "expirationDate"):
        if end_name in status_list:
            end = _parse_datetime(status_list[end_name], end_name)
            if now > end:
                raise _verification(f"the status list expired at {end.isoformat()}")
            break


def _parse_datetime(value: object, name: str) -> datetime:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None and "T" in value:
            return parsed
    raise _malformed(f"the status list's {name} is not a date-time with a time zone")


def _format_datetime(value: datetime, name: str) -> str:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    utc = value.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


def _types(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _malformed(message: str) -> _CouldNotCheckError:
    return _CouldNotCheckError(message, code=MALFORMED_VALUE_ERROR)


def _verification(message: str) -> _CouldNotCheckError:
    return _CouldNotCheckError(message, code=STATUS_VERIFICATION_ERROR)
