"""The parts every Verifiable Credential shares (VC Data Model 2.0 §4, and 1.1 §4).

Building blocks for the typed models of ``ob3`` and ``clr``: the value types the
specifications name (URI, dateTimeStamp, a ``type`` set that must contain an IRI, an
extensible vocabulary), the :class:`JsonLdModel` base, the envelope's parts
(``credentialStatus``, ``credentialSchema``, ``refreshService``, ``termsOfUse``) and a
generic :class:`VerifiableCredential`.

Models read leniently where JSON-LD is lenient (a single value where an array is
expected; unknown properties, which a context may define, are kept) and write the
exact JSON of the specifications: camelCase names, ``type`` arrays, ``@context``.
Validation errors carry stable codes (``MISSING_PROPERTY``, ``INVALID_TYPE``, ... below)
and messages written for people, which
:func:`credstack.standards.vc.data_model.validate_credential` reports as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    Tag,
    ValidationInfo,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

T = TypeVar("T")

CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"

# Codes of the problems the models raise (``Problem.code``).
MISSING_PROPERTY = "MISSING_PROPERTY"
WRONG_JSON_TYPE = "WRONG_JSON_TYPE"
INVALID_TYPE = "INVALID_TYPE"
INVALID_URI = "INVALID_URI"
INVALID_DATETIME = "INVALID_DATETIME"
UNKNOWN_TERM = "UNKNOWN_TERM"
INVALID_VALUE = "INVALID_VALUE"

# RFC 3986 §3: a scheme, a colon, and no whitespace or control characters.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f]*$")
# XML Schema 1.1 dateTimeStamp (a dateTime whose time zone is required).
_DATE_TIME_STAMP = re.compile(
    r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)
# XML Schema dateTime: the time zone is optional.
_DATE_TIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_DATE = re.compile(r"^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$")
# The naming convention of 1EdTech's extensible vocabularies ("ext:" and a term).
_EXTENSION_TERM = re.compile(r"^ext:[A-Za-z0-9._\-]+$")


def is_uri(value: object) -> bool:
    """Whether ``value`` is an absolute URI (a scheme, ``:``, no whitespace)."""
    return isinstance(value, str) and _URI.match(value) is not None


def _check_uri(value: str) -> str:
    if not is_uri(value):
        raise PydanticCustomError(
            INVALID_URI, "must be an absolute URI (scheme:...), got {value}", {"value": repr(value)}
        )
    return value


def parse_date_time_stamp(value: object) -> datetime:
    """An XML Schema ``dateTimeStamp`` as an aware ``datetime``.

    Raises ``ValueError`` for anything else (a string without a time zone, a naive
    ``datetime``, another JSON type).
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a dateTimeStamp needs a time zone")
        return value
    if not isinstance(value, str) or not _DATE_TIME_STAMP.match(value):
        raise ValueError(f"not an XML Schema dateTimeStamp with a time zone: {value!r}")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise ValueError(f"not a valid date and time: {value!r}") from error


def _validate_date_time_stamp(value: object) -> str:
    # Kept as the issuer wrote it: re-serialising a date (".0Z" to "Z") would change
    # the signed bytes of an embedded credential.
    try:
        parse_date_time_stamp(value)
    except ValueError:
        raise PydanticCustomError(
            INVALID_DATETIME,
            "must be an XML Schema dateTimeStamp with a time zone "
            "(like 2010-01-01T00:00:00Z), got {value}",
            {"value": repr(value)},
        ) from None
    return format_date_time_stamp(value) if isinstance(value, datetime) else str(value)


def _validate_number(value: object) -> int | float:
    # An integer stays an integer: 42 and 42.0 are different literals in JSON-LD.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError(WRONG_JSON_TYPE, "must be a number")
    return value


def format_date_time_stamp(value: datetime) -> str:
    """``2010-01-01T00:00:00Z`` for UTC, ISO 8601 with an offset otherwise."""
    text = value.isoformat()
    if value.utcoffset() is not None and value.utcoffset() == UTC.utcoffset(None):
        text = text.removesuffix("+00:00") + "Z"
    return text


