"""Writes of the issuing app: signing keys, micro-credential definitions, awards,
revocation and suspension.

Each service checks permissions itself (``accounts.permissions.require``) so views,
the API and the command line cannot forget to.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import secrets
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from credstack.accounts.models import Organisation, User
from credstack.accounts.permissions import Action, require
from credstack.common.errors import ConflictError, CredstackError, ValidationFailedError
from credstack.common.fast_insert import ModelMaker, insert_new, take_primary_keys
from credstack.common.lookups import AnyOf
from credstack.issuing import status_lists
from credstack.issuing.batch_signing import SigningPool, validate_and_sign
from credstack.issuing.credential import (
    Recipient,
    achievement_with_eu_elements,
    build_credential,
    expiry_of,
    issuer_profile,
)
from credstack.issuing.identifiers import active_key, issuer_id, verification_method
from credstack.issuing.images import stored_image
from credstack.issuing.key_encryption import (
    key_encryption_key,
    key_encryption_key_id,
    open_secret,
    seal_secret,
)
from credstack.issuing.models import (
    FROZEN_STATUSES,
    AchievementDefinition,
    ApiToken,
    ApiTokenScope,
    Award,
    AwardStatus,
    DefinitionStatus,
    DefinitionVersion,
    ExpiryRule,
    SigningKey,
    StatusList,
    StatusPurpose,
)
from credstack.issuing.signals import announce_awards
from credstack.standards.keys.did_key import did_key_from_public_key
from credstack.standards.keys.multikey import Ed25519KeyPair, public_key_from_multibase
from credstack.standards.status.status_list import status_list_entry

# --- Signing keys ---------------------------------------------------------------------


def _store_new_key(organisation: Organisation, now: datetime) -> SigningKey:
    kek = key_encryption_key()
    key_pair = Ed25519KeyPair.generate()
    private_key = key_pair.private_key
    assert private_key is not None
    seed = private_key.private_bytes_raw()
    public = key_pair.public_key_multibase
    return SigningKey.objects.create(
        organisation=organisation,
        public_key_multibase=public,
        encrypted_secret=seal_secret(seed, public, kek),
        key_encryption_key_id=key_encryption_key_id(kek),
        created_at=now,
    )


@transaction.atomic
def create_signing_key(
    organisation: Organisation, *, by: User | None, now: datetime | None = None
) -> SigningKey:
    """Create the organisation's first signing key.

    ``by=None`` is for the command line acting as the instance's operator. Raises
    PermissionDeniedError, ConflictError when an active key exists (rotate it instead),
    KeyEncryptionKeyMissingError without a key-encryption key.
    """
    if by is not None:
        require(by, organisation, Action.MANAGE_KEYS)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if SigningKey.objects.filter(organisation=organisation, retired_at__isnull=True).exists():
        raise ConflictError(
            f"{organisation.name} already has an active signing key; rotate it instead",
            code="signing_key_exists",
        )
    return _store_new_key(organisation, now or timezone.now())


@transaction.atomic
def rotate_signing_key(
    organisation: Organisation, *, by: User | None, now: datetime | None = None
) -> SigningKey:
    """Retire the active key (kept, never deleted: it stays in the DID document so
    credentials it signed keep verifying) and create a new one, which is returned."""
    if by is not None:
        require(by, organisation, Action.MANAGE_KEYS)
    now = now or timezone.now()
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    SigningKey.objects.filter(organisation=organisation, retired_at__isnull=True).update(
        retired_at=now
    )
    return _store_new_key(organisation, now)


def load_key_pair(signing_key: SigningKey) -> Ed25519KeyPair:
    """Decrypt ``signing_key`` for signing. The caller checks the right to sign (award)
    and must not keep or log the result. Raises KeyDecryptionError,
    KeyEncryptionKeyMissingError."""
    kek = key_encryption_key()
    seed = open_secret(
        signing_key.encrypted_secret,
        signing_key.public_key_multibase,
        kek,
        key_id=signing_key.key_encryption_key_id,
    )
    key_pair = Ed25519KeyPair.from_private_key(ed25519.Ed25519PrivateKey.from_private_bytes(seed))
    if key_pair.public_key_multibase != signing_key.public_key_multibase:
        raise ConflictError("the stored signing key does not match its public key")
    return key_pair


# --- Definitions ----------------------------------------------------------------------

EDITABLE_FIELDS = frozenset(DefinitionVersion.content_field_names())

_BCP47 = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")


def _text_list_problems(name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return [f"{name}: must be a list of texts"]
    if any(not item.strip() for item in value):
        return [f"{name}: items must not be blank"]
    return []


def _object_list_problems(
    name: str, value: Any, *, allowed: set[str], required: set[str]
) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return [f"{name}: must be a list of objects"]
    problems = []
    for index, item in enumerate(value):
        unknown = set(item) - allowed
        if unknown:
            problems.append(f"{name}[{index}]: unknown keys {', '.join(sorted(unknown))}")
        missing = [key for key in sorted(required) if not str(item.get(key) or "").strip()]
        if missing:
            problems.append(f"{name}[{index}]: needs {', '.join(missing)}")
        bad = [
            key for key in sorted(item) if item[key] is not None and not isinstance(item[key], str)
        ]
        if bad:
            problems.append(f"{name}[{index}]: {', '.join(bad)} must be text")
    return problems


def _version_problems(version: DefinitionVersion) -> list[str]:
    """Every field-level problem (types, ranges, shapes); empty when the version is
    well formed. Completeness for publishing is :func:`missing_mandatory_elements`."""
    problems: list[str] = []
    # full_clean skips an empty value of a field that may be blank, None included, so a
    # null in a text field that cannot hold one would only fail in the database. (The
    # JSON lists' own checks below refuse a null.)
    for name in sorted(EDITABLE_FIELDS):
        model_field = DefinitionVersion._meta.get_field(name)
        if (
            getattr(version, name) is None
            and model_field.blank
            and not model_field.null
            and not isinstance(model_field, models.JSONField)
        ):
            problems.append(f"{name}: must not be null (an empty value clears it)")
    try:
        version.full_clean(exclude=["definition", "created_by", "approved_by"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            problems.extend(f"{field}: {message}" for message in messages)
    problems += _text_list_problems("learning_outcomes", version.learning_outcomes)
    problems += _text_list_problems("tags", version.tags)
    problems += _object_list_problems(
        "awarding_bodies",
        version.awarding_bodies,
        allowed={"name", "url", "country", "id"},
        required={"name"},
    )
    problems += _object_list_problems(
        "alignments",
        version.alignments,
        allowed={"framework", "code", "name", "url", "type", "description"},
        required={"name", "url"},
    )
    if version.issuer_country and not _COUNTRY.fullmatch(version.issuer_country):
        problems.append("issuer_country: must be an ISO 3166-1 alpha-2 code such as FI")
    if version.language and not _BCP47.fullmatch(version.language):
        problems.append("language: must be a BCP 47 language tag such as en or fr-BE")
    if version.price_currency and not _CURRENCY.fullmatch(version.price_currency):
        problems.append("price_currency: must be an ISO 4217 code such as EUR")
    if version.image and stored_image(version.image) is None:
        problems.append(
            "image: must name an uploaded image (<sha256>.png or .svg): upload it first "
            "with POST /api/v1/organisations/{id}/images or the definition form"
        )
    if version.expiry_rule == ExpiryRule.FIXED_DATE and version.expiry_date is None:
        problems.append("expiry_date: needed when the expiry rule is a fixed date")
    if version.expiry_rule == ExpiryRule.MONTHS_AFTER_AWARD and not version.expiry_months:
        problems.append("expiry_months: needed when the credential expires months after award")
    return sorted(set(problems))


def missing_mandatory_elements(version: DefinitionVersion) -> list[str]:
    """The EU mandatory elements (Council Recommendation of 16 June 2022, Annex I) the
    version lacks, in the Recommendation's words. Learner identification and date of
    issuing are filled at award and never missing here."""
    missing = []
    if not version.title.strip():
        missing.append("title of the micro-credential")
    if not version.issuer_country:
        missing.append("country/region of the issuer")
    if not version.awarding_bodies:
        missing.append("awarding body(ies)")
    if not version.learning_outcomes:
        missing.append("learning outcomes")
    if version.workload_ects is None and version.workload_hours is None:
        missing.append("notional workload needed to achieve the learning outcomes (ECTS or hours)")
    if version.eqf_level is None and not (
        version.national_framework.strip() and version.national_framework_level.strip()
    ):
        missing.append("level (and cycle, if applicable) of the learning experience (EQF/NQF)")
    if not version.assessment_type.strip():
        missing.append("type of assessment")
    if not version.participation_form:
        missing.append("form of participation in the learning activity")
    if not version.quality_assurance.strip():
        missing.append("type of quality assurance used to underpin the micro-credential")
    return missing


def _coerce(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationFailedError(
            "unknown fields", [f"{name}: not a definition field" for name in sorted(unknown)]
        )
    coerced = dict(changes)
    for name in ("workload_ects", "workload_hours", "price_amount"):
        value = coerced.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            coerced[name] = Decimal(str(value))
    return coerced


def _apply(version: DefinitionVersion, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(version, name, value)
    problems = _version_problems(version)
    if problems:
        raise ValidationFailedError("the definition is not valid", problems)


@transaction.atomic
def create_definition(
    organisation: Organisation, fields: dict[str, Any], *, by: User, now: datetime | None = None
) -> AchievementDefinition:
    """Create a definition with a first draft version holding ``fields`` (any subset of
    :data:`EDITABLE_FIELDS`; a draft may be incomplete). The issuer's country and region
    and the awarding body default to the organisation's.

    Raises PermissionDeniedError (needs ``define``), ValidationFailedError listing every
    bad field.
    """
    require(by, organisation, Action.DEFINE)
    now = now or timezone.now()
    changes = _coerce(fields)
    changes.setdefault("issuer_country", organisation.country)
    changes.setdefault("issuer_region", organisation.region)
    changes.setdefault(
        "awarding_bodies",
        [
            {
                key: value
                for key, value in (
                    ("name", organisation.name),
                    ("url", organisation.website),
                    ("country", organisation.country),
                )
                if value
            }
        ],
    )
    definition = AchievementDefinition(organisation=organisation, created_at=now)
    version = DefinitionVersion(definition=definition, number=1, created_by=by, created_at=now)
    _apply(version, changes)
    definition.save()
    version.definition = definition
    version.save()
    return definition


@transaction.atomic
def update_definition(
    definition: AchievementDefinition,
    changes: dict[str, Any],
    *,
    by: User,
    now: datetime | None = None,
) -> DefinitionVersion:
    """Change a definition's content; returns the version that holds the change.

    A draft is changed in place; a version in review or approved goes back to draft
    (its approval no longer covers the new content); a frozen (published) latest
    version is left as it is and a new draft version ``number + 1`` starts from it.
    Raises PermissionDeniedError, ConflictError for a retired definition,
    ValidationFailedError.
    """
    require(by, definition.organisation, Action.DEFINE)
    definition = AchievementDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.retired_at is not None:
        raise ConflictError("the definition is retired", code="definition_retired")
    now = now or timezone.now()
    changes = _coerce(changes)
    latest = definition.latest_version()
    if latest.status in FROZEN_STATUSES:
        version = DefinitionVersion(
            definition=definition,
            number=latest.number + 1,
            created_by=by,
            created_at=now,
            **latest.content(),
        )
    else:
        version = latest
        version.status = DefinitionStatus.DRAFT
        version.submitted_at = version.approved_at = None
        version.approved_by = None
    _apply(version, changes)
    version.save()
    return version


def _latest_for_update(definition: AchievementDefinition) -> DefinitionVersion:
    return (
        DefinitionVersion.objects.select_for_update()
        .filter(definition=definition)
        .order_by("-number")
        .first()
    ) or definition.latest_version()


def _refuse_incomplete(version: DefinitionVersion) -> None:
    missing = missing_mandatory_elements(version)
    if missing:
        raise ValidationFailedError(
            "the definition lacks mandatory elements of the EU micro-credential recommendation",
            missing,
            code="mandatory_elements_missing",
        )


@transaction.atomic
def submit_definition(
    definition: AchievementDefinition, *, by: User, now: datetime | None = None
) -> DefinitionVersion:
    """Send the latest draft for review. Raises ConflictError unless it is a draft,
    ValidationFailedError listing every missing mandatory element."""
    require(by, definition.organisation, Action.DEFINE)
    version = _latest_for_update(definition)
    if version.status != DefinitionStatus.DRAFT:
        raise ConflictError(f"version {version.number} is {version.status}, not a draft")
    _refuse_incomplete(version)
    version.status = DefinitionStatus.IN_REVIEW
    version.submitted_at = now or timezone.now()
    version.save()
    return version


@transaction.atomic
def approve_definition(
    definition: AchievementDefinition, *, by: User, now: datetime | None = None
) -> DefinitionVersion:
    """Approve the version in review (needs ``approve_definition``: a reviewer, an
    administrator or an owner). Raises ConflictError unless one is in review."""
    require(by, definition.organisation, Action.APPROVE_DEFINITION)
    version = _latest_for_update(definition)
    if version.status != DefinitionStatus.IN_REVIEW:
        raise ConflictError(f"version {version.number} is {version.status}, not in review")
    version.status = DefinitionStatus.APPROVED
    version.approved_by = by
    version.approved_at = now or timezone.now()
    version.save()
    return version


@transaction.atomic
def publish_definition(
    definition: AchievementDefinition, *, by: User, now: datetime | None = None
) -> DefinitionVersion:
    """Publish the approved latest version: new awards use it, the previous published
    version becomes superseded (both stay frozen). Refuses with ValidationFailedError
    listing every missing mandatory element, ConflictError unless it is approved."""
    require(by, definition.organisation, Action.DEFINE)
    definition = AchievementDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.retired_at is not None:
        raise ConflictError("the definition is retired", code="definition_retired")
    version = _latest_for_update(definition)
    _refuse_incomplete(version)
    if version.status != DefinitionStatus.APPROVED:
        raise ConflictError(
            f"version {version.number} is {version.status}; it must be approved first",
            code="not_approved",
        )
    now = now or timezone.now()
    previous = definition.published_version
    if previous is not None:
        previous.status = DefinitionStatus.SUPERSEDED
        previous.save()
    version.status = DefinitionStatus.PUBLISHED
    version.published_at = now
    version.save()
    definition.published_version = version
    definition.save(update_fields=["published_version"])
    return version


@transaction.atomic
def retire_definition(
    definition: AchievementDefinition, *, by: User, now: datetime | None = None
) -> AchievementDefinition:
    """Stop awarding a definition. Credentials already awarded stay valid."""
    require(by, definition.organisation, Action.DEFINE)
    definition = AchievementDefinition.objects.select_for_update().get(pk=definition.pk)
    now = now or timezone.now()
    definition.retired_at = now
    definition.save(update_fields=["retired_at"])
    if definition.published_version is not None:
        version = definition.published_version
        version.status = DefinitionStatus.RETIRED
        version.save()
    return definition


# --- Awards ---------------------------------------------------------------------------

MAX_IDEMPOTENCY_KEY_LENGTH = 200
# The longest text each field of an award holds (PostgreSQL refuses more, SQLite keeps it).
_AWARD_TEXT_LIMITS: dict[str, int] = {
    name: int(Award._meta.get_field(name).max_length or 0)
    for name in ("recipient_email", "recipient_did", "recipient_name", "evidence_url", "grade")
}


def _award_problems(
    version: DefinitionVersion,
    *,
    recipient_email: str | None,
    recipient_did: str | None,
    evidence_url: str | None,
    idempotency_key: str | None,
    awarded_at: datetime,
    valid_until: datetime | None,
) -> list[str]:
    problems: list[str] = []
    if version.status != DefinitionStatus.PUBLISHED:
        problems.append(f"version {version.number} is {version.status}, not published")
    if not recipient_email and not recipient_did:
        problems.append("recipient: give an email address or a DID")
    if recipient_email:
        try:
            validate_email(recipient_email)
        except ValidationError:
            problems.append(f"recipient_email: not an email address: {recipient_email!r}")
    if recipient_did and not _DID.fullmatch(recipient_did):
        problems.append(f"recipient_did: not a DID: {recipient_did!r}")
    if evidence_url:
        try:
            URLValidator(schemes=["http", "https"])(evidence_url)
        except ValidationError:
            problems.append(f"evidence_url: not an http(s) URL: {evidence_url!r}")
    if idempotency_key is not None and not (0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH):
        problems.append(f"idempotency_key: between 1 and {MAX_IDEMPOTENCY_KEY_LENGTH} characters")
    if awarded_at.tzinfo is None:
        problems.append("awarded_at: needs a time zone")
    if valid_until is not None and valid_until.tzinfo is None:
        problems.append("valid_until: needs a time zone")
    elif valid_until is not None and awarded_at.tzinfo is not None and valid_until <= awarded_at:
        problems.append("valid_until: must be after the award date")
    return problems


_DID = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._%-]")


def _signer(organisation: Organisation) -> tuple[str, Ed25519KeyPair, str]:
    """The organisation's issuer id, active key pair and its verification method."""
    signing_key = active_key(organisation)
    return issuer_id(organisation), load_key_pair(signing_key), verification_method(signing_key)


