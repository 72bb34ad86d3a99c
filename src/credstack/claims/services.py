"""Claim links: sending them, claiming with them, and correcting the address they go to.

Tokens are ``secrets.token_urlsafe(32)`` (256 bits); only their SHA-256 is stored, and a
token exists in clear only in the memory of the process that sends the email. That is
why links are made where they are sent (the background tasks), never queued with their
token. Issuer actions check ``Action.AWARD`` on the award's organisation (``by=None`` is
the command line acting as the instance's operator); a claim needs only the token.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credstack.accounts.models import User
from credstack.accounts.permissions import Action, require
from credstack.accounts.services import create_user
from credstack.claims.mail import claim_message
from credstack.claims.models import ClaimLink, ClaimLinkKind, RecipientEmailChange
from credstack.common.errors import ConflictError, ValidationFailedError
from credstack.issuing.identifiers import base_url
from credstack.issuing.models import Award, AwardStatus, DefinitionStatus
from credstack.wallet.services import ImportResult, add_issued_credential

logger = logging.getLogger(__name__)

DEFAULT_LINK_DAYS = 30
SEND_CHUNK = 200
# An unsent link younger than this, without a recorded error, is being sent by another
# run of the task: a second run leaves it alone instead of sending a second email.
SENDING_GRACE = timedelta(minutes=10)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


class LinkState(StrEnum):
    LIVE = "live"
    CLAIMED = "claimed"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"  # the award itself was revoked


class ClaimedAs(StrEnum):
    WALLET = "wallet"
    NEW_ACCOUNT = "new_account"
    DOWNLOAD = "download"


class ClaimLinkUnusableError(ConflictError):
    """The link was used, expired, replaced by a newer one, or its award was revoked."""

    code = "claim_link_unusable"
    http_status = 410


@dataclass(frozen=True)
class NewLink:
    """A link just stored, with its token (in memory only: it is never stored)."""

    link: ClaimLink
    token: str


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def link_lifetime() -> timedelta:
    """How long a claim link works: ``CREDSTACK_CLAIM_LINK_DAYS`` (30) days."""
    days = int(getattr(settings, "CREDSTACK_CLAIM_LINK_DAYS", DEFAULT_LINK_DAYS))
    return timedelta(days=max(1, days))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def claim_url(token: str) -> str:
    return f"{base_url()}/claim/{token}/"


def find_link(token: str) -> ClaimLink | None:
    """The link of ``token`` (whatever its state), or None for anything else."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    return (
        ClaimLink.objects.select_related(
            "award__organisation", "award__definition_version", "claimed_by"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def link_state(link: ClaimLink, *, now: datetime | None = None) -> LinkState:
    now = now or timezone.now()
    if link.claimed_at is not None:
        return LinkState.CLAIMED
    if link.superseded_at is not None:
        return LinkState.SUPERSEDED
    if link.award.status == AwardStatus.REVOKED:
        return LinkState.REVOKED
    if link.expires_at <= now:
        return LinkState.EXPIRED
    return LinkState.LIVE


def current_address(award: Award) -> str:
    """Where the award's claim links go: the last corrected address, else the address
    the credential was issued to."""
    change = (
        RecipientEmailChange.objects.filter(award=award, reissued_as__isnull=True)
        .order_by("-changed_at", "-pk")
        .first()
    )
    return change.new_email if change is not None else award.recipient_email


def email_changes(award: Award) -> list[RecipientEmailChange]:
    return list(RecipientEmailChange.objects.filter(award=award).select_related("reissued_as"))


# --- Making and sending links -----------------------------------------------------------


def _live_links(award: Award) -> Any:
    return ClaimLink.objects.filter(
        award=award, claimed_at__isnull=True, superseded_at__isnull=True
    )


def _new_link(award: Award, *, kind: str, now: datetime) -> NewLink:
    token = secrets.token_urlsafe(32)
    link = ClaimLink.objects.create(
        award=award,
        email=current_address(award),
        kind=kind,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + link_lifetime(),
    )
    return NewLink(link, token)


def _first_link(award: Award, now: datetime) -> NewLink | None:
    """A new link for an award that has had none sent, or None: already sent (by an
    earlier run, a resend or an address change), being sent, or revoked."""
    with transaction.atomic():
        links = list(ClaimLink.objects.select_for_update().filter(award=award))
        if award.status == AwardStatus.REVOKED or any(link.sent_at for link in links):
            return None
        live = [link for link in links if link.claimed_at is None and link.superseded_at is None]
        if any(not link.send_error and now - link.created_at < SENDING_GRACE for link in live):
            return None
        # A link whose email failed (or whose sender died) cannot be sent again: its token
        # is gone. Replace it.
        ClaimLink.objects.filter(pk__in=[link.pk for link in live]).update(superseded_at=now)
        try:
            with transaction.atomic():
                return _new_link(award, kind=ClaimLinkKind.ISSUED, now=now)
        except IntegrityError:  # another run made the live link meanwhile
            return None


def deliver(new_links: Sequence[NewLink], *, now: datetime | None = None) -> SendReport:
    """Email each link over one mail connection and record ``sent_at``, or the error
    (the link is then replaced by the next run). Never raises for a mail failure."""
    if not new_links:
        return SendReport()
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # SMTP down: every link of the batch failed
        logger.warning("claim emails not sent: %s", error)
        ClaimLink.objects.filter(pk__in=[n.link.pk for n in new_links]).update(
            send_error=_error_text(error)
        )
        return SendReport(failed=len(new_links))
    sent = failed = 0
    try:
        for new in new_links:
            try:
                claim_message(new.link, claim_url(new.token), connection=connection).send()
            except Exception as error:
                logger.warning("claim email for %s not sent: %s", new.link.award_id, error)
                ClaimLink.objects.filter(pk=new.link.pk).update(send_error=_error_text(error))
                failed += 1
            else:
                ClaimLink.objects.filter(pk=new.link.pk).update(
                    sent_at=now or timezone.now(), send_error=""
                )
                sent += 1
    finally:
        connection.close()
    return SendReport(sent=sent, failed=failed)


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def send_claim_emails(award_ids: Sequence[int], *, now: datetime | None = None) -> SendReport:
    """Send the first claim link of each award (primary keys) that has an email address.

    Idempotent: an award whose link was sent already (or is being sent) is skipped, so
    running this again for the same awards sends nothing twice; a link whose email failed
    is replaced and sent. DID-only and revoked awards are skipped.
    """
    sent = skipped = failed = 0
    for chunk in _chunks(sorted(set(award_ids)), SEND_CHUNK):
        awards = Award.objects.filter(pk__in=chunk).select_related(
            "organisation", "definition_version"
        )
        new_links: list[NewLink] = []
        for award in awards:
            new = _first_link(award, now or timezone.now()) if award.recipient_email else None
            if new is None:
                skipped += 1
            else:
                new_links.append(new)
        report = deliver(new_links, now=now)
        sent, failed = sent + report.sent, failed + report.failed
        skipped += len(chunk) - len(awards)  # awards deleted meanwhile
    return SendReport(sent=sent, skipped=skipped, failed=failed)


def send_new_claim_link(award_id: int, *, kind: str, now: datetime | None = None) -> SendReport:
    """Replace the award's live link (if any) with a new one to :func:`current_address`
    and email it. For resends and corrected addresses: always a new email."""
    now = now or timezone.now()
    award = (
        Award.objects.select_related("organisation", "definition_version")
        .filter(pk=award_id)
        .first()
    )
    if award is None or not award.recipient_email or award.status == AwardStatus.REVOKED:
        return SendReport(skipped=1)
    with transaction.atomic():
        list(ClaimLink.objects.select_for_update().filter(award=award))
        _live_links(award).update(superseded_at=now)
        new = _new_link(award, kind=kind, now=now)
    return deliver([new], now=now)


def _enqueue_new_link(award: Award, kind: str) -> None:
    from credstack.claims.tasks import send_new_claim_link_task

    award_id = award.pk
    transaction.on_commit(lambda: send_new_claim_link_task(award_id, kind))


def _require_email_award(award: Award) -> None:
    if not award.recipient_email:
        raise ConflictError(
            f"award {award.public_id} identifies its learner by a DID, not an email address",
            code="no_recipient_email",
        )
    if award.status == AwardStatus.REVOKED:
        raise ConflictError(f"award {award.public_id} is revoked", code="award_revoked")


def resend_claim(award: Award, *, by: User | None, now: datetime | None = None) -> str:
    """Send the learner a new claim link (the old live one stops working at once);
    returns the address it goes to. The email leaves from the job worker.

    Raises PermissionDeniedError (needs ``award``), ConflictError for a DID-only or
    revoked award.
    """
    if by is not None:
        require(by, award.organisation, Action.AWARD)
    _require_email_award(award)
    with transaction.atomic():
        Award.objects.select_for_update().filter(pk=award.pk).first()
        _live_links(award).update(superseded_at=now or timezone.now())
        _enqueue_new_link(award, ClaimLinkKind.RESENT)
    return current_address(award)


def change_recipient_email(
    award: Award,
    new_email: str,
    *,
    by: User | None,
    reason: str,
    reissue: bool = False,
    now: datetime | None = None,
) -> RecipientEmailChange:
    """Correct the address an award's claim links go to, and record it.

    Without ``reissue`` the credential is unchanged (it keeps identifying the learner by
    the hashed address it was issued to): the live link stops working and a new one goes
    to ``new_email``. With ``reissue`` the award is revoked with the reason "re-issued to
    <new award>" and a new award of the same definition version (same date, grade,
    evidence, validity) is issued to ``new_email``; its claim email is sent as for any
    new award. Either way a :class:`RecipientEmailChange` keeps old and new address, who,
    when and why.

    Raises PermissionDeniedError (needs ``award``; re-issuing also ``revoke``),
    ValidationFailedError (bad address, same address, no reason), ConflictError (a
    DID-only or revoked award; re-issuing a version no longer published).
    """
    from credstack.issuing.services import issue_credential, revoke_credential

    if by is not None:
        require(by, award.organisation, Action.AWARD)
    new_email = (new_email or "").strip() if isinstance(new_email, str) else ""
    reason = reason.strip() if isinstance(reason, str) else ""
    problems = []
    try:
        validate_email(new_email)
    except ValidationError:
        problems.append(f"email: not an email address: {new_email!r}")
    if not reason:
        problems.append("reason: say why the address changes")
    _require_email_award(award)
    old_email = current_address(award)
    if not problems and new_email.lower() == old_email.lower():
        problems.append(f"email: the claim link already goes to {old_email}")
    if problems:
        raise ValidationFailedError("the address cannot be changed", problems)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award.pk)
        _require_email_award(locked)
        reissued = None
        if reissue:
            version = locked.definition_version
            if version.status != DefinitionStatus.PUBLISHED:
                raise ConflictError(
                    f"version {version.number} of the definition is {version.status}: it "
                    "cannot be issued again; change the address without re-issuing",
                    code="version_not_published",
                )
            reissued = issue_credential(
                version,
                recipient_email=new_email,
                recipient_did=locked.recipient_did or None,
                recipient_name=locked.recipient_name,
                by=by,
                awarded_at=locked.awarded_at,
                narrative=locked.narrative or None,
                evidence_url=locked.evidence_url or None,
                grade=locked.grade or None,
                valid_until=locked.valid_until,
                now=now,
            )
            revoke_credential(locked, reason=f"re-issued to {reissued.public_id}", by=by, now=now)
        _live_links(locked).update(superseded_at=now)
        change = RecipientEmailChange.objects.create(
            award=locked,
            old_email=old_email,
            new_email=new_email,
            reason=reason,
            changed_by=by,
            changed_at=now,
            reissued_as=reissued,
        )
        if reissued is None:
            _enqueue_new_link(locked, ClaimLinkKind.EMAIL_CHANGED)
    return change


