"""Open Badges 2.0 Verification (IMS Global Open Badges v2.0, "Verification").

An Open Badges 2.0 Assertion is verified in one of two ways, named by its
``verification.type``:

- **HostedBadge**: the Assertion published at its HTTP(S) ``id`` is the source of
  truth. Whatever the caller holds only says where to look; the hosted copy is fetched
  and used, its ``id`` must be the URL it came from, and the ``id`` must lie within the
  issuer Profile's ``verification`` scope (``startsWith``, ``allowedOrigins``; by
  default the issuer's own host). A ``410 Gone`` answer or ``revoked: true`` means
  revoked.
- **SignedBadge**: the Assertion is the payload of a compact JWS (RS256, or ES256). The
  key is a CryptographicKey with ``publicKeyPem``; it is trusted only when the issuer
  Profile lists it under ``publicKey`` (the ``verification.creator`` names which one).

Both then check the BadgeClass and issuer Profile, the issuer's ``revocationList``,
``expires``, ``issuedOn`` and, when the caller gives one, the recipient. Nothing here
raises for bad or unreachable data: every step becomes an :class:`Ob2Check`, and a
fetch failure is a failed (or, for the revocation list, not-checked) check naming the
URL. Data checks are structural (required properties and types, as the Data Validation
section lists); JSON-LD expansion of OB 2.0 documents is not performed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from credstack.standards.errors import FetchError, JwtError, StandardsError
from credstack.standards.fetch import Fetcher
from credstack.standards.vc.jwt import CompactJws, parse_compact_jws, verify_jws_signature

Outcome = Literal["passed", "failed", "warning", "not_checked"]

#: JWS algorithms of a SignedBadge: RS256 is what the specification recommends.
OB2_JWS_ALGORITHMS: tuple[str, ...] = ("RS256", "ES256")

HOSTED_TYPES = frozenset({"HostedBadge", "hosted"})
SIGNED_TYPES = frozenset({"SignedBadge", "signed"})
OB2_CONTEXTS = frozenset(
    {
        "https://w3id.org/openbadges/v2",
        "https://w3id.org/openbadges/v2/",
        "https://openbadgespec.org/v2/context.json",
    }
)
RECIPIENT_TYPES = frozenset({"email", "url", "telephone", "id"})

# Checks whose "not_checked" outcome does not make the assertion invalid: the caller
# did not ask for them.
_OPTIONAL_CHECKS = frozenset({"recipient"})


@dataclass(frozen=True)
class Ob2Check:
    """One verification step: ``name`` is stable (for code), ``message`` is for people."""

    name: str
    outcome: Outcome
    message: str


@dataclass
class Ob2Result:
    """The outcome of :func:`verify_ob2_assertion`.

    ``valid`` is true when no check failed and every check that matters could be made
    (a revocation list that could not be fetched leaves the assertion unproven).
    """

    assertion: dict[str, Any] | None
    badge_class: dict[str, Any] | None
    issuer: dict[str, Any] | None
    checks: list[Ob2Check]
    revoked: bool
    expired: bool
    valid: bool
    verification_type: Literal["hosted", "signed"] | None = None
    revocation_reason: str | None = None

    def check(self, name: str) -> Ob2Check | None:
        """The first check called ``name``, if it was made."""
        return next((item for item in self.checks if item.name == name), None)


@dataclass
class _Run:
    fetcher: Fetcher
    now: datetime
    checks: list[Ob2Check] = field(default_factory=list)
    assertion: dict[str, Any] | None = None
    badge_class: dict[str, Any] | None = None
    issuer: dict[str, Any] | None = None
    revoked: bool = False
    expired: bool = False
    verification_type: Literal["hosted", "signed"] | None = None
    revocation_reason: str | None = None

    def add(self, name: str, outcome: Outcome, message: str) -> None:
        self.checks.append(Ob2Check(name, outcome, message))

    def fetch_json(self, url: str, what: str) -> Any:
        """The JSON at ``url``, or None after adding a failed check naming the URL."""
        try:
            return self.fetcher.get_json(url)
        except FetchError as error:
            self.add(
                what,
                "failed",
                f"the {what.replace('_', ' ')} at {url} could not be fetched: {error}",
            )
            return None

    def result(self) -> Ob2Result:
        valid = all(
            check.outcome in ("passed", "warning")
            or (check.outcome == "not_checked" and check.name in _OPTIONAL_CHECKS)
            for check in self.checks
        )
        return Ob2Result(
            assertion=self.assertion,
            badge_class=self.badge_class,
            issuer=self.issuer,
            checks=self.checks,
            revoked=self.revoked,
            expired=self.expired,
            valid=valid and not self.revoked and not self.expired,
            verification_type=self.verification_type,
            revocation_reason=self.revocation_reason,
        )


def verify_ob2_assertion(
    source: Mapping[str, Any] | str,
    *,
    fetcher: Fetcher,
    now: datetime,
    recipient: str | None = None,
) -> Ob2Result:
    """Verify an Open Badges 2.0 Assertion.

    ``source`` is an Assertion (a mapping, or its JSON text), the URL of a hosted
    Assertion, or a compact JWS whose payload is a signed Assertion (what a baked OB 2.0
    image holds). ``recipient`` is the identity to compare with ``recipient.identity``
    (an email address, URL or telephone number; hashed identities are hashed with their
    salt first); without it the recipient check is "not_checked" and does not affect
    validity.

    Steps: 1. obtain the Assertion (hosted: fetch it and check its ``id``; signed: parse
    the JWS); 2. check the Assertion's required data; 3. fetch the BadgeClass and its
    issuer Profile; 4. hosted: check the verification scope / signed: find a key the
    issuer lists and check the signature; 5. revocation list; 6. ``issuedOn`` and
    ``expires``; 7. recipient.

    Precondition: ``now`` is timezone-aware. Never raises for bad or unreachable data.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not isinstance(source, Mapping | str):
        raise TypeError("source must be a mapping or a str")
    run = _Run(fetcher=fetcher, now=now)

    jws: CompactJws | None = None
    if isinstance(source, str):
        text = source.strip()
        if text.startswith("{"):
            try:
                parsed = json.loads(text)
            except (ValueError, RecursionError) as error:
                run.add("assertion", "failed", f"the assertion is not valid JSON: {error}")
                return run.result()
            if not isinstance(parsed, dict):
                run.add("assertion", "failed", "the assertion is not a JSON object")
                return run.result()
            source = parsed
        elif _is_http_url(text):
            if not _obtain_hosted(run, text, given_id=None):
                return run.result()
        elif text.count(".") == 2:
            jws = _obtain_signed(run, text)
            if jws is None:
                return run.result()
        else:
            run.add(
                "assertion",
                "failed",
                "the source is neither an assertion, an HTTP(S) URL nor a compact JWS",
            )
            return run.result()

    if isinstance(source, Mapping):
        given = dict(source)
        declared = _verification_type(given)
        if declared == "signed":
            run.verification_type = "signed"
            run.assertion = given
            run.add(
                "signature",
                "failed",
                "the assertion declares SignedBadge verification but was given without "
                "its JWS, so its signature cannot be checked",
            )
            return run.result()
        hosted_url = _hosted_url(given)
        if hosted_url is None:
            run.assertion = given
            run.add(
                "assertion",
                "failed",
                "the assertion has no HTTP(S) id (or verify.url) to fetch its hosted copy from",
            )
            return run.result()
        given_id = given.get("id") if isinstance(given.get("id"), str) else None
        if not _obtain_hosted(run, hosted_url, given_id=given_id):
            return run.result()

    assert run.assertion is not None
    assertion = run.assertion
    _check_context(run, assertion, "assertion")
    _check_assertion_data(run, assertion)
    _load_badge_class_and_issuer(run, assertion)

    if run.verification_type == "hosted":
        _check_hosted_scope(run, assertion)
    elif jws is not None:
        _check_signature(run, assertion, jws)

    _check_revocation_list(run, assertion)
    _check_dates(run, assertion)
    _check_recipient(run, assertion, recipient)
    return run.result()


