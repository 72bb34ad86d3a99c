"""Everything that changes a learner's wallet: import, re-verification, visibility,
collections, the public profile, export and account deletion.

Every service takes the acting ``user`` and only ever touches that user's objects: an
object of someone else is reported as not found (its existence is not revealed).
Verification goes through :mod:`credstack.verification.services` (the trust core with
the instance's configured fetcher), never around it.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from credstack.common.errors import (
    ConflictError,
    CredstackError,
    NotFoundError,
    ValidationFailedError,
)
from credstack.common.text import unstorable_text
from credstack.issuing.models import Award
from credstack.standards.errors import FetchError, StandardsError
from credstack.standards.jcs import canonicalize_json
from credstack.standards.report import Outcome, VerificationReport
from credstack.standards.vc.data_model import credential_kind
from credstack.verification import services as verification
from credstack.verification.elements import title_of
from credstack.verification.services import SubmissionError, SubmissionTooLargeError
from credstack.wallet.models import (
    Arrival,
    Collection,
    CollectionItem,
    Profile,
    Visibility,
    WalletCredential,
)

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_REVERIFY_SECONDS = 600
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$")
RESERVED_SLUGS = frozenset({"admin", "api", "me", "new", "settings", "wallet", "credstack"})


class ImportRefusedError(SubmissionError):
    """What was given is not a credential that can be read: nothing was stored."""

    code = "not_a_credential"
    http_status = 400


@dataclass(frozen=True)
class ImportResult:
    credential: WalletCredential
    created: bool  # False when the wallet already held this credential


def max_credential_bytes() -> int:
    """The largest original a wallet keeps: ``CREDSTACK_WALLET_MAX_BYTES`` (2 MiB)."""
    return int(getattr(settings, "CREDSTACK_WALLET_MAX_BYTES", DEFAULT_MAX_BYTES))


def reverify_after() -> timedelta:
    """How old a stored report may be before display re-verifies the credential:
    ``CREDSTACK_WALLET_REVERIFY_SECONDS`` (600, i.e. ten minutes)."""
    seconds = int(getattr(settings, "CREDSTACK_WALLET_REVERIFY_SECONDS", DEFAULT_REVERIFY_SECONDS))
    return timedelta(seconds=max(0, seconds))


# Import -------------------------------------------------------------------------------


def import_credential(
    user: Any,
    *,
    upload: bytes | None = None,
    upload_name: str = "",
    text: str | None = None,
    url: str | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Verify a credential and keep it in ``user``'s wallet.

    Preconditions: ``user`` is an authenticated, active user; exactly one of ``upload``
    (a file's bytes: JSON, VC-JWT, baked PNG or SVG), ``text`` (pasted JSON or VC-JWT) or
    ``url`` (where the credential or a hosted OB 2.0 assertion lives) is given.

    1. Input that is empty, too large (:func:`max_credential_bytes`), not http(s), an
       SVG with scripts, or cannot be read as a credential at all raises a
       SubmissionError (ImportRefusedError for unreadable input): nothing is stored.
    2. A readable credential is kept whatever its verdict (a learner may hold an expired
       badge), with the report and the time it was made.
    3. A credential the wallet already holds (same canonical JSON) is not stored again:
       the result names the existing one with ``created=False``.
    """
    now = now or timezone.now()
    if text and not url and _is_link(text):
        url = text.strip()  # a link pasted where the credential goes
        text = None
    given = [s for s in (upload, text, url) if s not in (None, "", b"")]
    if len(given) != 1:
        raise SubmissionError(
            _("Give one credential: upload a file, paste it, or give its link.")
            if not given
            else _("Give only one credential at a time: a file, pasted text or a link.")
        )
    limit = max_credential_bytes()
    source_url = ""
    if url:
        source_url = url.strip()
        original = _fetch_original(source_url, limit)
        report = verification.verify_submission(url=source_url, now=now)
    else:
        original = upload if upload else str(text).strip().encode("utf-8", "surrogatepass")
        if len(original) > limit:
            raise SubmissionTooLargeError(
                _("The credential is larger than %(limit)s, the most a wallet keeps.")
                % {"limit": verification.size_label(limit)}
            )
        report = verification.verify_submission(upload=original, now=now)
    return _hold(
        user,
        report,
        now,
        arrival=Arrival.IMPORTED,
        original=original,
        media_type=_media_type(original),
        original_name=(upload_name or "")[:255],
        source_url=source_url,
    )


