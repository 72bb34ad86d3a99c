"""Conformance of a credential to its data model: VC Data Model 2.0 / 1.1, OB 3.0, CLR 2.0.

:func:`validate_credential` reports every problem of a credential's JSON (not only the
first), each with a JSON path into the document, so a verifier can show exactly what is
wrong. It checks, in order:

1. the VC envelope: ``@context`` (the first item is the VC 2.0 or 1.1 context; an Open
   Badges or CLR credential also has its own context; the OB 3.0.0/3.0.1 contexts cannot
   follow VC 2.0), the date properties of the context's version (``validFrom`` in 2.0,
   ``issuanceDate`` in 1.1, each an XML Schema dateTimeStamp), ``validFrom`` not after
   ``validUntil``;
2. the structure of the credential's kind, chosen by ``type`` (:func:`credential_kind`):
   the typed models of ``ob3`` and ``clr`` (required properties, ``type`` values,
   vocabularies, URIs), or the generic VC envelope;
3. step 1 for every embedded EndorsementCredential, and steps 1-3 for every credential
   of a CLR's ``verifiableCredential``.

Proofs, validity against the current time, status and refresh are not data-model
checks: the verifier makes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from credstack.standards.errors import DataModelError, JwtError
from credstack.standards.vc.clr import CLR_CONTEXT_PATTERN, ClrCredential
from credstack.standards.vc.envelope import (
    CREDENTIALS_V1,
    CREDENTIALS_V2,
    INVALID_TYPE,
    INVALID_VALUE,
    MISSING_PROPERTY,
    READING,
    WRONG_JSON_TYPE,
    JsonLdModel,
    VerifiableCredential,
    parse_date_time_stamp,
)
from credstack.standards.vc.jwt import decode_vc_jwt
from credstack.standards.vc.ob3 import (
    OB_CONTEXT_PATTERN,
    AchievementCredential,
    EndorsementCredential,
)

INVALID_CONTEXT = "INVALID_CONTEXT"
UNDEFINED_PROPERTY = "UNDEFINED_PROPERTY"

OPEN_BADGE_CREDENTIAL = "OpenBadgeCredential"
CLR_CREDENTIAL = "ClrCredential"
ENDORSEMENT_CREDENTIAL = "EndorsementCredential"
VERIFIABLE_CREDENTIAL = "VerifiableCredential"

# Open Badges 3.0.0 and 3.0.1 redefine terms the VC 2.0 context protects (measured:
# jsonld.js and pyld both refuse the pair).
_VC1_ONLY_OB_CONTEXTS = frozenset(
    {
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    }
)

# The model that checks the structure of each kind of credential.
CREDENTIAL_MODELS: Mapping[str, type[JsonLdModel]] = {
    OPEN_BADGE_CREDENTIAL: AchievementCredential,
    ENDORSEMENT_CREDENTIAL: EndorsementCredential,
    CLR_CREDENTIAL: ClrCredential,
    VERIFIABLE_CREDENTIAL: VerifiableCredential,
}

_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# pydantic error types and what they mean for a JSON document.
_JSON_TYPE_MESSAGES: Mapping[str, str] = {
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "int_type": "must be a number",
    "float_type": "must be a number",
    "list_type": "must be an array",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "too_short": "must not be empty",
}


@dataclass(frozen=True)
class Problem:
    """One way a credential does not conform: where (a JSON path), what, and a code."""

    path: str
    message: str
    code: str


def json_path(parts: Sequence[str | int], root: str = "$") -> str:
    """``$.credentialSubject.achievement.type``, ``$['@context'][0]`` (RFC 9535 style)."""
    path = root
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _PLAIN_NAME.match(part):
            path += f".{part}"
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            path += f"['{escaped}']"
    return path


def _types(document: Mapping[str, Any]) -> list[str]:
    value = document.get("type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def credential_kind(document: Mapping[str, Any]) -> str:
    """The kind of credential ``type`` declares.

    One of ``"OpenBadgeCredential"`` (for AchievementCredential too), ``"ClrCredential"``,
    ``"EndorsementCredential"``, or ``"VerifiableCredential"`` for any other credential.
    Raises ``TypeError`` if ``document`` is not a mapping.
    """
    if not isinstance(document, Mapping):
        raise TypeError(f"a credential is a JSON object (mapping), not {type(document).__name__}")
    types = _types(document)
    if CLR_CREDENTIAL in types:
        return CLR_CREDENTIAL
    if OPEN_BADGE_CREDENTIAL in types or "AchievementCredential" in types:
        return OPEN_BADGE_CREDENTIAL
    if ENDORSEMENT_CREDENTIAL in types:
        return ENDORSEMENT_CREDENTIAL
    return VERIFIABLE_CREDENTIAL


def _contexts(document: Mapping[str, Any]) -> list[Any]:
    value = document.get("@context")
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def data_model_version(document: Mapping[str, Any]) -> str | None:
    """``"2.0"`` or ``"1.1"`` by the VC context the document uses, ``None`` if neither."""
    contexts = [item for item in _contexts(document) if isinstance(item, str)]
    for url in contexts:
        if url == CREDENTIALS_V2:
            return "2.0"
        if url == CREDENTIALS_V1:
            return "1.1"
    return None


def validity_period(document: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """When the credential starts and stops being valid, as aware datetimes.

    ``validFrom``/``validUntil`` (VC 2.0) or, in their absence, ``issuanceDate``/
    ``expirationDate`` (VC 1.1); ``None`` where the credential gives no bound. Raises
    :class:`DataModelError` if a present value is not a dateTimeStamp with a time zone.
    """
    if not isinstance(document, Mapping):
        raise TypeError(f"a credential is a JSON object (mapping), not {type(document).__name__}")
    bounds: list[datetime | None] = []
    problems: list[tuple[str, str]] = []
    for names in (("validFrom", "issuanceDate"), ("validUntil", "expirationDate")):
        name = next((name for name in names if document.get(name) is not None), None)
        if name is None:
            bounds.append(None)
            continue
        try:
            bounds.append(parse_date_time_stamp(document[name]))
        except ValueError as error:
            problems.append((json_path([name]), str(error)))
            bounds.append(None)
    if problems:
        raise DataModelError("the credential's validity period is malformed", problems)
    return bounds[0], bounds[1]


def _context_problems(document: Mapping[str, Any], kind: str, path: str) -> Iterator[Problem]:
    if "@context" not in document:
        yield Problem(json_path(["@context"], path), "@context is required", MISSING_PROPERTY)
        return
    raw = document["@context"]
    if not isinstance(raw, list | str):
        yield Problem(
            json_path(["@context"], path), "@context must be an array of contexts", WRONG_JSON_TYPE
        )
        return
    contexts = _contexts(document)
    for index, item in enumerate(contexts):
        if not isinstance(item, str | Mapping):
            yield Problem(
                json_path(["@context", index], path),
                "a context must be a URL or an object",
                WRONG_JSON_TYPE,
            )
    if not contexts or contexts[0] not in (CREDENTIALS_V2, CREDENTIALS_V1):
        yield Problem(
            json_path(["@context", 0], path),
            f"the first @context must be {CREDENTIALS_V2} (VC 2.0) or {CREDENTIALS_V1} (VC 1.1)",
            INVALID_CONTEXT,
        )
    urls = [item for item in contexts if isinstance(item, str)]
    if kind in (OPEN_BADGE_CREDENTIAL, ENDORSEMENT_CREDENTIAL) and not any(
        OB_CONTEXT_PATTERN.match(url) for url in urls
    ):
        yield Problem(
            json_path(["@context"], path),
            "an Open Badges 3.0 credential must include the Open Badges context "
            "(https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json)",
            INVALID_CONTEXT,
        )
    if kind == CLR_CREDENTIAL and not any(CLR_CONTEXT_PATTERN.match(url) for url in urls):
        yield Problem(
            json_path(["@context"], path),
            "a CLR 2.0 credential must include the CLR context "
            "(https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json)",
            INVALID_CONTEXT,
        )
    if CREDENTIALS_V2 in urls:
        for index, item in enumerate(contexts):
            if isinstance(item, str) and item in _VC1_ONLY_OB_CONTEXTS:
                yield Problem(
                    json_path(["@context", index], path),
                    f"{item} redefines terms the VC 2.0 context protects; "
                    "use https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                    INVALID_CONTEXT,
                )
    if kind == VERIFIABLE_CREDENTIAL and any(
        OB_CONTEXT_PATTERN.match(url) or CLR_CONTEXT_PATTERN.match(url) for url in urls
    ):
        yield Problem(
            json_path(["type"], path),
            "a credential with the Open Badges or CLR context must have the type "
            "OpenBadgeCredential, AchievementCredential, EndorsementCredential or ClrCredential",
            INVALID_TYPE,
        )


def _date_problems(document: Mapping[str, Any], kind: str, path: str) -> Iterator[Problem]:
    version = data_model_version(document)
    one_edtech = kind != VERIFIABLE_CREDENTIAL
    if version == "2.0":
        for name, replacement in (("issuanceDate", "validFrom"), ("expirationDate", "validUntil")):
            if name in document:
                yield Problem(
                    json_path([name], path),
                    f"{name} is a VC 1.1 property the VC 2.0 context does not define; "
                    f"use {replacement}",
                    UNDEFINED_PROPERTY,
                )
        if one_edtech and "validFrom" not in document:
            yield Problem(json_path(["validFrom"], path), "validFrom is required", MISSING_PROPERTY)
        if kind == ENDORSEMENT_CREDENTIAL and "name" not in document:
            # B.1.9: required from OB 3.0.1 on, which is the VC 2.0 form.
            yield Problem(json_path(["name"], path), "name is required", MISSING_PROPERTY)
    elif version == "1.1":
        if "issuanceDate" not in document:
            yield Problem(
                json_path(["issuanceDate"], path),
                "issuanceDate is required in a VC 1.1 credential",
                MISSING_PROPERTY,
            )
    elif one_edtech and "validFrom" not in document and "issuanceDate" not in document:
        yield Problem(json_path(["validFrom"], path), "validFrom is required", MISSING_PROPERTY)
    try:
        valid_from, valid_until = validity_period(document)
    except DataModelError:
        return  # reported by the models, with their paths
    if valid_from is not None and valid_until is not None and valid_from > valid_until:
        until_name = "validUntil" if "validUntil" in document else "expirationDate"
        yield Problem(
            json_path([until_name], path),
            "the credential's validity ends before it starts",
            INVALID_VALUE,
        )


def _envelope_problems(document: Mapping[str, Any], path: str) -> list[Problem]:
    kind = credential_kind(document)
    return [*_context_problems(document, kind, path), *_date_problems(document, kind, path)]


def _describe(error: Mapping[str, Any]) -> tuple[str, str]:
    kind = error["type"]
    if kind == "missing":
        name = next((part for part in reversed(error["loc"]) if isinstance(part, str)), "value")
        return MISSING_PROPERTY, f"{name} is required"
    if kind in _JSON_TYPE_MESSAGES:
        return WRONG_JSON_TYPE, _JSON_TYPE_MESSAGES[kind]
    if kind.isupper():  # one of the models' own codes (envelope.*), message written there
        return kind, str(error["msg"])
    return INVALID_VALUE, str(error["msg"])


def _model_problems(document: Mapping[str, Any], kind: str, path: str) -> list[Problem]:
    try:
        CREDENTIAL_MODELS[kind].model_validate(document, context={READING: True})
    except ValidationError as invalid:
        problems = []
        for error in invalid.errors(include_url=False):
            # Drop the tags of URI-or-object unions ("<uri>", "<object>").
            loc = [
                part
                for part in error["loc"]
                if not (isinstance(part, str) and part.startswith("<") and part.endswith(">"))
            ]
            code, message = _describe(error)
            problems.append(Problem(json_path(loc, path), message, code))
        return problems
    return []


# Not searched for endorsements: proofs, a CLR's own credentials (checked as
# credentials) and contexts, whose objects are term definitions, not data.
_NOT_SEARCHED = frozenset({"@context", "proof", "verifiableCredential"})
_JSON_SCALARS = (str, int, float, type(None))


def _embedded_endorsements(document: Mapping[str, Any]) -> list[tuple[Any, list[str | int]]]:
    """Every object under an ``endorsement`` key outside proofs, contexts and CLR
    credentials, with its path, in document order (an endorsement before those it
    holds).

    Every credential an issuer signs is searched, so the walk visits only objects and
    arrays and builds the path of a container only when it goes into it."""
    found: list[tuple[Any, list[str | int]]] = []

    def search(value: Any, parts: list[str | int]) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, (dict, list)) or (
                    not isinstance(item, _JSON_SCALARS) and isinstance(item, Mapping)
                ):
                    search(item, [*parts, index])
            return
        for key, item in value.items():
            if key in _NOT_SEARCHED:
                continue
            if key == "endorsement":
                endorsements = item if isinstance(item, list) else [item]
                for index, endorsement in enumerate(endorsements):
                    if isinstance(endorsement, Mapping):
                        where = [*parts, key, index] if isinstance(item, list) else [*parts, key]
                        found.append((endorsement, where))
                        search(endorsement, where)
            elif isinstance(item, (dict, list)) or (
                not isinstance(item, _JSON_SCALARS) and isinstance(item, Mapping)
            ):
                search(item, [*parts, key])

    search(document, [])
    return found


def _validate(document: Any, path: str) -> list[Problem]:
    if not isinstance(document, Mapping):
        return [Problem(path, "a credential must be a JSON object", WRONG_JSON_TYPE)]
    kind = credential_kind(document)
    problems = _envelope_problems(document, path)
    problems += _model_problems(document, kind, path)
    for endorsement, parts in _embedded_endorsements(document):
        problems += _envelope_problems(endorsement, json_path(parts, path))
    if kind == CLR_CREDENTIAL:
        subject = document.get("credentialSubject")
        embedded = subject.get("verifiableCredential") if isinstance(subject, Mapping) else None
        if isinstance(embedded, list):
            for index, credential in enumerate(embedded):
                where = json_path(["credentialSubject", "verifiableCredential", index], path)
                problems += _validate_embedded(credential, where)
        elif embedded is not None:
            where = json_path(["credentialSubject", "verifiableCredential"], path)
            problems += _validate_embedded(embedded, where)
    return problems


def _validate_embedded(credential: Any, path: str) -> list[Problem]:
    """A CLR's embedded credential: an object, or a VC-JWT whose payload is checked."""
    if isinstance(credential, str):
        try:
            credential = decode_vc_jwt(credential).credential
        except JwtError as error:
            return [Problem(path, f"not a readable VC-JWT: {error.message}", WRONG_JSON_TYPE)]
    return _validate(credential, path)


def validate_credential(document: Mapping[str, Any]) -> list[Problem]:
    """Every data-model problem of ``document`` (an empty list if it conforms).

    ``document`` is the credential's parsed JSON. Never raises for a malformed
    document: a value of the wrong JSON type is a problem like any other.
    """
    try:
        problems = _validate(document, "$")
    except RecursionError:
        # JSON nested deeper than Python's stack (an attack, not a credential).
        return [Problem("$", "the document is nested too deeply to be checked", INVALID_VALUE)]
    # The envelope rules and the models can both see one fault (a missing @context).
    unique: dict[tuple[str, str], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.path, problem.code), problem)
    return list(unique.values())


def require_valid_credential(document: Mapping[str, Any]) -> None:
    """Raise :class:`DataModelError` listing every problem if ``document`` does not conform.

    For issuers, before signing: a credential with data-model problems must not be
    signed. ``DataModelError.problems`` holds ``(path, message)`` pairs.
    """
    problems = validate_credential(document)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise DataModelError(
            f"the credential does not conform to its data model: "
            f"{first.path}: {first.message}{more}",
            [(problem.path, problem.message) for problem in problems],
        )