def _list_signer(status_list: StatusList) -> tuple[str, Ed25519KeyPair, str]:
    """Who signs ``status_list``: its issuer must stay the issuer of the credentials that
    point at it. That is the active key unless the list was begun under an earlier
    did:key (a local instance whose key was rotated since): then the retired key whose
    did:key the list names signs it, for those earlier credentials only."""
    organisation = status_list.organisation
    current = _signer(organisation)
    if status_list.issuer in ("", current[0]):
        return current
    for signing_key in SigningKey.objects.filter(organisation=organisation):
        public_key = public_key_from_multibase(signing_key.public_key_multibase)
        if did_key_from_public_key(public_key) == status_list.issuer:
            return status_list.issuer, load_key_pair(signing_key), verification_method(signing_key)
    raise ConflictError(
        f"no key of {organisation.name} can sign status list {status_list.public_id} "
        f"as {status_list.issuer}",
        code="status_list_issuer_unknown",
    )


@dataclass(frozen=True)
class AwardRequest:
    """One award of a batch (:func:`issue_credentials`). Each field means what the
    argument of the same name of :func:`issue_credential` means."""

    recipient_email: str | None = None
    recipient_did: str | None = None
    recipient_name: str = ""
    awarded_at: datetime | None = None
    narrative: str | None = None
    evidence_url: str | None = None
    grade: str | None = None
    valid_until: datetime | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class AwardOutcome:
    """What became of one request: its award (``created`` when this call stored it; else
    the award its idempotency key made earlier), or the error :func:`issue_credential`
    would have raised for it alone."""

    award: Award | None = None
    error: CredstackError | None = None
    created: bool = False


