"""A learner's whole wallet as one Comprehensive Learner Record 2.0, signed by the instance.

The CLR is a compilation the instance makes on the learner's behalf: its issuer is the
instance (:mod:`credstack.issuing.instance_identity`), its subject the learner (a hashed
email IdentityObject, as awards name their recipient), and it holds every credential
of the wallet that a CLR 2.0 can hold, **exactly as held**, each keeping its own proof:

- an Open Badges 3.0 AchievementCredential on the VC Data Model 2.0 with a Data
  Integrity proof, kept as JSON or baked in an image: included (revoked, suspended and
  expired ones too: a verifier checks each embedded credential's status itself);
- the AchievementCredentials inside a CLR the learner holds: included one by one (a CLR
  does not nest in a CLR), with the associations between their achievements;
- Open Badges 2.0 assertions, VC-JWTs, VC 1.1 credentials (their context cannot be
  combined with a VC 2.0 CLR's), other kinds of credential, credentials without a proof
  or whose last verification found them not valid: left out, each with the reason.

``partial`` is true when something was left out. A CLR must hold at least one
credential (CLR 2.0 ClrSubject.verifiableCredential is 1..*), so a wallet with nothing
to include raises ConflictError (``nothing_to_export``) naming what was left out.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from credstack.common.errors import ConflictError, CredstackError, NotAuthenticatedError
from credstack.issuing.instance_identity import (
    InstanceIdentity,
    instance_identity,
    sign_as_instance,
)
from credstack.standards import unbake
from credstack.standards.dataintegrity.proofs import proofs_of
from credstack.standards.errors import DataModelError, StandardsError
from credstack.standards.jcs import canonicalize_json
from credstack.standards.vc.clr import CLR_CONTEXT_PATTERN, CLR_V2P0_CONTEXT
from credstack.standards.vc.data_model import (
    OPEN_BADGE_CREDENTIAL,
    credential_kind,
    data_model_version,
    require_valid_credential,
    validate_credential,
)
from credstack.standards.vc.envelope import CREDENTIALS_V2
from credstack.standards.vc.identity import identity_object_for_email
from credstack.standards.vc.ob3 import OB_CONTEXT_PATTERN, OB_V3P0_CONTEXT
from credstack.wallet.models import WalletCredential

CLR_FILENAME = "clr.json"
CLR_TYPES = ["VerifiableCredential", "ClrCredential"]
_BASE_CONTEXTS = (CREDENTIALS_V2, CLR_V2P0_CONTEXT, OB_V3P0_CONTEXT)


@dataclass(frozen=True)
class LeftOut:
    """A held credential (or part of a held CLR) the CLR does not hold, and why."""

    credential: WalletCredential
    reason: str


@dataclass
class ClrContents:
    """What a learner's CLR holds: the credentials to embed (as held), the wallet
    credentials they come from, and what is left out."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    associations: list[dict[str, Any]] = field(default_factory=list)
    included: list[WalletCredential] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    # The wallet credentials each document comes from (one held alone and in a CLR: two).
    sources: list[list[WalletCredential]] = field(default_factory=list)


@dataclass(frozen=True)
class ClrExport:
    credential: dict[str, Any]  # the signed ClrCredential
    included: list[WalletCredential]
    left_out: list[LeftOut]


# Choosing what goes in -------------------------------------------------------------------


def clr_contents(user: Any) -> ClrContents:
    """What ``user``'s CLR would hold and leave out (nothing is signed: cheap enough for
    the wallet page). Every credential of the user is either included or left out with
    a reason; a credential held twice (alone and inside a CLR) is embedded once."""
    _require_signed_in(user)
    contents = ClrContents()
    seen: dict[str, int] = {}
    for held in WalletCredential.objects.filter(owner=user).order_by("created_at", "id"):
        reasons: list[str] = []
        taken = False
        for candidate in _candidates(held, reasons):
            reason = _why_not(candidate)
            if reason is not None:
                reasons.append(reason)
                continue
            taken = True
            digest = hashlib.sha256(canonicalize_json(candidate)).hexdigest()
            if digest in seen:
                contents.sources[seen[digest]].append(held)
            else:
                seen[digest] = len(contents.documents)
                contents.documents.append(dict(candidate))
                contents.sources.append([held])
        if taken:
            contents.included.append(held)
            if held.kind == "ClrCredential":
                contents.associations.extend(_associations(held))
        if reasons:
            unique = list(dict.fromkeys(reasons))
            reason = "; ".join(unique)
            if taken:
                reason = _("Some of the credentials it holds are left out: %(reasons)s") % {
                    "reasons": reason
                }
            contents.left_out.append(LeftOut(held, reason))
    return contents