def _date_time_text(pattern: re.Pattern[str], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise PydanticCustomError(
                INVALID_DATETIME,
                "must be an XML Schema " + what + ", got {value}",
                {"value": repr(value)},
            )
        return value

    return check


# Validation context flag: the document is being read, so a missing ``type`` is an
# error instead of taking the builder's default.
READING = "credstack.reading"
_MISSING = object()


def _type_set_containing(*required: str) -> Callable[[list[str] | str], list[str] | str]:
    def check(types: list[str] | str) -> list[str] | str:
        if not any(name in ([types] if isinstance(types, str) else types) for name in required):
            wanted = " or ".join(repr(name) for name in required)
            raise PydanticCustomError(
                INVALID_TYPE,
                "type must include {wanted}, got {types}",
                {"wanted": wanted, "types": repr(types)},
            )
        return types

    return check


def _type_equal_to(required: str) -> Callable[[object], object]:
    def check(value: object) -> object:
        if value is _MISSING:
            raise PydanticCustomError(MISSING_PROPERTY, "type is required")
        # The single value is the specification's form; a one-item array means the
        # same in JSON-LD, and is kept as it was written.
        if value != required and value != [required]:
            raise PydanticCustomError(
                INVALID_TYPE,
                "type must be {wanted}, got {value}",
                {"wanted": repr(required), "value": repr(value)},
            )
        return value

    return check


def non_empty(value: list[T] | T) -> list[T] | T:
    """Validator of a 1..* set: an empty array is no value."""
    if isinstance(value, list) and not value:
        raise PydanticCustomError(MISSING_PROPERTY, "must have at least one value")
    return value


def must_include(*required: str) -> AfterValidator:
    """Validator of a ``type`` set that MUST include one of ``required``."""
    return AfterValidator(_type_set_containing(*required))


def must_be(required: str) -> BeforeValidator:
    """Validator of a ``type`` that MUST be the single IRI ``required``."""
    return BeforeValidator(_type_equal_to(required))


def in_vocabulary(name: str, terms: Iterable[str], *, extensible: bool) -> AfterValidator:
    """Validator of a term of an enumerated vocabulary; ``extensible`` ones take ``ext:Term``."""
    known = frozenset(terms)

    def check(value: str) -> str:
        if value in known or (extensible and _EXTENSION_TERM.match(value)):
            return value
        hint = " or an extension term like 'ext:MyTerm'" if extensible else ""
        raise PydanticCustomError(
            UNKNOWN_TERM,
            "{value} is not a term of " + name + hint,
            {"value": repr(value)},
        )

    return AfterValidator(check)


Uri = Annotated[str, AfterValidator(_check_uri)]
# Text in XML Schema dateTimeStamp form; a builder may pass an aware datetime.
DateTimeStamp = Annotated[str, BeforeValidator(_validate_date_time_stamp)]
Number = Annotated[int | float, PlainValidator(_validate_number)]
DateTimeText = Annotated[str, AfterValidator(_date_time_text(_DATE_TIME, "dateTime"))]
DateText = Annotated[str, AfterValidator(_date_time_text(_DATE, "date"))]


def _reject_missing(value: object) -> object:
    if value is _MISSING:
        raise PydanticCustomError(MISSING_PROPERTY, "type is required")
    return value


def _list_or_single(value: object) -> str:
    return "<list>" if isinstance(value, list) else "<single>"


# One value or an array, written back in the shape it was read: JSON-LD compaction
# writes a one-item set as the item, and a signed document must not change shape.
SingleOrList = Annotated[
    Annotated[list[T], Tag("<list>")] | Annotated[T, Tag("<single>")],
    Discriminator(_list_or_single),
    BeforeValidator(_reject_missing),
]
# A set (0..* or 1..*) that also reads JSON-LD's compacted single value, kept as read.
OneOrMany = SingleOrList[T]
TypeSet = SingleOrList[str]
# Its items (URLs or context objects) are checked by validate_credential's rules.
Context = SingleOrList[Any]


class JsonLdModel(BaseModel):
    """Base of every model: camelCase JSON names, extensions kept, strict JSON types."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        strict=True,
        validate_assignment=False,
    )

    @model_validator(mode="before")
    @classmethod
    def _type_is_required_when_reading(cls, data: Any, info: ValidationInfo) -> Any:
        # Cheapest test first: every object of every credential read passes here.
        if (
            isinstance(data, dict | Mapping)
            and "type" not in data
            and "type" in cls.model_fields
            and info.context
            and info.context.get(READING)
        ):
            return {**data, "type": _MISSING}
        return data

    @model_serializer(mode="wrap")
    def _omit_absent_properties(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> Any:
        # Like exclude_none, but only for the declared properties: an extension whose
        # value is JSON null is kept as it was read.
        data = handler(self)
        if isinstance(data, dict):
            for name, field in type(self).model_fields.items():
                if getattr(self, name) is None:
                    data.pop(field.alias if info.by_alias and field.alias else name, None)
        return data

    def to_json_ld(self) -> dict[str, Any]:
        """The compact JSON-LD object: specification names, absent properties left out."""
        return self.model_dump(mode="json", by_alias=True)


def _reference_or_object(value: object) -> str | None:
    if isinstance(value, str):
        return "<uri>"
    if isinstance(value, Mapping | BaseModel):
        return "<object>"
    return None


# A property whose value is a URI or an embedded object, used as
# ``Annotated[Annotated[Uri, URI_TAG] | Annotated[Model, OBJECT_TAG], REFERENCE]``.
# The tags appear in pydantic's error locations; validate_credential drops them.
URI_TAG = Tag("<uri>")
OBJECT_TAG = Tag("<object>")
REFERENCE = Discriminator(
    _reference_or_object,
    custom_error_type=WRONG_JSON_TYPE,
    custom_error_message="must be a URI or an object",
)


class CredentialStatus(JsonLdModel):
    """VC Data Model 2.0 §4.10 Status: a ``type`` and, usually, an ``id`` URL."""

    id: Uri | None = None
    type: SingleOrList[str]


class CredentialSchema(JsonLdModel):
    """VC Data Model 2.0 §4.11 Data Schemas (``1EdTechJsonSchemaValidator2019`` in OB)."""

    id: Uri
    type: SingleOrList[str]


class RefreshService(JsonLdModel):
    """VC Data Model 2.0 §5.4 Refreshing."""

    id: Uri | None = None
    type: SingleOrList[str]


class TermsOfUse(JsonLdModel):
    """VC Data Model 2.0 §5.5 Terms of Use."""

    id: Uri | None = None
    type: SingleOrList[str]


class IssuerObject(JsonLdModel):
    """VC Data Model 2.0 §4.7: an issuer object MUST have an ``id``."""

    id: Uri


class CredentialSubject(JsonLdModel):
    """VC Data Model 2.0 §4.8: claims about a subject, optionally identified by ``id``."""

    id: Uri | None = None


class EvidenceObject(JsonLdModel):
    """VC Data Model 2.0 §5.6: evidence has a ``type``; an ``id`` when present is a URL."""

    id: Uri | None = None
    type: SingleOrList[str]


class VerifiableCredential(JsonLdModel):
    """A credential's envelope (VC Data Model 2.0 §4; the 1.1 names for its dates).

    ``validFrom``/``validUntil`` (2.0) and ``issuanceDate``/``expirationDate`` (1.1) are
    all optional here: which ones a credential needs depends on its ``@context``, a rule
    :func:`~credstack.standards.vc.data_model.validate_credential` applies.
    """

    context: Context = Field(alias="@context")
    id: Uri | None = None
    type: Annotated[TypeSet, must_include("VerifiableCredential")]
    # VC 2.0 §4.6 also allows language-tagged values and arrays of them.
    name: Any = None
    description: Any = None
    issuer: Annotated[Annotated[Uri, URI_TAG] | Annotated[IssuerObject, OBJECT_TAG], REFERENCE]
    valid_from: DateTimeStamp | None = None
    valid_until: DateTimeStamp | None = None
    issuance_date: DateTimeStamp | None = None
    expiration_date: DateTimeStamp | None = None
    credential_subject: SingleOrList[CredentialSubject]
    credential_status: SingleOrList[CredentialStatus] | None = None
    credential_schema: SingleOrList[CredentialSchema] | None = None
    refresh_service: SingleOrList[RefreshService] | None = None
    terms_of_use: SingleOrList[TermsOfUse] | None = None
    evidence: SingleOrList[EvidenceObject] | None = None
    # Proofs are checked by the Data Integrity verifier, not by the data model.
    proof: Any = None