@dataclass(frozen=True)
class _Prepared:
    """A request checked and completed (defaults applied), ready to be built."""

    position: int
    recipient_email: str
    recipient_did: str
    recipient_name: str
    awarded_at: datetime
    valid_until: datetime | None
    narrative: str
    evidence_url: str
    grade: str
    idempotency_key: str | None


# Stores of one batch that may meet a concurrent award of one of its idempotency keys.
_STORE_ATTEMPTS = 3


def issue_credential(
    definition_version: DefinitionVersion,
    *,
    recipient_email: str | None = None,
    recipient_did: str | None = None,
    recipient_name: str = "",
    by: User | None,
    awarded_at: datetime | None = None,
    narrative: str | None = None,
    evidence_url: str | None = None,
    grade: str | None = None,
    valid_until: datetime | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Award:
    """Award ``definition_version`` to one recipient: build, validate, sign and store an
    OB 3.0 OpenBadgeCredential.

    Preconditions: ``by`` may award for the definition's organisation (``by=None`` is
    the command line acting as the operator); the version is published; the
    organisation has an active signing key; a recipient email or DID. ``valid_until``
    defaults to the definition's expiry rule. The same ``idempotency_key`` (per
    organisation) returns the award made with it, never a second credential.

    Raises PermissionDeniedError, ValidationFailedError (every problem at once, or the
    credential's data-model problems), ConflictError (no signing key; an idempotency key
    used for another definition or recipient).
    """
    request = AwardRequest(
        recipient_email=recipient_email,
        recipient_did=recipient_did,
        recipient_name=recipient_name,
        awarded_at=awarded_at,
        narrative=narrative,
        evidence_url=evidence_url,
        grade=grade,
        valid_until=valid_until,
        idempotency_key=idempotency_key,
    )
    [outcome] = issue_credentials(definition_version, [request], by=by, now=now)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.award is not None
    return outcome.award


def issue_credentials(
    definition_version: DefinitionVersion,
    requests: Sequence[AwardRequest],
    *,
    by: User | None,
    now: datetime | None = None,
    signing_pool: SigningPool | None = None,
) -> list[AwardOutcome]:
    """Award ``definition_version`` to each of ``requests``: the batch form of
    :func:`issue_credential`, with the same credentials, checks and problems; one
    outcome per request, in order.

    Each request is treated as :func:`issue_credential` would treat it alone, in the
    order given (a request repeating an earlier one's idempotency key gets the award
    that one made, or a ConflictError). A request that fails gets the error in its
    outcome and the others go on. The new awards are stored in one transaction (inside
    the caller's, if any): one locked read-modify-write of each status list they use,
    one insert, and one ``awards_issued`` signal after commit. ``signing_pool`` checks
    and signs the credentials in worker processes (see ``batch_signing``). The awards'
    credentials share the parts that are the same for all (issuer, achievement) in
    memory: like any signed credential, treat them as read-only.

    Raises PermissionDeniedError (then nothing is done).
    """
    organisation = definition_version.definition.organisation
    if by is not None:
        require(by, organisation, Action.AWARD)
    now = now or timezone.now()
    outcomes: list[AwardOutcome | None] = [None] * len(requests)
    for positions in _rounds(requests, range(len(requests))):
        _issue_round(
            definition_version,
            organisation,
            requests,
            positions,
            outcomes,
            by=by,
            now=now,
            signing_pool=signing_pool,
        )
    return _settled(outcomes)


class PreparedAwards:
    """A batch of awards checked, with status entries allocated and its credentials
    being signed (by :func:`prepare_awards`), to be stored by :func:`store_awards`."""

    def __init__(
        self,
        version: DefinitionVersion,
        requests: Sequence[AwardRequest],
        *,
        by: User | None,
        now: datetime,
        signing_pool: SigningPool | None,
    ) -> None:
        self.version = version
        self.organisation = version.definition.organisation
        self.requests = requests
        self.by = by
        self.now = now
        self.signing_pool = signing_pool
        self.outcomes: list[AwardOutcome | None] = [None] * len(requests)
        self.first_round = next(_rounds(requests, range(len(requests))), [])
        self.storing: _Storing | None = None


def prepare_awards(
    definition_version: DefinitionVersion,
    requests: Sequence[AwardRequest],
    *,
    by: User | None,
    now: datetime | None = None,
    signing_pool: SigningPool | None = None,
) -> PreparedAwards:
    """The first half of :func:`issue_credentials`, so that a caller can let a batch
    be signed (by ``signing_pool``) while it stores the previous one: check the
    requests, look up their idempotency keys, allocate their status entries (in the
    current transaction) and send the credentials to be signed. Nothing is stored
    until :func:`store_awards`, which may run in a later transaction; if that one never
    commits, the entries allocated here stay unused.

    Raises PermissionDeniedError (then nothing is done).
    """
    organisation = definition_version.definition.organisation
    if by is not None:
        require(by, organisation, Action.AWARD)
    prepared = PreparedAwards(
        definition_version,
        requests,
        by=by,
        now=now or timezone.now(),
        signing_pool=signing_pool,
    )
    checked = _check_round(
        definition_version,
        organisation,
        requests,
        prepared.first_round,
        prepared.outcomes,
        now=prepared.now,
    )
    if checked is not None:
        to_store, signer = checked
        prepared.storing = _Storing(
            definition_version,
            to_store,
            organisation=organisation,
            signer=signer,
            now=prepared.now,
            signing_pool=signing_pool,
        )
    return prepared


def store_awards(prepared: PreparedAwards) -> list[AwardOutcome]:
    """The second half of :func:`issue_credentials` (see :func:`prepare_awards`):
    store the signed credentials, inside the caller's transaction; one outcome per
    request, in order."""
    outcomes = prepared.outcomes
    storing, prepared.storing = prepared.storing, None
    if storing is not None:
        # On an IntegrityError another transaction stored an award with one of the keys
        # since they were looked up: these requests stay unsettled, and are settled
        # again below from the start, with the later rounds.
        with contextlib.suppress(IntegrityError):
            _record(storing.finish(by=prepared.by), outcomes)
    later = [position for position, outcome in enumerate(outcomes) if outcome is None]
    for positions in _rounds(prepared.requests, later):
        _issue_round(
            prepared.version,
            prepared.organisation,
            prepared.requests,
            positions,
            outcomes,
            by=prepared.by,
            now=prepared.now,
            signing_pool=prepared.signing_pool,
        )
    return _settled(outcomes)


def _rounds(requests: Sequence[AwardRequest], positions: Iterable[int]) -> Iterator[list[int]]:
    """The positions in rounds whose idempotency keys are distinct: a request repeating
    an earlier one's key waits for a later round, which finds the earlier's award."""
    waiting = list(positions)
    while waiting:
        this_round, later, keys = [], [], set()
        for position in waiting:
            key = requests[position].idempotency_key
            if key is not None and key in keys:
                later.append(position)
            else:
                keys.add(key)
                this_round.append(position)
        yield this_round
        waiting = later


def _settled(outcomes: list[AwardOutcome | None]) -> list[AwardOutcome]:
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


def _record(stored: dict[int, Award | CredstackError], outcomes: list[AwardOutcome | None]) -> None:
    for position, award_or_error in stored.items():
        if isinstance(award_or_error, Award):
            outcomes[position] = AwardOutcome(award=award_or_error, created=True)
        else:
            outcomes[position] = AwardOutcome(error=award_or_error)


def _check_round(
    version: DefinitionVersion,
    organisation: Organisation,
    requests: Sequence[AwardRequest],
    positions: list[int],
    outcomes: list[AwardOutcome | None],
    *,
    now: datetime,
) -> tuple[list[_Prepared], tuple[str, Ed25519KeyPair, str]] | None:
    """Settle the requests at ``positions`` (distinct idempotency keys) that need no new
    award: an award their key made, or their problems. The others and the signer, or
    None when none is left or there is no key to sign with (then that is their error)."""
    existing = _existing_awards(
        organisation, [requests[position].idempotency_key for position in positions]
    )
    to_store: list[_Prepared] = []
    for position in positions:
        request = requests[position]
        found = existing.get(request.idempotency_key) if request.idempotency_key else None
        if found is not None:
            outcomes[position] = _same_award_outcome(found, version, request)
            continue
        prepared = _prepare(version, request, position, now)
        if isinstance(prepared, CredstackError):
            outcomes[position] = AwardOutcome(error=prepared)
        else:
            to_store.append(prepared)
    if not to_store:
        return None
    try:
        signer = _signer(organisation)
    except CredstackError as error:
        for prepared in to_store:
            outcomes[prepared.position] = AwardOutcome(error=error)
        return None
    return to_store, signer


def _issue_round(
    version: DefinitionVersion,
    organisation: Organisation,
    requests: Sequence[AwardRequest],
    positions: list[int],
    outcomes: list[AwardOutcome | None],
    *,
    by: User | None,
    now: datetime,
    signing_pool: SigningPool | None,
) -> None:
    """Settle the requests at ``positions``, whose idempotency keys are distinct."""
    for attempt in range(_STORE_ATTEMPTS):
        checked = _check_round(version, organisation, requests, positions, outcomes, now=now)
        if checked is None:
            return
        to_store, signer = checked
        try:
            # The status entries are allocated in this savepoint too.
            with transaction.atomic():
                stored = _Storing(
                    version,
                    to_store,
                    organisation=organisation,
                    signer=signer,
                    now=now,
                    signing_pool=signing_pool,
                ).finish(by=by)
        except IntegrityError:
            # Another transaction stored an award with one of the keys between our look
            # and our insert: look again; its requests now get that award.
            if attempt + 1 == _STORE_ATTEMPTS:
                raise
            continue
        _record(stored, outcomes)
        return


def _existing_awards(organisation: Organisation, keys: list[str | None]) -> dict[str, Award]:
    wanted = [key for key in keys if key is not None]
    if not wanted:
        return {}
    found = Award.objects.select_related("definition_version").filter(
        AnyOf(F("idempotency_key"), wanted), organisation=organisation
    )
    return {award.idempotency_key: award for award in found if award.idempotency_key}


def _same_award_outcome(
    existing: Award, version: DefinitionVersion, request: AwardRequest
) -> AwardOutcome:
    """The award an idempotency key already made, provided the retry asks for the same
    thing (same definition, same recipient); a key reused for another award is a
    ConflictError rather than a silent wrong answer."""
    same_definition = existing.definition_version.definition_id == version.definition_id
    recipient_email = (request.recipient_email or "").strip().lower()
    same_recipient = recipient_email == existing.recipient_email.lower()
    same_recipient = same_recipient and (request.recipient_did or "").strip() == (
        existing.recipient_did
    )
    if not (same_definition and same_recipient):
        return AwardOutcome(
            error=ConflictError(
                f"the idempotency key was used for award {existing.public_id}, "
                "of another definition or recipient",
                code="idempotency_key_reused",
            )
        )
    return AwardOutcome(award=existing)


def _prepare(
    version: DefinitionVersion, request: AwardRequest, position: int, now: datetime
) -> _Prepared | ValidationFailedError:
    awarded_at = request.awarded_at or now
    recipient_email = (request.recipient_email or "").strip()
    recipient_did = (request.recipient_did or "").strip()
    valid_until = request.valid_until
    if valid_until is None:
        valid_until = expiry_of(version, awarded_at)
    problems = _award_problems(
        version,
        recipient_email=recipient_email,
        recipient_did=recipient_did,
        evidence_url=request.evidence_url,
        idempotency_key=request.idempotency_key,
        awarded_at=awarded_at,
        valid_until=valid_until,
    )
    stored = {
        "recipient_email": recipient_email,
        "recipient_did": recipient_did,
        "recipient_name": request.recipient_name.strip(),
        "evidence_url": request.evidence_url or "",
        "grade": request.grade or "",
    }
    problems += [
        f"{name}: at most {_AWARD_TEXT_LIMITS[name]} characters"
        for name, value in stored.items()
        if len(value) > _AWARD_TEXT_LIMITS[name]
    ]
    if problems:
        return ValidationFailedError("the award cannot be made", problems, code="invalid_award")
    return _Prepared(
        position=position,
        recipient_email=recipient_email,
        recipient_did=recipient_did,
        recipient_name=request.recipient_name.strip(),
        awarded_at=awarded_at,
        valid_until=valid_until,
        narrative=request.narrative or "",
        evidence_url=request.evidence_url or "",
        grade=request.grade or "",
        idempotency_key=request.idempotency_key,
    )


class _Storing:
    """A round's awards on their way: status entries allocated and credentials built
    and sent to be signed (on construction, inside the caller's transaction), then
    stored by :meth:`finish` (inside the caller's transaction, maybe a later one).

    The steps are chained lazily: credentials are built as the signer takes them, and
    the signed ones inserted as they come back, so with a signing pool this process
    builds and stores while the workers sign.
    """

    def __init__(
        self,
        version: DefinitionVersion,
        batch: list[_Prepared],
        *,
        organisation: Organisation,
        signer: tuple[str, Ed25519KeyPair, str],
        now: datetime,
        signing_pool: SigningPool | None,
    ) -> None:
        self.version = version
        self.batch = batch
        self.organisation = organisation
        self.now = now
        issuer, key_pair, method = signer
        entries: dict[str, list[tuple[StatusList, int]]] = {}
        for purpose in (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION):
            allocated, new_lists = status_lists.allocate_indexes(
                organisation, purpose, len(batch), issuer=issuer, now=now
            )
            for status_list in new_lists:
                status_lists.sign_status_list(
                    status_list,
                    issuer=issuer,
                    key_pair=key_pair,
                    verification_method=method,
                    now=now,
                )
            entries[purpose] = allocated
        self.revocations = entries[StatusPurpose.REVOCATION]
        self.suspensions = entries[StatusPurpose.SUSPENSION]
        self.recipients = [
            Recipient(
                email=prepared.recipient_email,
                did=prepared.recipient_did,
                name=prepared.recipient_name,
                salt=secrets.token_hex(16) if prepared.recipient_email else "",
            )
            for prepared in batch
        ]
        self.credential_ids = [f"urn:uuid:{uuid.uuid4()}" for _ in batch]
        # What every credential shares, read now: the credentials are built lazily,
        # maybe while the awards are being inserted (when no other query can run).
        self.list_urls = {
            status_list.pk: status_lists.status_list_url(status_list)
            for status_list, _ in self.revocations + self.suspensions
        }
        self.issuer_profile = issuer_profile(version)
        self.achievement = achievement_with_eu_elements(version)
        credentials = self._credentials()
        if signing_pool is not None:
            self.results = signing_pool.sign(
                credentials, key_pair, verification_method=method, created=now
            )
        else:
            self.results = validate_and_sign(
                credentials, key_pair, verification_method=method, created=now
            )

    def _credentials(self) -> Iterator[dict[str, Any]]:
        """The unsigned credentials; no database query (see ``__init__``)."""
        version, list_urls = self.version, self.list_urls
        for number, prepared in enumerate(self.batch):
            yield build_credential(
                version,
                credential_id=self.credential_ids[number],
                recipient=self.recipients[number],
                awarded_at=prepared.awarded_at,
                valid_until=prepared.valid_until,
                credential_status=[
                    status_list_entry(
                        list_credential_url=list_urls[status_list.pk],
                        index=index,
                        purpose=str(purpose),
                    )
                    for purpose, (status_list, index) in (
                        (StatusPurpose.REVOCATION, self.revocations[number]),
                        (StatusPurpose.SUSPENSION, self.suspensions[number]),
                    )
                ],
                narrative=prepared.narrative,
                evidence_url=prepared.evidence_url,
                grade=prepared.grade,
                issuer=self.issuer_profile,
                achievement=self.achievement,
            )

    def finish(self, *, by: User | None) -> dict[int, Award | CredstackError]:
        """Insert the signed credentials' awards in a savepoint and announce them
        (``awards_issued``, after the commit); the award or the error of each request
        position. Entries of credentials that could not be signed are given back.
        Raises IntegrityError (nothing stored) when an idempotency key was used
        meanwhile."""
        with transaction.atomic():
            stored = self._insert(by)
            announce_awards([award for award in stored.values() if isinstance(award, Award)])
        return stored

    def _insert(self, by: User | None) -> dict[int, Award | CredstackError]:
        outcome: dict[int, Award | CredstackError] = {}
        unused: list[tuple[StatusList, int]] = []
        new_award = ModelMaker(Award)
        json_texts: dict[int, str] = {}  # by id() of the award, when a worker made them
        revocations, suspensions = self.revocations, self.suspensions

        def signed_awards() -> Iterator[Award]:
            for number, (prepared, result) in enumerate(zip(self.batch, self.results, strict=True)):
                revocation_list, revocation_index = revocations[number]
                suspension_list, suspension_index = suspensions[number]
                if result.signed is None:
                    outcome[prepared.position] = ValidationFailedError(
                        result.message, result.problems, code="invalid_credential"
                    )
                    unused.extend((revocations[number], suspensions[number]))
                    continue
                award = new_award(
                    {
                        "recipient_email": prepared.recipient_email,
                        "recipient_name": self.recipients[number].name,
                        "recipient_did": prepared.recipient_did,
                        "identity_salt": self.recipients[number].salt,
                        "credential": result.signed,
                        "credential_id": self.credential_ids[number],
                        "awarded_at": prepared.awarded_at,
                        "valid_from": prepared.awarded_at,
                        "valid_until": prepared.valid_until,
                        "narrative": prepared.narrative,
                        "evidence_url": prepared.evidence_url,
                        "grade": prepared.grade,
                        "revocation_index": revocation_index,
                        "suspension_index": suspension_index,
                        "idempotency_key": prepared.idempotency_key,
                        "created_at": self.now,
                        "organisation": self.organisation,
                        "definition_version": self.version,
                        "revocation_list": revocation_list,
                        "suspension_list": suspension_list,
                        "created_by": by,
                    }
                )
                outcome[prepared.position] = award
                if result.json_text is not None:
                    json_texts[id(award)] = result.json_text
                yield award

        def credential_json(award: Award) -> str:
            text = json_texts.pop(id(award), None)
            return text if text is not None else json.dumps(award.credential)

        insert_new(
            Award,
            signed_awards(),
            primary_keys=take_primary_keys(Award, len(self.batch)),
            column_values={"credential": credential_json},
        )
        if unused:
            status_lists.release_indexes(unused)
        return outcome


# --- Revocation and suspension --------------------------------------------------------


def _change_status(
    award: Award,
    *,
    by: User | None,
    allowed_from: frozenset[str],
    new_status: AwardStatus,
    purpose: StatusPurpose,
    bit: bool,
    reason: str,
    now: datetime | None,
) -> Award:
    organisation = award.organisation
    if by is not None:
        require(by, organisation, Action.REVOKE)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award.pk)
        if locked.status not in allowed_from:
            raise ConflictError(
                f"award {locked.public_id} is {locked.status}; it cannot become {new_status}",
                code="award_status_conflict",
            )
        if purpose == StatusPurpose.REVOCATION:
            status_list, index = locked.revocation_list, locked.revocation_index
        else:
            status_list, index = locked.suspension_list, locked.suspension_index
        status_list = status_lists.lock(status_list)
        if status_lists.set_status(status_list, index, bit):
            issuer, key_pair, method = _list_signer(status_list)
            status_lists.sign_status_list(
                status_list, issuer=issuer, key_pair=key_pair, verification_method=method, now=now
            )
        if purpose == StatusPurpose.REVOCATION:
            locked.revocation_list = status_list
        else:
            locked.suspension_list = status_list
        locked.status = new_status
        locked.status_reason = reason
        locked.status_changed_at = now
        if new_status == AwardStatus.REVOKED:
            locked.revoked_at = now
        elif new_status == AwardStatus.SUSPENDED:
            locked.suspended_at = now
        else:
            locked.suspended_at = None
        locked.save(
            update_fields=[
                "status",
                "status_reason",
                "status_changed_at",
                "revoked_at",
                "suspended_at",
            ]
        )
    return locked