def add_issued_credential(
    user: Any, credential: Mapping[str, Any], *, now: datetime | None = None
) -> ImportResult:
    """Keep a credential issued on this instance (a claimed award) in ``user``'s wallet
    with arrival ``issued_here``: verified as an import is, its JSON text kept as the
    original, held once (``created=False`` when the wallet holds it already)."""
    now = now or timezone.now()
    original = json.dumps(credential, ensure_ascii=False).encode("utf-8")
    report = verification.verify_submission(upload=original, now=now)
    return _hold(
        user,
        report,
        now,
        arrival=Arrival.ISSUED_HERE,
        original=original,
        media_type="application/ld+json",
    )


def _hold(
    user: Any,
    report: VerificationReport,
    now: datetime,
    *,
    arrival: str,
    original: bytes,
    media_type: str,
    original_name: str = "",
    source_url: str = "",
) -> ImportResult:
    """Keep the credential ``report`` read in ``user``'s wallet, once: a credential the
    wallet holds already (by its RFC 8785 hash) is returned with ``created=False``."""
    credential = _readable_credential(report)
    content_hash = hashlib.sha256(canonicalize_json(credential)).hexdigest()
    existing = WalletCredential.objects.filter(owner=user, content_hash=content_hash).first()
    if existing is not None:
        return ImportResult(existing, created=False)
    held = WalletCredential(
        owner=user,
        arrival=arrival,
        original=original,
        media_type=media_type,
        original_name=original_name,
        source_url=source_url,
        content_hash=content_hash,
        created_at=now,
    )
    _describe(held, credential, report, now)
    try:
        with transaction.atomic():
            held.save()
    except IntegrityError:  # the same credential kept at the same moment elsewhere
        existing = WalletCredential.objects.filter(owner=user, content_hash=content_hash).first()
        if existing is None:
            raise
        return ImportResult(existing, created=False)
    return ImportResult(held, created=True)


def _is_link(text: str) -> bool:
    stripped = text.strip()
    return stripped.lower().startswith(("https://", "http://")) and not any(
        c.isspace() for c in stripped
    )


def _fetch_original(url: str, limit: int) -> bytes:
    if len(url) > verification.MAX_URL_LENGTH or not url.lower().startswith(
        ("https://", "http://")
    ):
        raise SubmissionError(
            _("Give a web address starting with https:// (the credential's link).")
        )
    try:
        return verification.verification_fetcher().get_bytes(url, max_bytes=limit)
    except FetchError as error:
        raise ImportRefusedError(
            _("The credential could not be fetched from %(url)s: %(reason)s")
            % {"url": url, "reason": error.message},
            code="fetch_failed",
        ) from None
    except StandardsError as error:
        raise ImportRefusedError(error.message, code="fetch_failed") from None


def _readable_credential(report: VerificationReport) -> dict[str, Any]:
    """The credential the verifier read, or ImportRefusedError when it read none."""
    credential = report.credential
    format_check = report.check("format")
    if (
        not isinstance(credential, dict)
        or (format_check is not None and format_check.outcome is Outcome.FAILED)
        or not ("@context" in credential or "type" in credential or "badge" in credential)
    ):
        reason = format_check.message if format_check is not None else ""
        raise ImportRefusedError(
            _("This is not a credential credstack can read, so nothing was added. %(reason)s")
            % {"reason": reason}
        )
    # PostgreSQL cannot keep a NUL, nor anything a lone surrogate; the detail says where.
    unstorable = unstorable_text(credential)
    if unstorable:
        raise ImportRefusedError(
            _("This is not a credential credstack can read, so nothing was added. %(reason)s")
            % {"reason": unstorable[0]}
        )
    return credential


def _media_type(original: bytes) -> str:
    if original.startswith(PNG_SIGNATURE):
        return "image/png"
    head = original[:256].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "image/svg+xml"
    if head.startswith((b"{", b"[")):
        return "application/ld+json"
    if head.lower().startswith((b"https://", b"http://")):
        return "text/uri-list"
    return "application/vc+jwt"


ORIGINAL_EXTENSIONS = {
    "image/png": "png",
    "image/svg+xml": "svg",
    "application/ld+json": "json",
    "application/vc+jwt": "jwt",
    "text/uri-list": "txt",
}