# --- Claiming ---------------------------------------------------------------------------


def require_live(link: ClaimLink, *, now: datetime | None = None) -> None:
    state = link_state(link, now=now)
    if state is LinkState.LIVE:
        return
    messages = {
        LinkState.CLAIMED: _("This link has already been used."),
        LinkState.EXPIRED: _("This link has expired."),
        LinkState.SUPERSEDED: _("A newer link was sent for this credential: use that one."),
        LinkState.REVOKED: _("The issuer has revoked this credential."),
    }
    raise ClaimLinkUnusableError(messages[state], code=f"claim_link_{state.value}")


def _consume(link: ClaimLink, *, user: User | None, claimed_as: ClaimedAs, now: datetime) -> None:
    """Mark ``link`` used, once: a concurrent second claim gets ClaimLinkUnusableError."""
    with transaction.atomic():
        locked = (
            ClaimLink.objects.select_for_update(of=("self",))
            .select_related("award")
            .get(pk=link.pk)
        )
        require_live(locked, now=now)
        ClaimLink.objects.filter(pk=link.pk).update(
            claimed_at=now, claimed_by=user, claimed_as=claimed_as
        )
    link.claimed_at, link.claimed_by, link.claimed_as = now, user, claimed_as


def _release(link: ClaimLink) -> None:
    """Undo :func:`_consume` when what the claim was for failed."""
    try:
        ClaimLink.objects.filter(pk=link.pk).update(claimed_at=None, claimed_by=None, claimed_as="")
    except IntegrityError:  # a newer live link exists by now; this one stays used
        return
    link.claimed_at, link.claimed_by, link.claimed_as = None, None, ""


def _into_wallet(link: ClaimLink, user: User, now: datetime) -> ImportResult:
    try:
        return add_issued_credential(user, link.award.credential, now=now)
    except Exception:
        _release(link)
        raise


def addressed_elsewhere(link: ClaimLink, user: Any) -> bool:
    """True when a signed-in ``user``'s address is not the one the link was sent to."""
    email = getattr(user, "email", "") or ""
    return bool(getattr(user, "is_authenticated", False)) and (email.lower() != link.email.lower())


def claim_into_wallet(link: ClaimLink, user: User, *, now: datetime | None = None) -> ImportResult:
    """Add the link's credential to the signed-in ``user``'s wallet (arrival
    ``issued_here``, verified like an import) and use the link up. Allowed when
    ``user``'s address differs (the link proves access to the mailbox it was sent to).

    Raises ClaimLinkUnusableError when the link cannot be used any more.
    """
    now = now or timezone.now()
    _consume(link, user=user, claimed_as=ClaimedAs.WALLET, now=now)
    return _into_wallet(link, user, now)


def claim_with_new_account(
    link: ClaimLink,
    *,
    password: str,
    password_again: str,
    display_name: str = "",
    now: datetime | None = None,
) -> tuple[User, ImportResult]:
    """Create an account whose login is the address the link was sent to, put the
    credential in its wallet and use the link up.

    Raises ClaimLinkUnusableError, ValidationFailedError (passwords differ or are too
    weak: every problem), ConflictError when an account with that address exists (sign
    in instead).
    """
    now = now or timezone.now()
    require_live(link, now=now)
    display_name = (display_name or "").strip()[:200]
    problems = []
    if password != password_again:
        problems.append("password_again: " + _("The two passwords differ."))
    try:
        validate_password(password, User(email=link.email, display_name=display_name))
    except ValidationError as error:
        problems.extend(f"password: {message}" for message in error.messages)
    if problems:
        raise ValidationFailedError(_("The account could not be created."), problems)
    exists = ConflictError(
        _("An account with the address %(email)s exists already: sign in to add the credential.")
        % {"email": link.email},
        code="account_exists",
    )
    if User.objects.filter(email__iexact=link.email).exists():
        raise exists
    with transaction.atomic():
        _consume(link, user=None, claimed_as=ClaimedAs.NEW_ACCOUNT, now=now)
        try:
            with transaction.atomic():
                user = create_user(link.email, password, display_name=display_name)
        except (ConflictError, IntegrityError):
            raise exists from None
        ClaimLink.objects.filter(pk=link.pk).update(claimed_by=user)
        link.claimed_by = user
    return user, _into_wallet(link, user, now)


def claim_by_download(
    link: ClaimLink, *, user: Any = None, now: datetime | None = None
) -> ClaimLink:
    """Use the link up to take the credential's files, with no account."""
    now = now or timezone.now()
    signed_in = user if getattr(user, "is_authenticated", False) else None
    _consume(link, user=signed_in, claimed_as=ClaimedAs.DOWNLOAD, now=now)
    return link