def _require_reason(reason: str) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailedError("give a reason", ["reason: required"], code="reason_required")
    return reason.strip()


def revoke_credential(
    award: Award, *, reason: str, by: User | None, now: datetime | None = None
) -> Award:
    """Revoke ``award`` for good: set its bit in the revocation list and re-sign the list.

    Preconditions: ``by`` may revoke for the award's organisation (``by=None``: the
    operator); a non-empty reason; the award is active or suspended. Raises
    PermissionDeniedError, ValidationFailedError, ConflictError (already revoked).
    """
    return _change_status(
        award,
        by=by,
        allowed_from=frozenset({AwardStatus.ACTIVE, AwardStatus.SUSPENDED}),
        new_status=AwardStatus.REVOKED,
        purpose=StatusPurpose.REVOCATION,
        bit=True,
        reason=_require_reason(reason),
        now=now,
    )


def suspend_credential(
    award: Award, *, reason: str, by: User | None, now: datetime | None = None
) -> Award:
    """Suspend an active award (reversible with :func:`unsuspend_credential`): set its
    bit in the suspension list and re-sign the list. Same preconditions and errors as
    :func:`revoke_credential`; a suspended or revoked award is a ConflictError."""
    return _change_status(
        award,
        by=by,
        allowed_from=frozenset({AwardStatus.ACTIVE}),
        new_status=AwardStatus.SUSPENDED,
        purpose=StatusPurpose.SUSPENSION,
        bit=True,
        reason=_require_reason(reason),
        now=now,
    )