def original_filename(held: WalletCredential) -> str:
    """The file name the original is downloaded and exported under."""
    return f"{held.public_id}.{ORIGINAL_EXTENSIONS.get(held.media_type, 'bin')}"


def _describe(
    held: WalletCredential,
    credential: dict[str, Any],
    report: VerificationReport,
    now: datetime,
) -> None:
    """Fill what the wallet shows from the credential and its report (no save)."""
    held.credential = credential
    held.format = report.format[:32]
    held.kind = _kind(credential)
    held.title = (title_of(credential) or _ob2_badge_name(credential) or "")[:500]
    issuer = report.issuer or {}
    issuer_field = credential.get("issuer")
    profile = issuer_field if isinstance(issuer_field, Mapping) else {}
    held.issuer_id = str(
        issuer.get("id")
        or profile.get("id")
        or (issuer_field if isinstance(issuer_field, str) else "")
    )[:2048]
    name = issuer.get("name") or profile.get("name") or _ob2_issuer_name(credential)
    held.issuer_name = (name if isinstance(name, str) else "")[:500]
    held.issued_at = _first_date(
        credential, ("validFrom", "issuanceDate", "awardedDate", "issuedOn")
    )
    held.expires_at = _first_date(credential, ("validUntil", "expirationDate", "expires"))
    _record(held, report, now)


def _record(held: WalletCredential, report: VerificationReport, now: datetime) -> None:
    held.report = report.to_dict()
    held.verdict = report.verdict.value
    held.verified_at = now


def _kind(credential: Mapping[str, Any]) -> str:
    if credential.get("type") == "Assertion" or "badge" in credential:
        return "OpenBadges2Assertion"
    return credential_kind(credential)


def _ob2_badge_name(credential: Mapping[str, Any]) -> str | None:
    """The name of an OB 2.0 assertion's BadgeClass given by URL (best effort: the
    verifier has just fetched it, so the fetcher usually answers from its cache)."""
    badge = credential.get("badge")
    if not isinstance(badge, str) or not badge.lower().startswith(("https://", "http://")):
        return None
    try:
        document = verification.verification_fetcher().get_json(badge)
    except (StandardsError, ValueError):
        return None
    name = document.get("name") if isinstance(document, Mapping) else None
    return name if isinstance(name, str) else None


def _ob2_issuer_name(credential: Mapping[str, Any]) -> Any:
    badge = credential.get("badge")
    issuer = badge.get("issuer") if isinstance(badge, Mapping) else None
    return issuer.get("name") if isinstance(issuer, Mapping) else None


def _first_date(credential: Mapping[str, Any], keys: Iterable[str]) -> datetime | None:
    for key in keys:
        value = credential.get(key)
        if not isinstance(value, str):
            continue
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            continue
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.utc)
        return moment
    return None


# Reading and re-verifying --------------------------------------------------------------


def list_credentials(user: Any) -> QuerySet[WalletCredential]:
    """``user``'s credentials, newest first."""
    return WalletCredential.objects.filter(owner=user).defer("original")


def get_credential(user: Any, public_id: str) -> WalletCredential:
    """``user``'s credential ``public_id``; NotFoundError for anyone else's."""
    held = WalletCredential.objects.filter(owner=user, public_id=public_id).first()
    if held is None:
        raise NotFoundError(_("There is no such credential in your wallet."))
    return held


def reverify_credential(
    held: WalletCredential, *, now: datetime | None = None, force: bool = False
) -> WalletCredential:
    """Verify ``held`` again when its report is older than :func:`reverify_after` (or
    ``force``), store the new report and return ``held``.

    Precondition: the caller may see ``held`` (its owner, or it is public). A hosted OB
    2.0 assertion is verified at its URL (the issuer's copy decides); anything else from
    the original kept. The revocation status is looked up again each time.
    """
    now = now or timezone.now()
    if not force and held.verified_at is not None and now - held.verified_at < reverify_after():
        return held
    try:
        if held.format == "ob2-hosted" and held.source_url:
            report = verification.verify_submission(url=held.source_url, now=now)
        else:
            report = verification.verify_submission(upload=bytes(held.original), now=now)
    except CredstackError:
        # The original was accepted on import; a verifier defect (logged by the
        # verification app) must not hide the credential: keep the last report.
        return held
    _record(held, report, now)
    WalletCredential.objects.filter(pk=held.pk).update(
        report=held.report, verdict=held.verdict, verified_at=held.verified_at
    )
    return held