def _candidates(held: WalletCredential, reasons: list[str]) -> list[Any]:
    """The credentials ``held`` contributes, read from its original; a reason for the
    whole of it is appended to ``reasons`` instead."""
    if held.kind == "OpenBadges2Assertion":
        reasons.append(_("An Open Badges 2.0 assertion cannot be held by a CLR 2.0."))
        return []
    if held.verdict == "invalid":
        reasons.append(_("Its last verification found it not valid."))
        return []
    document = _held_document(held)
    if document is None:
        reasons.append(
            _(
                "It is a VC-JWT: a CLR signed with a Data Integrity proof holds credentials "
                "as JSON with their own proofs, and cannot hold a JWT's signature."
            )
        )
        return []
    if credential_kind(document) == "ClrCredential":
        subject = document.get("credentialSubject")
        embedded = subject.get("verifiableCredential") if isinstance(subject, Mapping) else None
        return list(embedded) if isinstance(embedded, list) else [embedded]
    return [document]


def _held_document(held: WalletCredential) -> dict[str, Any] | None:
    """The credential JSON exactly as the original holds it (a baked image is read
    again); None for a VC-JWT."""
    original = bytes(held.original)
    if held.media_type == "application/vc+jwt":
        return None
    parsed: Any = None
    if held.media_type in ("image/png", "image/svg+xml"):
        try:
            baked = unbake(original)
        except (StandardsError, ValueError):
            baked = None
        if baked is not None and baked.kind != "ob3-json":
            return None  # a VC-JWT baked in the image (Open Badges 2.0 was left out before)
        parsed = baked.payload if baked is not None else None
        if isinstance(parsed, str):
            parsed = _json_object(parsed.encode("utf-8"))
    elif held.media_type == "application/ld+json":
        parsed = _json_object(original)
    if isinstance(parsed, dict):
        return parsed
    # Not readable again (never expected: it was read on import): the JSON then read.
    credential = held.credential
    return dict(credential) if isinstance(credential, Mapping) else None