# Obtaining the assertion


def _obtain_hosted(run: _Run, url: str, *, given_id: str | None) -> bool:
    """Fetch the hosted Assertion; False when verification cannot continue."""
    run.verification_type = "hosted"
    try:
        fetched = run.fetcher.get_json(url)
    except FetchError as error:
        if getattr(error, "status", None) == 410:
            run.revoked = True
            run.add(
                "revocation", "failed", f"the hosted assertion at {url} answers 410 Gone: revoked"
            )
        else:
            run.add(
                "assertion",
                "failed",
                f"the hosted assertion at {url} could not be fetched: {error}",
            )
        return False
    if not isinstance(fetched, dict):
        run.add("assertion", "failed", f"the document at {url} is not a JSON object")
        return False
    run.assertion = fetched
    run.add("assertion", "passed", f"the hosted assertion was fetched from {url}")

    fetched_id = fetched.get("id")
    if fetched_id != url:
        run.add(
            "assertion_id",
            "failed",
            f"the hosted assertion's id {fetched_id!r} is not the URL it was fetched from ({url})",
        )
    elif given_id is not None and given_id != fetched_id:
        run.add(
            "assertion_id",
            "failed",
            f"the given assertion's id {given_id!r} is not the hosted assertion's id "
            f"{fetched_id!r}",
        )
    else:
        run.add(
            "assertion_id", "passed", "the hosted assertion's id is the URL it was fetched from"
        )

    if fetched.get("revoked") is True:
        run.revoked = True
        reason = fetched.get("revocationReason")
        run.revocation_reason = reason if isinstance(reason, str) else None
        run.add("revocation", "failed", _revoked_message("the hosted assertion is revoked", reason))
        return False
    declared = _verification_type(fetched)
    if declared == "signed":
        run.add(
            "verification_type",
            "failed",
            "the hosted document declares SignedBadge verification; verify it from its JWS",
        )
        return False
    if declared is None:
        run.add(
            "verification_type",
            "warning",
            "the assertion declares no verification type; HostedBadge is assumed",
        )
    return True