def issued_here_page(held: WalletCredential) -> str | None:
    """The public page (``/c/<award id>/``: QR code, LinkedIn link, downloads, PDF) of a
    credential this instance awarded, or None for one from elsewhere or no longer here."""

    credential_id = held.credential.get("id") if isinstance(held.credential, dict) else None
    if held.arrival != Arrival.ISSUED_HERE or not isinstance(credential_id, str):
        return None
    award_id = (
        Award.objects.filter(credential_id=credential_id)
        .values_list("public_id", flat=True)
        .first()
    )
    return reverse("issuing:award-page", args=[award_id]) if award_id else None


def set_visibility(user: Any, held: WalletCredential, visibility: str) -> WalletCredential:
    """Make ``held`` public (shown on the profile and its collections) or private.

    Preconditions: ``held`` is ``user``'s (NotFoundError otherwise); ``visibility`` is
    ``"public"`` or ``"private"`` (ValidationFailedError otherwise).
    """
    _require_owner(user, held)
    if visibility not in Visibility.values:
        raise ValidationFailedError(
            _("Visibility must be public or private."), [f"visibility: {visibility!r}"]
        )
    held.visibility = visibility
    WalletCredential.objects.filter(pk=held.pk).update(visibility=visibility)
    return held


def delete_credential(user: Any, held: WalletCredential) -> None:
    """Remove ``held`` from ``user``'s wallet (and from every collection)."""
    _require_owner(user, held)
    held.delete()


def _require_owner(user: Any, obj: WalletCredential | Collection) -> None:
    if obj.owner_id != user.pk:
        raise NotFoundError(_("There is no such item in your wallet."))


# Collections ---------------------------------------------------------------------------


def _collection_fields(name: str, description: str) -> tuple[str, str]:
    name, description = (name or "").strip(), (description or "").strip()
    problems = []
    if not name:
        problems.append("name: " + _("a collection needs a name"))
    if len(name) > 200:
        problems.append("name: " + _("at most 200 characters"))
    if len(description) > 5000:
        problems.append("description: " + _("at most 5000 characters"))
    if problems:
        raise ValidationFailedError(_("The collection could not be saved."), problems)
    return name, description


def create_collection(
    user: Any, *, name: str, description: str = "", is_public: bool = False
) -> Collection:
    """A new, empty collection of ``user``'s; ValidationFailedError without a name."""
    name, description = _collection_fields(name, description)
    return Collection.objects.create(
        owner=user, name=name, description=description, is_public=is_public
    )


def update_collection(
    user: Any, collection: Collection, *, name: str, description: str, is_public: bool
) -> Collection:
    """Rename, describe, publish or hide ``user``'s ``collection``."""
    _require_owner(user, collection)
    collection.name, collection.description = _collection_fields(name, description)
    collection.is_public = is_public
    collection.save(update_fields=["name", "description", "is_public"])
    return collection


def delete_collection(user: Any, collection: Collection) -> None:
    """Delete ``collection`` (the credentials in it stay in the wallet)."""
    _require_owner(user, collection)
    collection.delete()


def get_collection(user: Any, public_id: str) -> Collection:
    collection = Collection.objects.filter(owner=user, public_id=public_id).first()
    if collection is None:
        raise NotFoundError(_("There is no such collection in your wallet."))
    return collection


def list_collections(user: Any) -> QuerySet[Collection]:
    return Collection.objects.filter(owner=user)


def collection_credentials(collection: Collection) -> list[WalletCredential]:
    """The credentials of ``collection`` in their order."""
    items = CollectionItem.objects.filter(collection=collection).select_related("credential")
    return [item.credential for item in items]


def add_to_collection(user: Any, collection: Collection, held: WalletCredential) -> None:
    """Append ``held`` to ``collection`` (both ``user``'s); nothing happens if it is in it."""
    _require_owner(user, collection)
    _require_owner(user, held)
    with transaction.atomic():
        if CollectionItem.objects.filter(collection=collection, credential=held).exists():
            return
        last = CollectionItem.objects.filter(collection=collection).aggregate(Max("position"))
        position = (last["position__max"] or 0) + 1
        CollectionItem.objects.create(collection=collection, credential=held, position=position)


def remove_from_collection(user: Any, collection: Collection, held: WalletCredential) -> None:
    """Take ``held`` out of ``collection`` (it stays in the wallet)."""
    _require_owner(user, collection)
    CollectionItem.objects.filter(collection=collection, credential=held).delete()


def reorder_collection(user: Any, collection: Collection, public_ids: Sequence[str]) -> None:
    """Put the credentials of ``collection`` in the order of ``public_ids``.

    Precondition: ``public_ids`` names each credential of the collection exactly once
    (ValidationFailedError otherwise).
    """
    _require_owner(user, collection)
    items = {
        item.credential.public_id: item
        for item in CollectionItem.objects.filter(collection=collection).select_related(
            "credential"
        )
    }
    if sorted(public_ids) != sorted(items):
        raise ValidationFailedError(
            _("Give every credential of the collection exactly once."),
            [f"expected: {', '.join(sorted(items))}"],
        )
    with transaction.atomic():
        for position, public_id in enumerate(public_ids, start=1):
            CollectionItem.objects.filter(pk=items[public_id].pk).update(position=position)


def move_in_collection(
    user: Any, collection: Collection, held: WalletCredential, *, offset: int
) -> None:
    """Move ``held`` ``offset`` places up (negative) or down in ``collection``."""
    order = [c.public_id for c in collection_credentials(collection)]
    if held.public_id not in order:
        raise NotFoundError(_("That credential is not in this collection."))
    index = order.index(held.public_id)
    target = min(max(index + offset, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    reorder_collection(user, collection, order)


# Profile -------------------------------------------------------------------------------


def get_profile(user: Any) -> Profile | None:
    return Profile.objects.filter(user=user).first()


def suggested_slug(user: Any) -> str:
    base = slugify(str(user.email).split("@")[0])[:40].strip("-") or "learner"
    if len(base) < 3:
        base = f"{base}-learner"
    slug, number = base, 1
    while Profile.objects.filter(slug=slug).exclude(user=user).exists() or slug in RESERVED_SLUGS:
        number += 1
        slug = f"{base}-{number}"
    return slug


def update_profile(
    user: Any,
    *,
    slug: str,
    display_name: str = "",
    headline: str = "",
    is_public: bool = False,
    now: datetime | None = None,
) -> Profile:
    """Create or change ``user``'s public profile at ``/u/<slug>/``.

    Preconditions: ``slug`` is 3 to 60 lower-case letters, digits and inner hyphens,
    not reserved (ValidationFailedError) and not another learner's (ConflictError).
    Nothing shows publicly until ``is_public`` is true.
    """
    slug = (slug or "").strip().lower()
    display_name, headline = (display_name or "").strip(), (headline or "").strip()
    problems = []
    if not SLUG_PATTERN.match(slug) or "--" in slug:
        problems.append(
            "slug: "
            + _("3 to 60 lower-case letters, digits and hyphens, starting and ending with one")
        )
    elif slug in RESERVED_SLUGS:
        problems.append("slug: " + _("this address is reserved"))
    if len(display_name) > 200:
        problems.append("display_name: " + _("at most 200 characters"))
    if len(headline) > 300:
        problems.append("headline: " + _("at most 300 characters"))
    if problems:
        raise ValidationFailedError(_("The profile could not be saved."), problems)
    if Profile.objects.filter(slug=slug).exclude(user=user).exists():
        raise ConflictError(_("The address /u/%(slug)s/ is taken.") % {"slug": slug})
    try:
        with transaction.atomic():
            profile, _created = Profile.objects.update_or_create(
                user=user,
                defaults={
                    "slug": slug,
                    "display_name": display_name,
                    "headline": headline,
                    "is_public": is_public,
                    "updated_at": now or timezone.now(),
                },
            )
    except IntegrityError:
        raise ConflictError(_("The address /u/%(slug)s/ is taken.") % {"slug": slug}) from None
    return profile


@dataclass(frozen=True)
class PublicCollection:
    collection: Collection
    credentials: list[WalletCredential]


@dataclass(frozen=True)
class PublicProfile:
    profile: Profile
    credentials: list[WalletCredential]
    collections: list[PublicCollection]


def public_profile(slug: str) -> PublicProfile:
    """What anyone sees at ``/u/<slug>/``: the profile if public, its public credentials,
    and its public collections holding only their public credentials. NotFoundError for
    an unknown or private profile (the two are not told apart)."""
    profile = Profile.objects.filter(slug=slug, is_public=True).select_related("user").first()
    if profile is None or not profile.user.is_active:
        raise NotFoundError(_("There is no public profile at this address."))
    credentials = list(
        WalletCredential.objects.filter(owner=profile.user, visibility=Visibility.PUBLIC).defer(
            "original"
        )
    )
    collections = [
        PublicCollection(c, [h for h in collection_credentials(c) if h.is_public])
        for c in Collection.objects.filter(owner=profile.user, is_public=True)
    ]
    return PublicProfile(profile, credentials, collections)


def public_credential(slug: str, public_id: str) -> WalletCredential:
    """A credential shown on the public profile ``slug``; NotFoundError unless both the
    profile and the credential are public."""
    shown = public_profile(slug)
    held = WalletCredential.objects.filter(
        owner=shown.profile.user, public_id=public_id, visibility=Visibility.PUBLIC
    ).first()
    if held is None:
        raise NotFoundError(_("There is no such public credential."))
    return held


# Export and deletion -------------------------------------------------------------------


def export_wallet_zip(user: Any, *, now: datetime | None = None) -> bytes:
    """A ZIP of everything in ``user``'s wallet: ``credentials/<id>.<ext>``, each original
    byte for byte as received, ``clr.json`` (the wallet as a CLR 2.0 signed by the
    instance, see ``clr_export``; absent when no credential can go in one) and
    ``manifest.json`` (what each file is, its last verification, the collections, the
    profile, and what the CLR holds and leaves out).
    """
    from credstack.wallet.clr_export import clr_for_archive

    now = now or timezone.now()
    buffer = io.BytesIO()
    entries = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for held in WalletCredential.objects.filter(owner=user).order_by("created_at", "id"):
            name = f"credentials/{original_filename(held)}"
            archive.writestr(name, bytes(held.original))
            entries.append(
                {
                    "id": held.public_id,
                    "file": name,
                    "mediaType": held.media_type,
                    "sha256": hashlib.sha256(bytes(held.original)).hexdigest(),
                    "originalName": held.original_name or None,
                    "sourceUrl": held.source_url or None,
                    "arrival": held.arrival,
                    "format": held.format,
                    "kind": held.kind,
                    "title": held.title,
                    "issuer": {"id": held.issuer_id, "name": held.issuer_name or None},
                    "issued": _iso(held.issued_at),
                    "expires": _iso(held.expires_at),
                    "visibility": held.visibility,
                    "importedAt": _iso(held.created_at),
                    "lastVerification": {
                        "at": _iso(held.verified_at),
                        "verdict": held.verdict,
                        "report": held.report,
                    },
                }
            )
        profile = get_profile(user)
        manifest = {
            "exportedAt": _iso(now),
            "account": {"email": user.email, "displayName": user.display_name or None},
            "profile": None
            if profile is None
            else {
                "slug": profile.slug,
                "displayName": profile.display_name,
                "headline": profile.headline,
                "public": profile.is_public,
            },
            "credentials": entries,
            "collections": [
                {
                    "id": c.public_id,
                    "name": c.name,
                    "description": c.description,
                    "public": c.is_public,
                    "credentials": [h.public_id for h in collection_credentials(c)],
                }
                for c in list_collections(user)
            ],
        }
        manifest["clr"], clr_bytes = clr_for_archive(user, now=now)
        if clr_bytes is not None:
            archive.writestr("clr.json", clr_bytes)
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return buffer.getvalue()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def delete_account(user: Any) -> None:
    """Delete ``user`` with all their personal data: the wallet's credentials and
    originals, collections, profile, memberships and the user record itself.

    Precondition: ``user`` is not the last owner of an organisation (ConflictError: the
    organisation would be left without anyone able to manage it; hand it over first).
    """
    from credstack.accounts.models import Membership, Role

    sole_owned = [
        m.organisation.name
        for m in Membership.objects.filter(user=user, role=Role.OWNER).select_related(
            "organisation"
        )
        if not Membership.objects.filter(organisation=m.organisation, role=Role.OWNER)
        .exclude(user=user)
        .exists()
    ]
    if sole_owned:
        raise ConflictError(
            _(
                "You are the only owner of %(names)s. Make someone else an owner "
                "before deleting your account."
            )
            % {"names": ", ".join(sole_owned)}
        )
    with transaction.atomic():
        CollectionItem.objects.filter(collection__owner=user).delete()
        Collection.objects.filter(owner=user).delete()
        WalletCredential.objects.filter(owner=user).delete()
        Profile.objects.filter(user=user).delete()
        user.delete()