def _json_object(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except ValueError:
        return None


def _why_not(candidate: Any) -> str | None:
    """Why a CLR 2.0 with a Data Integrity proof cannot embed ``candidate``, or None."""
    if isinstance(candidate, str):
        return _(
            "It is a VC-JWT: a CLR signed with a Data Integrity proof holds credentials "
            "as JSON with their own proofs, and cannot hold a JWT's signature."
        )
    if not isinstance(candidate, Mapping):
        return _("It is not a credential a CLR can hold.")
    if credential_kind(candidate) != OPEN_BADGE_CREDENTIAL:
        return _("A CLR 2.0 holds only Open Badges 3.0 achievement credentials.")
    if data_model_version(candidate) != "2.0":
        return _(
            "It uses the VC Data Model 1.1, whose context cannot be combined with a "
            "CLR 2.0 on the VC Data Model 2.0."
        )
    if not any(
        isinstance(proof, Mapping) and proof.get("type") == "DataIntegrityProof"
        for proof in proofs_of(candidate)
    ):
        return _("It carries no Data Integrity proof.")
    if validate_credential(candidate):
        return _("It does not conform to the Open Badges 3.0 data model.")
    return None


def _associations(held: WalletCredential) -> Iterator[dict[str, Any]]:
    subject = held.credential.get("credentialSubject") if isinstance(held.credential, dict) else {}
    found = subject.get("association") if isinstance(subject, Mapping) else None
    for association in found if isinstance(found, list) else [found]:
        if isinstance(association, Mapping):
            yield dict(association)


# Building and signing ----------------------------------------------------------------------


def build_wallet_clr(user: Any, *, now: datetime | None = None) -> ClrExport:
    """``user``'s wallet as a ClrCredential signed (eddsa-rdfc-2022) by the instance.

    Preconditions: ``user`` is signed in and active (NotAuthenticatedError). Raises
    ConflictError ``nothing_to_export`` when no credential can be included (details list
    what was left out), KeyEncryptionKeyMissingError without a key-encryption key.
    A credential whose JSON-LD cannot be combined with the CLR's (found when signing) is
    left out with the reason, and the rest signed.
    """
    now = now or timezone.now()
    contents = clr_contents(user)
    if not contents.documents:
        raise ConflictError(
            _("Your wallet holds no credential that a CLR 2.0 can include."),
            code="nothing_to_export",
            details={"notIncluded": not_included(contents.left_out)},
        )
    identity = instance_identity(now=now)
    salt = secrets.token_hex(16)
    document = _clr_document(user, contents, identity, now, salt)
    try:
        signed = _validated_and_signed(document, identity, now)
    except StandardsError:
        _leave_out_what_cannot_be_signed(user, contents, identity, now, salt)
        if not contents.documents:
            raise ConflictError(
                _("Your wallet holds no credential that a CLR 2.0 can include."),
                code="nothing_to_export",
                details={"notIncluded": not_included(contents.left_out)},
            ) from None
        document = _clr_document(user, contents, identity, now, salt)
        try:
            signed = _validated_and_signed(document, identity, now)
        except StandardsError as error:
            raise ConflictError(
                _("The CLR could not be signed: %(reason)s") % {"reason": error.message},
                code="clr_not_signed",
            ) from None
    return ClrExport(signed, contents.included, contents.left_out)


def export_wallet_clr(user: Any, *, now: datetime | None = None) -> dict[str, Any]:
    """``user``'s wallet as a signed CLR 2.0 ClrCredential (see :func:`build_wallet_clr`)."""
    return build_wallet_clr(user, now=now).credential


def not_included(left_out: Sequence[LeftOut]) -> list[dict[str, str]]:
    """The left-out credentials as JSON: id, title and reason."""
    return [
        {"id": item.credential.public_id, "title": item.credential.title, "reason": item.reason}
        for item in left_out
    ]


def clr_file(signed: Mapping[str, Any]) -> bytes:
    """The CLR as the UTF-8 JSON file downloads and the ZIP export hold."""
    return json.dumps(signed, indent=2, ensure_ascii=False).encode("utf-8")


def clr_for_archive(
    user: Any, *, now: datetime | None = None
) -> tuple[dict[str, Any], bytes | None]:
    """The ZIP export's ``clr.json`` (None when no CLR could be made) and what its
    manifest says about it: the file, the credentials in it and those left out with why,
    or why there is no CLR. The ZIP is made even when the CLR cannot be."""
    try:
        export = build_wallet_clr(user, now=now)
    except CredstackError as error:
        note: dict[str, Any] = {"file": None, "reason": error.message}
        if isinstance(error.details, Mapping) and "notIncluded" in error.details:
            note["notIncluded"] = error.details["notIncluded"]
        return note, None
    note = {
        "file": CLR_FILENAME,
        "id": export.credential["id"],
        "included": [held.public_id for held in export.included],
        "notIncluded": not_included(export.left_out),
    }
    return note, clr_file(export.credential)


def _validated_and_signed(
    document: dict[str, Any], identity: InstanceIdentity, now: datetime
) -> dict[str, Any]:
    try:
        require_valid_credential(document)
    except DataModelError as error:  # each embedded credential was checked: a defect here
        raise ConflictError(
            _("The CLR does not conform to CLR 2.0: %(reason)s") % {"reason": error.message},
            code="clr_not_valid",
        ) from None
    return sign_as_instance(document, identity, created=now)


def _leave_out_what_cannot_be_signed(
    user: Any, contents: ClrContents, identity: InstanceIdentity, now: datetime, salt: str
) -> None:
    """Try each credential in a CLR of its own; leave out those that fail, with why."""
    keep: list[int] = []
    for index, candidate in enumerate(contents.documents):
        alone = ClrContents(documents=[candidate])
        try:
            _validated_and_signed(_clr_document(user, alone, identity, now, salt), identity, now)
        except (StandardsError, ConflictError) as error:
            reason = _("Its JSON-LD cannot be combined with the CLR's: %(reason)s") % {
                "reason": error.message
            }
            contents.left_out.extend(LeftOut(held, reason) for held in contents.sources[index])
        else:
            keep.append(index)
    contents.documents = [contents.documents[i] for i in keep]
    contents.sources = [contents.sources[i] for i in keep]
    still_in = {held.pk for sources in contents.sources for held in sources}
    contents.included = [held for held in contents.included if held.pk in still_in]


def _clr_document(
    user: Any, contents: ClrContents, identity: InstanceIdentity, now: datetime, salt: str
) -> dict[str, Any]:
    achievements = _achievements(contents.documents)
    achievement_ids = {a["id"] for a in achievements}
    subject: dict[str, Any] = {
        "type": ["ClrSubject"],
        "identifier": [identity_object_for_email(user.email, salt)],
        "verifiableCredential": contents.documents,
    }
    if achievements:
        subject["achievement"] = achievements
    associations = _unique(
        a
        for a in contents.associations
        if a.get("sourceId") in achievement_ids and a.get("targetId") in achievement_ids
    )
    if associations:
        subject["association"] = associations
    return {
        "@context": [*_BASE_CONTEXTS, *_extra_contexts(contents.documents)],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": list(CLR_TYPES),
        "issuer": identity.profile(),
        "validFrom": _timestamp(now),
        "name": _record_name(user),
        "partial": bool(contents.left_out),
        "credentialSubject": subject,
    }


def _achievements(documents: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The achievement of each credential, once per id, in the credentials' order."""
    found: dict[str, dict[str, Any]] = {}
    for document in documents:
        subjects = document.get("credentialSubject")
        for subject in subjects if isinstance(subjects, list) else [subjects]:
            achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
            if isinstance(achievement, Mapping) and isinstance(achievement.get("id"), str):
                found.setdefault(achievement["id"], dict(achievement))
    return list(found.values())


def _extra_contexts(documents: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The contexts the embedded credentials use beyond VC 2.0, OB 3.0 and CLR 2.0 (an
    extension's, such as the ELM terms of this instance's awards), so the terms of the
    achievements copied into the ClrSubject keep their meaning."""
    extra: dict[bytes, Any] = {}
    for document in documents:
        contexts = document.get("@context")
        for context in contexts if isinstance(contexts, list) else [contexts]:
            if isinstance(context, str) and (
                context == CREDENTIALS_V2
                or OB_CONTEXT_PATTERN.match(context)
                or CLR_CONTEXT_PATTERN.match(context)
            ):
                continue
            if isinstance(context, str | Mapping):
                extra.setdefault(canonicalize_json(context), context)
    return list(extra.values())


def _unique(items: Iterator[dict[str, Any]]) -> list[dict[str, Any]]:
    found: dict[bytes, dict[str, Any]] = {}
    for item in items:
        found.setdefault(canonicalize_json(item), item)
    return list(found.values())


def _record_name(user: Any) -> str:
    from credstack.wallet.models import Profile

    name = (getattr(user, "display_name", "") or "").strip()
    if not name:
        profile = Profile.objects.filter(user=user).first()
        name = profile.display_name.strip() if profile is not None else ""
    if name:
        return _("%(name)s's comprehensive learner record") % {"name": name}
    return _("Comprehensive learner record")


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _require_signed_in(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        raise NotAuthenticatedError(_("Sign in to export your wallet."))