def _obtain_signed(run: _Run, token: str) -> CompactJws | None:
    run.verification_type = "signed"
    try:
        parsed = parse_compact_jws(token, algorithms=OB2_JWS_ALGORITHMS)
    except JwtError as error:
        run.add("signature", "failed", f"the signed assertion is not a usable JWS: {error}")
        return None
    try:
        payload = json.loads(parsed.payload.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        # Step 2: "If the parsing operation fails, assertion MUST be treated as invalid."
        run.add("assertion", "failed", f"the JWS payload is not a JSON assertion: {error}")
        return None
    if not isinstance(payload, dict):
        run.add("assertion", "failed", "the JWS payload is not a JSON object")
        return None
    run.assertion = payload
    run.add("assertion", "passed", "the assertion was read from the JWS payload")
    declared = _verification_type(payload)
    if declared != "signed":
        run.add(
            "verification_type",
            "warning",
            f"the signed assertion declares {_type_text(payload)} verification, not SignedBadge",
        )
    return parsed


# Data


def _check_context(run: _Run, document: Mapping[str, Any], what: str) -> None:
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if not any(isinstance(item, str) and item in OB2_CONTEXTS for item in contexts):
        run.add(
            "context",
            "warning",
            f"the {what} does not use the Open Badges 2.0 context (https://w3id.org/openbadges/v2)",
        )


def _check_assertion_data(run: _Run, assertion: Mapping[str, Any]) -> None:
    missing = [
        name
        for name in ("id", "type", "recipient", "badge", "verification", "issuedOn")
        if name not in assertion and not (name == "verification" and "verify" in assertion)
    ]
    problems = [f"missing {', '.join(missing)}"] if missing else []
    if "type" in assertion and not _has_type(assertion, "Assertion"):
        problems.append("its type is not Assertion")
    recipient = assertion.get("recipient")
    if "recipient" in assertion and not (
        isinstance(recipient, Mapping) and isinstance(recipient.get("identity"), str)
    ):
        problems.append("recipient has no identity")
    if problems:
        run.add("assertion_data", "failed", f"the assertion is not valid: {'; '.join(problems)}")
    else:
        run.add("assertion_data", "passed", "the assertion has its required properties")


def _load_badge_class_and_issuer(run: _Run, assertion: Mapping[str, Any]) -> None:
    badge_class = _load_linked(run, assertion.get("badge"), "badge_class")
    if badge_class is None:
        return
    run.badge_class = badge_class
    missing = [
        name
        for name in ("id", "type", "name", "description", "image", "criteria", "issuer")
        if name not in badge_class
    ]
    if missing or not _has_type(badge_class, "BadgeClass"):
        detail = f"missing {', '.join(missing)}" if missing else "its type is not BadgeClass"
        run.add("badge_class", "failed", f"the BadgeClass is not valid: {detail}")
    else:
        run.add("badge_class", "passed", f"the BadgeClass {badge_class['id']} is valid")

    issuer = _load_linked(run, badge_class.get("issuer"), "issuer")
    if issuer is None:
        return
    run.issuer = issuer
    missing = [name for name in ("id", "type", "name") if name not in issuer]
    if missing or not (_has_type(issuer, "Issuer") or _has_type(issuer, "Profile")):
        detail = f"missing {', '.join(missing)}" if missing else "its type is not Issuer/Profile"
        run.add("issuer", "failed", f"the issuer Profile is not valid: {detail}")
        return
    absent = [name for name in ("url", "email") if name not in issuer]
    if absent:
        run.add(
            "issuer",
            "warning",
            f"the issuer Profile {issuer['id']} lacks {', '.join(absent)}, "
            "which an issuer should declare",
        )
    else:
        run.add("issuer", "passed", f"the issuer Profile {issuer['id']} is valid")


def _load_linked(run: _Run, value: Any, what: str) -> dict[str, Any] | None:
    label = what.replace("_", " ")
    if isinstance(value, str):
        if not _is_http_url(value):
            run.add(what, "failed", f"the {label} {value!r} is not an HTTP(S) URL")
            return None
        document = run.fetch_json(value, what)
        if document is None:
            return None
        if not isinstance(document, dict):
            run.add(what, "failed", f"the {label} at {value} is not a JSON object")
            return None
        if document.get("id") != value:
            run.add(
                what,
                "failed",
                f"the {label} fetched from {value} has the id {document.get('id')!r}",
            )
            return None
        return document
    if isinstance(value, Mapping):
        return dict(value)
    run.add(what, "failed", f"the {label} is missing or not a URL or object")
    return None


# Hosted verification scope


def _check_hosted_scope(run: _Run, assertion: Mapping[str, Any]) -> None:
    assertion_id = assertion.get("id")
    if not isinstance(assertion_id, str) or not _is_http_url(assertion_id):
        run.add("verification_scope", "failed", "a hosted assertion needs an HTTP(S) id")
        return
    if run.issuer is None:
        run.add("verification_scope", "not_checked", "the issuer Profile is not available")
        return
    policy = run.issuer.get("verification")
    host = (urlsplit(assertion_id).hostname or "").lower()
    if not isinstance(policy, Mapping):
        issuer_host = (urlsplit(str(run.issuer.get("id", ""))).hostname or "").lower()
        if host and host == issuer_host:
            run.add(
                "verification_scope",
                "passed",
                "the assertion is hosted on the issuer's own host",
            )
        else:
            run.add(
                "verification_scope",
                "failed",
                f"the assertion is hosted on {host!r}, not on the issuer's host "
                f"{issuer_host!r}, and the issuer declares no verification policy",
            )
        return

    prop = policy.get("verificationProperty", "id")
    if prop not in ("id", "@id"):
        run.add(
            "verification_scope",
            "failed",
            f"the issuer's verificationProperty {prop!r} is not supported (only id)",
        )
        return
    failures: list[str] = []
    starts = _strings(policy.get("startsWith"))
    if starts and not any(assertion_id.startswith(prefix) for prefix in starts):
        failures.append(f"its id does not start with any of {starts}")
    origins = [origin.lower() for origin in _strings(policy.get("allowedOrigins"))]
    if origins and host not in origins:
        failures.append(f"its host {host!r} is not among the allowed origins {origins}")
    if not starts and not origins:
        issuer_host = (urlsplit(str(run.issuer.get("id", ""))).hostname or "").lower()
        if host != issuer_host:
            failures.append(f"its host {host!r} is not the issuer's host {issuer_host!r}")
    if failures:
        run.add(
            "verification_scope",
            "failed",
            f"the assertion is outside the issuer's verification policy: {'; '.join(failures)}",
        )
    else:
        run.add(
            "verification_scope",
            "passed",
            "the assertion id is within the issuer's verification policy",
        )


# Signed verification


def _check_signature(run: _Run, assertion: Mapping[str, Any], jws: CompactJws) -> None:
    if run.issuer is None:
        run.add("signature", "not_checked", "no issuer Profile to find trusted keys in")
        return
    issuer_id = run.issuer.get("id")
    listed = _listed_keys(run.issuer.get("publicKey"))
    if not listed:
        run.add("key", "failed", f"the issuer Profile {issuer_id} lists no publicKey")
        return
    verification = assertion.get("verification") or assertion.get("verify")
    creator = verification.get("creator") if isinstance(verification, Mapping) else None
    if creator is not None:
        if not isinstance(creator, str) or creator not in listed:
            run.add(
                "key",
                "failed",
                f"the signing key {creator!r} is not listed under the issuer's publicKey; "
                "a key the issuer does not list is not trusted",
            )
            return
        candidates = [creator]
    else:
        candidates = list(listed)

    reasons: list[str] = []
    for key_id in candidates:
        key = _load_key(run, key_id, listed[key_id], str(issuer_id), reasons)
        if key is None:
            continue
        problem = verify_jws_signature(jws, key)
        if problem is None:
            run.add("key", "passed", f"the key {key_id} is listed by the issuer {issuer_id}")
            run.add("signature", "passed", f"the JWS signature verifies with {key_id}")
            return
        reasons.append(f"{key_id}: {problem}")
    run.add(
        "signature",
        "failed",
        "no key the issuer lists verifies the signature: " + "; ".join(reasons),
    )


def _listed_keys(value: Any) -> dict[str, Mapping[str, Any] | None]:
    """The issuer's publicKey entries by id: None for a reference, the object if embedded."""
    entries = value if isinstance(value, list) else [value]
    keys: dict[str, Mapping[str, Any] | None] = {}
    for entry in entries:
        if isinstance(entry, str):
            keys.setdefault(entry, None)
        elif isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            keys[entry["id"]] = entry if "publicKeyPem" in entry else keys.get(entry["id"])
    return keys


def _load_key(
    run: _Run,
    key_id: str,
    embedded: Mapping[str, Any] | None,
    issuer_id: str,
    reasons: list[str],
) -> RSAPublicKey | EllipticCurvePublicKey | None:
    document: Any = embedded
    if document is None:
        try:
            document = run.fetcher.get_json(key_id)
        except FetchError as error:
            reasons.append(f"{key_id} could not be fetched: {error}")
            return None
    if not isinstance(document, Mapping):
        reasons.append(f"{key_id} is not a CryptographicKey document")
        return None
    if "id" in document and document["id"] != key_id:
        reasons.append(f"the key document at {key_id} has the id {document['id']!r}")
        return None
    owner = document.get("owner")
    if owner is not None and owner != issuer_id:
        reasons.append(f"the key {key_id} is owned by {owner!r}, not the issuer {issuer_id!r}")
        return None
    pem = document.get("publicKeyPem")
    if not isinstance(pem, str):
        reasons.append(f"the key {key_id} has no publicKeyPem")
        return None
    try:
        key = load_pem_public_key(pem.encode("utf-8"))
    except (ValueError, TypeError) as error:
        reasons.append(f"the publicKeyPem of {key_id} is not a public key: {error}")
        return None
    if not isinstance(key, RSAPublicKey | EllipticCurvePublicKey):
        reasons.append(f"the key {key_id} is neither RSA nor EC")
        return None
    return key


# Revocation, dates, recipient


def _check_revocation_list(run: _Run, assertion: Mapping[str, Any]) -> None:
    if run.issuer is None:
        run.add(
            "revocation",
            "not_checked",
            "the issuer Profile is not available, so its revocation list is unknown",
        )
        return
    url = run.issuer.get("revocationList")
    if url is None:
        if run.verification_type == "hosted":
            run.add("revocation", "passed", "the hosted assertion is not marked revoked")
        else:
            run.add("revocation", "passed", "the issuer publishes no revocation list")
        return
    if not isinstance(url, str):
        run.add("revocation", "not_checked", "the issuer's revocationList is not a URL")
        return
    try:
        document = run.fetcher.get_json(url)
    except StandardsError as error:
        run.add(
            "revocation",
            "not_checked",
            f"the revocation list at {url} could not be fetched, so revocation is unknown: {error}",
        )
        return
    entries = document.get("revokedAssertions") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        run.add(
            "revocation",
            "not_checked",
            f"the document at {url} is not a RevocationList (no revokedAssertions list)",
        )
        return
    assertion_id = assertion.get("id")
    uid = assertion.get("uid")
    for entry in entries:
        entry_id: Any
        entry_uid: Any
        reason: Any
        if isinstance(entry, str):
            entry_id, entry_uid, reason = entry, None, None
        elif isinstance(entry, Mapping):
            entry_id, entry_uid = entry.get("id"), entry.get("uid")
            reason = entry.get("revocationReason")
            if entry.get("revoked") is False:
                continue
        else:
            continue
        if (assertion_id is not None and entry_id == assertion_id) or (
            uid is not None and entry_uid == uid
        ):
            run.revoked = True
            run.revocation_reason = reason if isinstance(reason, str) else None
            run.add(
                "revocation",
                "failed",
                _revoked_message(f"the issuer's revocation list {url} lists the assertion", reason),
            )
            return
    run.add("revocation", "passed", f"the assertion is not in the revocation list {url}")


def _check_dates(run: _Run, assertion: Mapping[str, Any]) -> None:
    issued_on = _parse_date(assertion.get("issuedOn"))
    if issued_on is None:
        if "issuedOn" in assertion:
            run.add("issued_on", "failed", "issuedOn is not an ISO 8601 date-time")
    elif issued_on > run.now:
        run.add("issued_on", "failed", f"the assertion is issued in the future ({_iso(issued_on)})")
    else:
        run.add("issued_on", "passed", f"issued on {_iso(issued_on)}")

    if "expires" not in assertion:
        run.add("expiry", "passed", "the assertion does not expire")
        return
    expires = _parse_date(assertion.get("expires"))
    if expires is None:
        run.add("expiry", "failed", "expires is not an ISO 8601 date-time")
    elif expires <= run.now:
        run.expired = True
        run.add("expiry", "failed", f"the assertion expired at {_iso(expires)}")
    else:
        run.add("expiry", "passed", f"the assertion is valid until {_iso(expires)}")


def _check_recipient(run: _Run, assertion: Mapping[str, Any], recipient: str | None) -> None:
    identity = assertion.get("recipient")
    if recipient is None:
        run.add("recipient", "not_checked", "no recipient was given to compare with")
        return
    if not isinstance(identity, Mapping):
        run.add("recipient", "failed", "the assertion has no recipient IdentityObject")
        return
    kind = identity.get("type", "email")
    if kind not in RECIPIENT_TYPES:
        run.add("recipient", "warning", f"the recipient type {kind!r} is not a known one")
    try:
        matches = recipient_matches(identity, recipient)
    except ValueError as error:
        run.add("recipient", "failed", f"the recipient identity cannot be compared: {error}")
        return
    if matches:
        run.add("recipient", "passed", f"the assertion was awarded to this {kind}")
    else:
        run.add("recipient", "failed", f"the assertion was not awarded to this {kind}")


def recipient_matches(identity: Mapping[str, Any], candidate: str) -> bool:
    """Whether ``candidate`` is the recipient an OB 2.0 IdentityObject describes.

    A hashed identity is ``sha256$<hex>`` or ``md5$<hex>`` (hex in either case) of the
    candidate followed by the ``salt`` (if any). A plain email identity is compared
    without regard to case; other plain identities exactly. Raises ValueError when the
    identity is hashed with an unknown algorithm or is not a string.
    """
    value = identity.get("identity")
    if not isinstance(value, str):
        raise ValueError("the identity is not a string")
    hashed = identity.get("hashed")
    looks_hashed = "$" in value and value.split("$", 1)[0].lower() in ("sha256", "md5")
    if hashed is True or (hashed is None and looks_hashed):
        algorithm, _, digest = value.partition("$")
        salt = identity.get("salt")
        salted = candidate + (salt if isinstance(salt, str) else "")
        name = algorithm.lower()
        if name not in ("sha256", "md5"):
            raise ValueError(f"the identity hash algorithm {algorithm!r} is not sha256 or md5")
        expected = hashlib.new(name, salted.encode("utf-8")).hexdigest()
        return hmac.compare_digest(expected, digest.lower())
    if identity.get("type", "email") == "email":
        return value.strip().lower() == candidate.strip().lower()
    return value == candidate


# Helpers


def _verification_type(assertion: Mapping[str, Any]) -> Literal["hosted", "signed"] | None:
    verification = assertion.get("verification", assertion.get("verify"))
    if not isinstance(verification, Mapping):
        return None
    types = _strings(verification.get("type"))
    if any(item in SIGNED_TYPES for item in types):
        return "signed"
    if any(item in HOSTED_TYPES for item in types):
        return "hosted"
    return None


def _type_text(assertion: Mapping[str, Any]) -> str:
    verification = assertion.get("verification", assertion.get("verify"))
    if isinstance(verification, Mapping) and verification.get("type") is not None:
        return repr(verification.get("type"))
    return "no"


def _hosted_url(assertion: Mapping[str, Any]) -> str | None:
    assertion_id = assertion.get("id")
    if isinstance(assertion_id, str) and _is_http_url(assertion_id):
        return assertion_id
    verify = assertion.get("verify", assertion.get("verification"))
    url = verify.get("url") if isinstance(verify, Mapping) else None
    return url if isinstance(url, str) and _is_http_url(url) else None


def _has_type(document: Mapping[str, Any], name: str) -> bool:
    return name in _strings(document.get("type"))


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str)]


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _revoked_message(text: str, reason: Any) -> str:
    return f"{text} (reason: {reason})" if isinstance(reason, str) and reason else text


def _parse_date(value: Any) -> datetime | None:
    """An OB 2.0 DateTime (ISO 8601 with a zone; none is read as UTC), or None."""
    if not isinstance(value, str) or "T" not in value:
        return None
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