def unsuspend_credential(
    award: Award, *, reason: str = "", by: User | None, now: datetime | None = None
) -> Award:
    """Lift a suspension: clear the award's suspension bit and re-sign the list.
    Raises ConflictError unless the award is suspended."""
    return _change_status(
        award,
        by=by,
        allowed_from=frozenset({AwardStatus.SUSPENDED}),
        new_status=AwardStatus.ACTIVE,
        purpose=StatusPurpose.SUSPENSION,
        bit=False,
        reason=reason.strip() if isinstance(reason, str) else "",
        now=now,
    )


# --- API tokens -----------------------------------------------------------------------

API_TOKEN_PREFIX = "cst_"


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(
    organisation: Organisation,
    *,
    name: str,
    scopes: list[str],
    by: User | None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a bearer token for the organisation; returns the row and the token, which
    is never stored (only its SHA-256) and cannot be shown again.

    Preconditions: ``by`` may manage the organisation's keys (``by=None``: the
    operator); a name; scopes among ``issue`` and ``status``. Raises
    PermissionDeniedError, ValidationFailedError.
    """
    if by is not None:
        require(by, organisation, Action.MANAGE_KEYS)
    problems = []
    name_limit = int(ApiToken._meta.get_field("name").max_length or 0)
    if not name or not name.strip():
        problems.append("name: required")
    elif len(name.strip()) > name_limit:
        problems.append(f"name: at most {name_limit} characters")
    unknown = sorted(set(scopes) - set(ApiTokenScope.values))
    if not scopes or unknown:
        problems.append(f"scopes: one or more of {', '.join(ApiTokenScope.values)}")
    if problems:
        raise ValidationFailedError("the token cannot be created", problems)
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        organisation=organisation,
        name=name.strip(),
        token_hash=hash_api_token(token),
        scopes=sorted(set(scopes)),
        created_by=by,
        created_at=now or timezone.now(),
    )
    return row, token


def authenticate_api_token(token: str, *, now: datetime | None = None) -> ApiToken | None:
    """The live token matching ``token`` (its last use recorded), or None."""
    if not isinstance(token, str) or not token.startswith(API_TOKEN_PREFIX):
        return None
    row = (
        ApiToken.objects.select_related("organisation")
        .filter(token_hash=hash_api_token(token), revoked_at__isnull=True)
        .first()
    )
    if row is not None:
        row.last_used_at = now or timezone.now()
        row.save(update_fields=["last_used_at"])
    return row


def revoke_api_token(token: ApiToken, *, by: User | None, now: datetime | None = None) -> None:
    """Stop ``token`` from authenticating anything (kept for the record)."""
    if by is not None:
        require(by, token.organisation, Action.MANAGE_KEYS)
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )
