"""Verifying credentials for the public: the one place the verifier page and the VC-API
endpoint call the trust core, and the report turned into plain language.

Nothing here stores what it is given: uploads are read in memory, verified and dropped.
The only door to the network is :func:`verification_fetcher`, which refuses private
addresses unless the instance runs in development mode.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from credstack.common.errors import CredstackError
from credstack.standards import verify
from credstack.standards.fetch import Fetcher, HttpFetcher
from credstack.standards.report import Check, Outcome, Verdict, VerificationReport
from credstack.verification.elements import (
    Element,
    achievement_of,
    micro_credential_elements,
    texts,
)

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_URL_LENGTH = 2048
MAX_RECIPIENT_LENGTH = 320


class SubmissionError(CredstackError):
    """What a visitor gave cannot be verified at all (empty, too large, unsafe)."""

    code = "invalid_submission"
    http_status = 400


class SubmissionTooLargeError(SubmissionError):
    code = "too_large"
    http_status = 413


class RateLimitedError(CredstackError):
    """One client asked for more verifications than the limit allows in a minute."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class VerifierFailureError(CredstackError):
    """The trust core failed on this input instead of reporting on it (a bug, logged)."""

    code = "verifier_failure"
    http_status = 422


logger = logging.getLogger(__name__)


def _run_verifier(source: Mapping[str, Any] | str | bytes, **options: Any) -> VerificationReport:
    """The trust core's verify(), which reports every problem it knows of; anything it
    raises instead is a defect: logged, and turned into a clear answer for the visitor."""
    try:
        return verify(source, **options)
    except Exception:
        logger.exception("the verifier failed on a submitted credential")
        raise VerifierFailureError(
            str(
                _(
                    "credstack could not process this credential: it is in a form this "
                    "verifier does not handle yet. The problem has been logged."
                )
            )
        ) from None


def max_submission_bytes() -> int:
    """The largest credential (upload, pasted text or API body) accepted, in bytes:
    the setting ``CREDSTACK_VERIFY_MAX_BYTES``, 2 MiB by default."""
    return int(getattr(settings, "CREDSTACK_VERIFY_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_label(size: int) -> str:
    """``size`` bytes for people: 2 MB, 64 KB, 500 bytes."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:g} MB"
    return f"{size // 1024} KB" if size >= 1024 else f"{size} bytes"


DEFAULT_RATE_LIMIT = 30
RATE_WINDOW_SECONDS = 60


def clock() -> float:
    """The time the rate limit counts with (tests replace it)."""
    return time.time()


def client_address(request: HttpRequest) -> str:
    """The address the rate limit counts per. Behind a reverse proxy (Django's
    ``SECURE_PROXY_SSL_HEADER`` is set, see ``CREDSTACK_BEHIND_PROXY``), the address the
    proxy appended last to X-Forwarded-For; a client can forge only the ones before it."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1][:64]
    return str(request.META.get("REMOTE_ADDR", "unknown"))[:64]


def check_rate_limit(address: str) -> None:
    """Count one verification for ``address``; RateLimitedError past the limit.

    The limit is the setting ``CREDSTACK_VERIFY_RATE_LIMIT``: verifications per client
    address per minute (30 by default; 0 switches it off). Counts live in Django's cache,
    so they are per process unless a shared cache is configured.
    """
    limit = int(getattr(settings, "CREDSTACK_VERIFY_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    if limit <= 0:
        return
    now = clock()
    window = int(now // RATE_WINDOW_SECONDS)
    key = f"credstack:verify-rate:{window}:{address}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS * 2)
        count = 1
    if count > limit:
        retry_after = max(1, int((window + 1) * RATE_WINDOW_SECONDS - now))
        raise RateLimitedError(
            str(
                _(
                    "Too many verifications from your address: at most %(limit)s a minute. "
                    "Try again in %(seconds)s seconds."
                )
                % {"limit": limit, "seconds": retry_after}
            ),
            retry_after=retry_after,
        )


_shared_fetcher: HttpFetcher | None = None
_shared_fetcher_lock = threading.Lock()

FetcherLayer = Callable[[Fetcher], Fetcher]
_instance_layers: list[FetcherLayer] = []


def serve_instance_documents(layer: FetcherLayer) -> None:
    """Put ``layer`` in front of the verifier's fetcher: a function wrapping a Fetcher
    in one that answers some of this instance's own URLs itself (from its database) and
    hands the rest on. The issuing app registers its status lists, DID documents and
    awards this way when Django starts, so verification never imports issuing and never
    asks the network (or, on a local instance, fails to) for what the instance holds."""
    if layer not in _instance_layers:
        _instance_layers.append(layer)


def verification_fetcher() -> Fetcher:
    """The fetcher public verification uses: the layers of :func:`serve_instance_documents`
    in front of

    1. the setting ``CREDSTACK_VERIFICATION_FETCHER`` (a Fetcher object), when set:
       tests and offline deployments inject theirs there;
    2. otherwise one shared HttpFetcher (its cache is shared between requests) that
       refuses private and local addresses, unless the setting
       ``CREDSTACK_FETCH_DEVELOPMENT_MODE`` is true (a developer's own machine only).
    """
    injected = getattr(settings, "CREDSTACK_VERIFICATION_FETCHER", None)
    fetcher: Fetcher = injected if injected is not None else _network_fetcher()
    for layer in _instance_layers:
        fetcher = layer(fetcher)
    return fetcher


def _network_fetcher() -> HttpFetcher:
    global _shared_fetcher
    development_mode = bool(getattr(settings, "CREDSTACK_FETCH_DEVELOPMENT_MODE", False))
    with _shared_fetcher_lock:
        if _shared_fetcher is None or _shared_fetcher.development_mode != development_mode:
            _shared_fetcher = HttpFetcher(development_mode=development_mode)
        return _shared_fetcher


def verify_submission(
    *,
    text: str | None = None,
    upload: bytes | None = None,
    url: str | None = None,
    recipient: str | None = None,
    now: datetime | None = None,
) -> VerificationReport:
    """Verify what a visitor submitted: exactly one of pasted ``text``, an uploaded
    file's bytes (``upload``) or a ``url``; ``recipient`` optionally names the person
    (an email address or identifier) the credential must have been issued to.

    Raises SubmissionError when nothing or more than one source is given, the URL is not
    http(s), or an SVG holds scripts; SubmissionTooLargeError over
    :func:`max_submission_bytes`. Everything else, however malformed, becomes a report.
    """
    given = [s for s in (text, upload, url) if s not in (None, "", b"")]
    if not given:
        raise SubmissionError(str(_("Give a credential: upload a file, paste it, or a URL.")))
    if len(given) > 1:
        raise SubmissionError(
            str(_("Give only one credential at a time: a file, pasted text or a URL."))
        )
    limit = max_submission_bytes()
    source: str | bytes
    if upload:
        if len(upload) > limit:
            raise too_large_error(limit)
        source = upload
    elif text:
        if len(text.encode("utf-8", "surrogatepass")) > limit:
            raise too_large_error(limit)
        source = text
    else:
        source = _checked_url(str(url))
    _refuse_active_svg(source)
    recipient = (recipient or "").strip() or None
    if recipient is not None and len(recipient) > MAX_RECIPIENT_LENGTH:
        raise SubmissionError(str(_("The recipient is too long to be an email address.")))
    return _run_verifier(source, fetcher=verification_fetcher(), now=now, recipient=recipient)


def verify_credential_document(
    credential: Mapping[str, Any] | str,
    *,
    recipient: str | None = None,
    now: datetime | None = None,
    fetcher: Fetcher | None = None,
) -> VerificationReport:
    """Verify a credential given as a JSON object or a VC-JWT (the VC-API's input);
    ``fetcher`` defaults to :func:`verification_fetcher`."""
    if isinstance(credential, str):
        if credential.strip().startswith(("http://", "https://")):
            raise SubmissionError(
                "verifiableCredential must be a credential (a JSON object or a VC-JWT), not a URL"
            )
        return verify_submission(text=credential, recipient=recipient, now=now)
    return _run_verifier(
        credential, fetcher=fetcher or verification_fetcher(), now=now, recipient=recipient
    )


def too_large_error(limit: int) -> SubmissionTooLargeError:
    return SubmissionTooLargeError(
        str(
            _("The credential is larger than %(limit)s, the most this verifier accepts.")
            % {"limit": size_label(limit)}
        )
    )


def _checked_url(url: str) -> str:
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise SubmissionError(str(_("The URL is too long.")))
    if not url.lower().startswith(("https://", "http://")) or any(c.isspace() for c in url):
        raise SubmissionError(
            str(_("Give a web address starting with https:// (the credential's link)."))
        )
    return url


ACTIVE_SVG_ELEMENTS = frozenset({"script", "foreignObject", "iframe", "embed", "object"})


def _refuse_active_svg(source: str | bytes) -> None:
    """An SVG with scripts, event handlers or javascript: links is refused: credstack
    never shows the image, but such a file is not a badge image and is often a probe."""
    head = source[:512] if isinstance(source, bytes) else source[:512].encode("utf-8", "replace")
    if b"<svg" not in head.lower() and not head.lstrip().startswith(b"<"):
        return
    data = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    try:
        root = fromstring(data, forbid_dtd=False)
    except (DefusedXmlException, SyntaxError, ValueError):
        return  # the trust core reports why the image cannot be read
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        active_attribute = any(
            name.rsplit("}", 1)[-1].lower().startswith("on")
            or value.strip().lower().startswith("javascript:")
            for name, value in element.attrib.items()
        )
        if tag in ACTIVE_SVG_ELEMENTS or active_attribute:
            raise SubmissionError(
                str(
                    _(
                        "This SVG image contains scripts or other active content, which a "
                        "badge image never needs, so it was not verified. Ask the issuer "
                        "for the credential as a file without scripts, or as JSON."
                    )
                )
            )


# Plain language ---------------------------------------------------------------------


@dataclass(frozen=True)
class VerdictText:
    title: str | Promise
    meaning: str | Promise
    advice: str | Promise
    tone: str  # good, bad, warn: the banner's colour


VERDICT_TEXTS: dict[Verdict, VerdictText] = {
    Verdict.VALID: VerdictText(
        _("Valid"),
        _(
            "The credential is authentic: its signature holds, the key that signed it "
            "belongs to the issuer named below, it has not been revoked and it is within "
            "its validity period."
        ),
        _(
            "You can rely on what it certifies. Make sure the learner it names is the "
            "person who showed it to you."
        ),
        "good",
    ),
    Verdict.INVALID: VerdictText(
        _("Not valid"),
        _(
            "The credential has been changed since it was issued, is not properly "
            "signed, was signed with a key that is not its issuer's, or is malformed."
        ),
        _(
            "Do not rely on it. Ask the person who gave it to you for the original file "
            "or link, or contact the issuer."
        ),
        "bad",
    ),
    Verdict.REVOKED: VerdictText(
        _("Revoked"),
        _("The issuer has withdrawn this credential. It no longer certifies anything."),
        _("Do not rely on it. Contact the issuer if you need to know why."),
        "bad",
    ),
    Verdict.SUSPENDED: VerdictText(
        _("Suspended"),
        _("The issuer has suspended this credential for now; it may be reinstated later."),
        _("Do not rely on it at the moment. Contact the issuer or check again later."),
        "bad",
    ),
    Verdict.EXPIRED: VerdictText(
        _("Expired"),
        _(
            "The credential was genuine, but its validity period has ended (see "
            '"Valid until" and the checks below).'
        ),
        _("Ask the holder whether a renewed credential exists."),
        "warn",
    ),
    Verdict.NOT_YET_VALID: VerdictText(
        _("Not valid yet"),
        _("The credential's validity period has not started yet."),
        _("Check again after the start date shown in the checks below."),
        "warn",
    ),
    Verdict.COULD_NOT_CHECK: VerdictText(
        _("Could not be fully checked"),
        _(
            "Nothing shows that the credential was altered, but something needed to "
            "confirm it could not be checked: for example the issuer's revocation list "
            "could not be reached, or the signing key could not be tied to the issuer."
        ),
        _(
            "See which check could not be done below. Try again later, or ask the "
            "issuer to confirm the credential."
        ),
        "warn",
    ),
}

CHECK_NAMES: dict[str, str | Promise] = {
    "format": _("Format"),
    "data_model": _("Structure"),
    "proof": _("Signature"),
    "issuer_binding": _("Issuer's key"),
    "status": _("Revocation and suspension"),
    "validity_period": _("Validity period"),
    "recipient": _("Recipient"),
    "endorsements": _("Endorsements"),
    "expiry": _("Validity period"),
    "revocation": _("Revocation"),
    "signature": _("Signature"),
}

OUTCOME_NAMES: dict[Outcome, str | Promise] = {
    Outcome.PASSED: _("Passed"),
    Outcome.FAILED: _("Failed"),
    Outcome.WARNING: _("Warning"),
    Outcome.NOT_CHECKED: _("Not checked"),
}

FORMAT_NAMES: dict[str, str | Promise] = {
    "json": _("JSON credential"),
    "jwt": _("VC-JWT"),
    "url": _("link"),
    "baked-png": _("credential baked into a PNG image"),
    "baked-svg": _("credential baked into an SVG image"),
    "baked-png-jwt": _("VC-JWT baked into a PNG image"),
    "baked-svg-jwt": _("VC-JWT baked into an SVG image"),
    "ob2-assertion": _("Open Badges 2.0 assertion"),
    "ob2-hosted": _("hosted Open Badges 2.0 assertion"),
    "ob2-signed": _("signed Open Badges 2.0 assertion"),
}


@dataclass
class CheckView:
    name: str | Promise
    outcome: str
    outcome_label: str | Promise
    message: str


@dataclass
class IssuerView:
    name: str | None
    identifier: str | None
    website: str | None
    key_confirmed: str  # confirmed, not_confirmed, wrong_key
    key_message: str


@dataclass
class ReportView:
    """A verification report as the verifier page shows it."""

    verdict: str
    verdict_text: VerdictText
    format_label: str | Promise
    issuer: IssuerView | None
    title: str | None
    description: str | None
    criteria: str | None
    elements: list[Element]
    checks: list[CheckView] = field(default_factory=list)

    @property
    def mandatory_elements(self) -> list[Element]:
        return [e for e in self.elements if e.mandatory]

    @property
    def optional_elements(self) -> list[Element]:
        return [e for e in self.elements if not e.mandatory and e.present]


def describe_report(report: VerificationReport) -> ReportView:
    """The report in plain language: verdict, issuer, what it certifies, every check."""
    credential = report.credential if isinstance(report.credential, Mapping) else None
    elements = micro_credential_elements(credential)
    by_key = {e.key: e for e in elements}
    achievement = achievement_of(credential)
    description = _first_text(achievement.get("description")) or _first_text(
        (credential or {}).get("description")
    )
    criteria = achievement.get("criteria")
    criteria_text = (
        _first_text(criteria.get("narrative")) if isinstance(criteria, Mapping) else None
    )
    if criteria_text is None and isinstance(criteria, Mapping):
        criteria_text = _web_link(criteria.get("id"))
    return ReportView(
        verdict=report.verdict.value,
        verdict_text=VERDICT_TEXTS[report.verdict],
        format_label=FORMAT_NAMES.get(report.format, report.format),
        issuer=_issuer_view(report, credential),
        title=by_key["title"].values[0] if by_key["title"].values else None,
        description=description,
        criteria=criteria_text,
        elements=elements,
        checks=[_check_view(c) for c in report.checks],
    )


def _first_text(value: Any) -> str | None:
    found = texts(value, limit=1)
    return found[0] if found else None


def _web_link(value: Any) -> str | None:
    if isinstance(value, str) and value.lower().startswith(("https://", "http://")):
        return value[:MAX_URL_LENGTH]
    return None


def _check_view(check: Check) -> CheckView:
    return CheckView(
        name=CHECK_NAMES.get(check.name, check.name.replace("_", " ").capitalize()),
        outcome=check.outcome.value,
        outcome_label=OUTCOME_NAMES[check.outcome],
        message=check.message,
    )


def _issuer_view(
    report: VerificationReport, credential: Mapping[str, Any] | None
) -> IssuerView | None:
    summary = report.issuer or {}
    issuer = (credential or {}).get("issuer")
    profile = issuer if isinstance(issuer, Mapping) else {}
    name = summary.get("name") or _first_text(profile.get("name"))
    identifier = summary.get("id") or (issuer if isinstance(issuer, str) else None)
    if not name and not identifier:
        return None
    binding = report.check("issuer_binding")
    if binding is not None and binding.outcome is Outcome.PASSED:
        key_confirmed = "confirmed"
    elif binding is not None and binding.outcome is Outcome.FAILED:
        key_confirmed = "wrong_key"
    else:
        key_confirmed = "not_confirmed"
    return IssuerView(
        name=name if isinstance(name, str) else None,
        identifier=identifier if isinstance(identifier, str) else None,
        website=_web_link(profile.get("url")),
        key_confirmed=key_confirmed,
        key_message=binding.message if binding is not None else "",
    )
