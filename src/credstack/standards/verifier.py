"""The verification pipeline: one entry point for every form a credential comes in.

``verify()`` takes a JSON credential (object or text), a VC-JWT, a baked PNG or SVG, an
Open Badges 2.0 assertion (object, URL or signed JWS) or a URL, detects the format and
runs the checks in order: format, data model, proof, issuer binding, status, validity
period, recipient (when one is given) and endorsements. Every problem becomes a check
in the report; nothing raises to the caller.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from credstack.standards.baking.png import PNG_SIGNATURE, unbake_png
from credstack.standards.baking.svg import unbake_svg
from credstack.standards.dataintegrity.proofs import ProofResult, proofs_of, verify_proofs
from credstack.standards.errors import (
    BakingError,
    DocumentLoadingError,
    FetchError,
    JwtError,
    StandardsError,
)
from credstack.standards.fetch import Fetcher, HttpFetcher
from credstack.standards.keys.verification_method import (
    ResolvedVerificationMethod,
    check_issuer_binding,
    resolve_verification_method,
)
from credstack.standards.ob2.verification import verify_ob2_assertion
from credstack.standards.report import Check, Outcome, Verdict, VerificationReport
from credstack.standards.status.status_list import check_status
from credstack.standards.vc.data_model import validate_credential, validity_period
from credstack.standards.vc.identity import identity_matches
from credstack.standards.vc.jwt import decode_vc_jwt, verify_vc_jwt

MAX_INPUT_BYTES = 10 * 1024 * 1024
MAX_JSON_DEPTH = 64
MAX_URL_HOPS = 2
COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
OB2_CONTEXTS = {"https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json"}


class InputFormatError(StandardsError):
    code = "PARSING_ERROR"


@dataclass
class _Context:
    fetcher: Fetcher
    now: datetime
    recipient: str | None
    methods: dict[str, ResolvedVerificationMethod] = field(default_factory=dict)

    def resolve(self, method_id: str) -> ResolvedVerificationMethod:
        if method_id not in self.methods:
            self.methods[method_id] = resolve_verification_method(method_id, fetcher=self.fetcher)
        return self.methods[method_id]


def verify(
    source: Mapping[str, Any] | str | bytes,
    *,
    fetcher: Fetcher | None = None,
    now: datetime | None = None,
    recipient: str | None = None,
) -> VerificationReport:
    """Verify a credential in any supported form and return the report.

    ``fetcher`` is the only way to the network (default: an HttpFetcher that refuses
    private addresses; pass ``OfflineFetcher()`` to stay offline). ``now`` pins the
    clock. ``recipient`` is an email address or identifier the credential must name.
    """
    context = _Context(fetcher or HttpFetcher(), now or datetime.now(UTC), recipient)
    return _verify_source(source, context, hops=0)


def _verify_source(
    source: Mapping[str, Any] | str | bytes, context: _Context, *, hops: int
) -> VerificationReport:
    try:
        kind, payload, label = _detect(source)
    except StandardsError as error:
        return _report("unknown", [Check("format", Outcome.FAILED, error.message)])
    if kind == "url":
        if hops >= MAX_URL_HOPS:
            return _report(label, [Check("format", Outcome.FAILED, "too many nested URLs")])
        try:
            data = context.fetcher.get_bytes(payload, max_bytes=MAX_INPUT_BYTES)
        except FetchError as error:
            message = f"could not fetch {payload}: {error.message}"
            return _report(label, [Check("format", Outcome.NOT_CHECKED, message)])
        fetched = _verify_source(data, context, hops=hops + 1)
        if fetched.format == "ob2-assertion":  # hosted OB 2.0 is verified at its URL
            return _verify_ob2(payload, context, "ob2-hosted")
        return fetched
    if kind == "ob2":
        return _verify_ob2(payload, context, label)
    if kind == "jwt":
        return _verify_jwt(payload, context, label)
    return _verify_data_integrity(payload, context, label)


# Format detection ---------------------------------------------------------------------


def _detect(source: Mapping[str, Any] | str | bytes) -> tuple[str, Any, str]:
    """(kind, payload, format label); kind is one of json, jwt, ob2, url."""
    if isinstance(source, Mapping):
        return _classify_json(dict(source), "json")
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        if len(data) > MAX_INPUT_BYTES:
            raise InputFormatError(f"input is larger than {MAX_INPUT_BYTES // 1024 // 1024} MiB")
        if data.startswith(PNG_SIGNATURE):
            return _unbaked(_unbake(unbake_png, data), "png")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputFormatError(
                "input is neither a PNG image nor UTF-8 text (JSON, JWT, SVG or URL)"
            ) from None
        return _detect(text)
    if not isinstance(source, str):
        raise InputFormatError(f"cannot verify a {type(source).__name__}")
    text = source.strip().lstrip("\ufeff")
    if len(text) > MAX_INPUT_BYTES:
        raise InputFormatError("input is too large")
    if not text:
        raise InputFormatError("input is empty")
    if text.startswith(("{", "[")):
        return _classify_json(_parse_json(text), "json")
    if text.startswith("<"):
        return _unbaked(_unbake(unbake_svg, text.encode("utf-8")), "svg")
    if COMPACT_JWS.match(text):
        return _classify_jws(text, "jwt")
    if re.match(r"^https?://\S+$", text):
        return ("url", text, "url")
    raise InputFormatError(
        "input is not a credential: expected JSON, a VC-JWT, a baked PNG or SVG, or a URL"
    )


def _unbake(unbaker: Any, data: bytes) -> Any:
    try:
        return unbaker(data)
    except BakingError:
        raise
    except (ValueError, RecursionError) as error:
        raise InputFormatError(f"the image could not be read: {error}") from None


def _unbaked(baked: Any, image: str) -> tuple[str, Any, str]:
    payload = baked.payload
    if baked.kind == "ob3-json":
        data = payload if isinstance(payload, Mapping) else _parse_json(str(payload))
        return _classify_json(dict(data), f"baked-{image}")
    if baked.kind == "ob3-jwt":
        return ("jwt", payload, f"baked-{image}-jwt")
    if baked.kind == "ob2-url":
        return ("url", payload, f"baked-{image}-ob2")
    if baked.kind == "ob2-jws":
        return ("ob2", payload, f"baked-{image}-ob2")
    data = payload if isinstance(payload, Mapping) else _parse_json(str(payload))
    return ("ob2", dict(data), f"baked-{image}-ob2")


def _parse_json(text: str) -> Any:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputFormatError(
            f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise InputFormatError("JSON is nested too deeply") from None
    _check_depth(value)
    return value


def _check_depth(value: Any) -> None:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InputFormatError(f"JSON is nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def _classify_json(document: Any, label: str) -> tuple[str, Any, str]:
    if not isinstance(document, dict):
        raise InputFormatError("a credential must be a JSON object")
    _check_depth(document)
    contexts = document.get("@context")
    context_list = contexts if isinstance(contexts, list) else [contexts]
    if any(c in OB2_CONTEXTS for c in context_list if isinstance(c, str)) or (
        document.get("type") == "Assertion"
    ):
        return ("ob2", document, "ob2-assertion")
    return ("json", document, label)


def _classify_jws(token: str, label: str) -> tuple[str, Any, str]:
    try:
        body = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise InputFormatError("the token's payload is not base64url-encoded JSON") from None
    if isinstance(claims, dict) and "vc" not in claims and "badge" in claims:
        return ("ob2", token, "ob2-signed")
    return ("jwt", token, label)


# Open Badges 3.0 / CLR 2.0 with Data Integrity proofs ----------------------------------


def _verify_data_integrity(
    credential: dict[str, Any], context: _Context, label: str
) -> VerificationReport:
    checks = [Check("format", Outcome.PASSED, _format_message(credential, "Data Integrity"))]
    checks.append(_data_model_check(credential))
    results = verify_proofs(credential, lambda vm: _public_key(context, vm))
    proof_check, verified_method = _proof_check(credential, results)
    checks.append(proof_check)
    checks.append(_binding_check(credential, verified_method, context))
    checks.extend(_common_checks(credential, context))
    return _report(label, checks, credential)


def _public_key(context: _Context, method_id: str) -> Any:
    return context.resolve(method_id).public_key


def _proof_check(
    credential: Mapping[str, Any], results: list[ProofResult]
) -> tuple[Check, str | None]:
    if not proofs_of(credential):
        return Check("proof", Outcome.FAILED, "the credential has no proof: it is not signed"), None
    details = {"proofs": [_proof_detail(r) for r in results]}
    verified = [r for r in results if r.outcome == "verified"]
    if verified:
        others = [r for r in results if r.outcome != "verified"]
        outcome = Outcome.WARNING if others else Outcome.PASSED
        message = verified[0].message
        if others:
            message += f"; {len(others)} other proof(s) not verified (see details)"
        return Check("proof", outcome, message, details), verified[0].verification_method
    failed = [r for r in results if r.outcome == "failed"]
    if not failed:
        return (
            Check("proof", Outcome.NOT_CHECKED, "no proof uses a supported suite", details),
            None,
        )
    if all(_cannot_check(r.code, r.verification_method) for r in failed):
        return Check("proof", Outcome.NOT_CHECKED, failed[0].message, details), None
    return Check("proof", Outcome.FAILED, failed[0].message, details), None


# Why a key could not be had decides between "invalid" and "could not check": a document
# that could not be fetched, a context or DID method credstack does not know, proves
# nothing against the credential. did:example is the DID specification's reserved
# example method: it never names a real key, so a proof that uses it is invalid.
UNCHECKABLE_CODES = frozenset(
    {
        "FETCH_ERROR",
        "FETCH_BLOCKED",
        "FETCH_OFFLINE",
        "FETCH_TOO_LARGE",
        "FETCH_TIMEOUT",
        "FETCH_STATUS",
        "FETCH_NOT_JSON",
        "notFound",
        "methodNotSupported",
        DocumentLoadingError.code,
    }
)


def _cannot_check(code: str | None, method_id: str | None) -> bool:
    if code not in UNCHECKABLE_CODES:
        return False
    return not (code == "methodNotSupported" and (method_id or "").startswith("did:example:"))


def _proof_detail(result: ProofResult) -> dict[str, Any]:
    return {
        "suite": result.suite,
        "verificationMethod": result.verification_method,
        "outcome": result.outcome,
        "message": result.message,
        **({"code": result.code} if result.code else {}),
    }


def _binding_check(
    credential: Mapping[str, Any], method_id: str | None, context: _Context
) -> Check:
    if method_id is None:
        return Check("issuer_binding", Outcome.NOT_CHECKED, "no verified proof to bind")
    issuer_id = _issuer_id(credential)
    if issuer_id is None:
        return Check("issuer_binding", Outcome.FAILED, "the credential names no issuer")
    try:
        binding = check_issuer_binding(
            issuer_id, context.resolve(method_id), fetcher=context.fetcher
        )
    except StandardsError as error:
        return Check("issuer_binding", Outcome.NOT_CHECKED, error.message)
    outcome = {
        "confirmed": Outcome.PASSED,
        "not_confirmed": Outcome.NOT_CHECKED,
        "failed": Outcome.FAILED,
    }[binding.status]
    return Check("issuer_binding", outcome, binding.message, {"status": binding.status})


# VC-JWT ----------------------------------------------------------------------------------


def _verify_jwt(token: str, context: _Context, label: str) -> VerificationReport:
    try:
        decoded = decode_vc_jwt(token)
    except JwtError as error:
        return _report(label, [Check("format", Outcome.FAILED, error.message)])
    credential = decoded.credential
    checks = [Check("format", Outcome.PASSED, _format_message(credential, "VC-JWT"))]
    checks.append(_data_model_check(credential))
    kid = decoded.header.get("kid")
    try:
        result = verify_vc_jwt(
            token, resolve_key=lambda kid: _public_key(context, kid), now=context.now
        )
    except JwtError as error:
        if kid is None and "jwk" not in decoded.header:
            message = (
                "the token names no key (neither kid nor jwk in its header), so its "
                "signature cannot be checked"
            )
            checks.append(Check("proof", Outcome.NOT_CHECKED, message))
        else:
            checks.append(Check("proof", Outcome.FAILED, error.message))
        result = None
    except StandardsError as error:
        outcome = Outcome.NOT_CHECKED if _cannot_check(error.code, kid) else Outcome.FAILED
        checks.append(Check("proof", outcome, error.message))
        result = None
    if result is not None:
        signature_problems = [p for p in result.problems]
        if result.valid_signature and not signature_problems:
            algorithm = result.header.get("alg")
            checks.append(Check("proof", Outcome.PASSED, f"JWS signature ({algorithm}) verified"))
        else:
            message = "; ".join(signature_problems) or "the JWS signature does not verify"
            checks.append(Check("proof", Outcome.FAILED, message))
    verified = result is not None and result.valid_signature and not result.problems
    if not verified:
        checks.append(Check("issuer_binding", Outcome.NOT_CHECKED, "no verified signature to bind"))
    elif result is not None and result.key_id is not None and result.embedded_jwk is None:
        checks.append(_binding_check(credential, result.key_id, context))
    else:
        message = "the signing key was embedded in the token itself; nothing ties it to the issuer"
        checks.append(Check("issuer_binding", Outcome.NOT_CHECKED, message))
    checks.extend(_common_checks(credential, context))
    return _report(label, checks, credential)


# Checks common to both proof formats ------------------------------------------------------


def _data_model_check(credential: Mapping[str, Any]) -> Check:
    problems = validate_credential(credential)
    if not problems:
        return Check("data_model", Outcome.PASSED, "conforms to its data model")
    listed = [{"path": p.path, "message": p.message} for p in problems]
    first = problems[0]
    message = f"{first.path}: {first.message}"
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more)"
    return Check("data_model", Outcome.FAILED, message, {"problems": listed})


def _common_checks(credential: Mapping[str, Any], context: _Context) -> list[Check]:
    checks = [_status_check(credential, context), _validity_check(credential, context.now)]
    if context.recipient is not None:
        checks.append(_recipient_check(credential, context.recipient))
    checks.append(_endorsements_check(credential, context))
    return checks


class _VerifiedStatusLists:
    """Status lists whose proof verified lately, so the credentials pointing at one list
    (every credential of an issuer's batch, every request of a busy verifier) do not
    canonicalize and verify it again: about a fifth of a whole verification.

    A list is remembered by the SHA-256 of its exact JSON together with the verification
    method of its proof and the public key that method resolves to *now* (resolution runs
    every time, through the fetcher of the call), so a changed list, another key or a key
    that no longer resolves is never taken for verified. Entries last ``ttl`` seconds (the
    time a fetched list may be cached anyway) and at most ``size`` are kept.
    """

    def __init__(self, *, size: int = 256, ttl: float = 60.0) -> None:
        self.size = size
        self.ttl = ttl
        self._entries: OrderedDict[tuple[bytes, str, bytes], float] = OrderedDict()
        self._lock = threading.Lock()

    def key(
        self, list_credential: Mapping[str, Any], context: _Context
    ) -> tuple[bytes, str, bytes] | None:
        proofs = proofs_of(list_credential)
        method = proofs[0].get("verificationMethod") if len(proofs) == 1 else None
        if not isinstance(method, str):
            return None
        try:
            public_key = _public_key(context, method).public_bytes_raw()
            text = json.dumps(
                list_credential, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            )
        except Exception:  # unresolvable key or odd JSON: the full verification decides
            return None
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
        return digest, method, public_key

    def holds(self, key: tuple[bytes, str, bytes]) -> bool:
        with self._lock:
            expires = self._entries.get(key)
            if expires is None:
                return False
            if expires < time.monotonic():
                del self._entries[key]
                return False
            self._entries.move_to_end(key)
            return True

    def remember(self, key: tuple[bytes, str, bytes]) -> None:
        with self._lock:
            self._entries[key] = time.monotonic() + self.ttl
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget_all(self) -> None:
        with self._lock:
            self._entries.clear()


_VERIFIED_STATUS_LISTS = _VerifiedStatusLists()


def _status_check(credential: Mapping[str, Any], context: _Context) -> Check:
    status = credential.get("credentialStatus")
    if status is None:
        return Check("status", Outcome.PASSED, "the credential has no status entry to check")
    entries = status if isinstance(status, list) else [status]
    issuer_id = _issuer_id(credential)

    def verify_status_list(list_credential: Mapping[str, Any]) -> bool:
        if _issuer_id(list_credential) != issuer_id:
            return False
        remembered = _VERIFIED_STATUS_LISTS.key(list_credential, context)
        if remembered is not None and _VERIFIED_STATUS_LISTS.holds(remembered):
            return True
        results = verify_proofs(list_credential, lambda vm: _public_key(context, vm))
        verified = any(r.outcome == "verified" for r in results)
        if verified and remembered is not None:
            _VERIFIED_STATUS_LISTS.remember(remembered)
        return verified

    outcomes = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            return Check("status", Outcome.FAILED, "credentialStatus must be an object")
        outcomes.append(
            check_status(
                entry,
                fetch_status_list=context.fetcher.get_json,
                verify_status_list=verify_status_list,
                now=context.now,
            )
        )
    details = {
        "entries": [
            {
                "purpose": o.purpose,
                "outcome": o.outcome,
                "message": o.message,
                "warnings": o.warnings,
            }
            for o in outcomes
        ]
    }
    for purpose in ("revocation", "suspension"):
        hit = next((o for o in outcomes if o.purpose == purpose and o.outcome == "set"), None)
        if hit is not None:
            return Check("status", Outcome.FAILED, hit.message, {**details, "status": purpose})
    unknown = next((o for o in outcomes if o.outcome == "could_not_check"), None)
    if unknown is not None:
        return Check("status", Outcome.NOT_CHECKED, unknown.message, details)
    warnings = [w for o in outcomes for w in o.warnings]
    if warnings:
        return Check("status", Outcome.WARNING, "; ".join(warnings), details)
    return Check("status", Outcome.PASSED, "not revoked or suspended", details)


def _validity_check(credential: Mapping[str, Any], now: datetime) -> Check:
    try:
        valid_from, valid_until = validity_period(credential)
    except (StandardsError, ValueError) as error:
        return Check("validity_period", Outcome.FAILED, str(error))
    if valid_from is not None and now < valid_from:
        return Check(
            "validity_period",
            Outcome.FAILED,
            f"not valid before {valid_from.isoformat()}",
            {"status": "not_yet_valid"},
        )
    if valid_until is not None and now >= valid_until:
        return Check(
            "validity_period",
            Outcome.FAILED,
            f"expired on {valid_until.isoformat()}",
            {"status": "expired"},
        )
    if valid_until is None:
        return Check("validity_period", Outcome.PASSED, "valid, with no expiry date")
    return Check("validity_period", Outcome.PASSED, f"valid until {valid_until.isoformat()}")


def _recipient_check(credential: Mapping[str, Any], recipient: str) -> Check:
    subjects = credential.get("credentialSubject")
    subject_list = subjects if isinstance(subjects, list) else [subjects]
    wanted = recipient.strip()
    identities: list[Mapping[str, Any]] = []
    for subject in subject_list:
        if not isinstance(subject, Mapping):
            continue
        subject_id = subject.get("id")
        if isinstance(subject_id, str) and subject_id.lower() in {
            wanted.lower(),
            f"mailto:{wanted.lower()}",
        }:
            return Check("recipient", Outcome.PASSED, f"issued to {wanted}")
        identifier = subject.get("identifier")
        identities.extend(
            i
            for i in (identifier if isinstance(identifier, list) else [identifier])
            if isinstance(i, Mapping)
        )
    if not identities:
        return Check(
            "recipient",
            Outcome.NOT_CHECKED,
            "the credential carries no identifier to compare the recipient with",
        )
    try:
        matched = any(identity_matches(i, wanted) for i in identities)
    except StandardsError as error:
        return Check("recipient", Outcome.FAILED, f"the credential's identifier: {error.message}")
    if matched:
        return Check("recipient", Outcome.PASSED, f"issued to {wanted}")
    return Check("recipient", Outcome.FAILED, f"the credential was not issued to {wanted}")


def _endorsements_check(credential: Mapping[str, Any], context: _Context) -> Check:
    endorsements = list(_embedded_endorsements(credential))
    if not endorsements:
        return Check("endorsements", Outcome.PASSED, "no endorsements to check")
    sub_context = _Context(context.fetcher, context.now, None, context.methods)
    verdicts = []
    for endorsement in endorsements:
        if isinstance(endorsement, str):
            report = _verify_jwt(endorsement, sub_context, "jwt")
        else:
            report = _verify_data_integrity(dict(endorsement), sub_context, "json")
        verdicts.append({"issuer": report.issuer, "verdict": report.verdict.value})
    valid = sum(1 for v in verdicts if v["verdict"] == Verdict.VALID)
    details = {"endorsements": verdicts}
    if valid == len(verdicts):
        return Check("endorsements", Outcome.PASSED, f"{valid} endorsement(s) verified", details)
    return Check(
        "endorsements",
        Outcome.WARNING,
        f"{len(verdicts) - valid} of {len(verdicts)} endorsement(s) could not be verified",
        details,
    )


def _embedded_endorsements(credential: Mapping[str, Any]) -> list[Any]:
    holders: list[Any] = [credential, credential.get("issuer")]
    subject = credential.get("credentialSubject")
    if isinstance(subject, Mapping):
        holders.append(subject.get("achievement"))
    found: list[Any] = []
    for holder in holders:
        if not isinstance(holder, Mapping):
            continue
        for key in ("endorsement", "endorsementJwt"):
            value = holder.get(key)
            if value is None:
                continue
            found.extend(
                v
                for v in (value if isinstance(value, list) else [value])
                if isinstance(v, Mapping | str)
            )
    return found


# Open Badges 2.0 --------------------------------------------------------------------------


def _verify_ob2(source: Any, context: _Context, label: str) -> VerificationReport:
    result = verify_ob2_assertion(
        source, fetcher=context.fetcher, now=context.now, recipient=context.recipient
    )
    checks = [Check("format", Outcome.PASSED, "an Open Badges 2.0 assertion")]
    for ob2_check in result.checks:
        checks.append(Check(ob2_check.name, Outcome(ob2_check.outcome), ob2_check.message))
    if result.revoked:
        verdict = Verdict.REVOKED
    elif any(c.outcome is Outcome.FAILED for c in checks if c.name != "expiry"):
        verdict = Verdict.INVALID
    elif result.expired:
        verdict = Verdict.EXPIRED
    elif result.valid:
        verdict = Verdict.VALID
    else:
        verdict = Verdict.COULD_NOT_CHECK
    issuer = result.issuer if isinstance(result.issuer, dict) else None
    summary = {"id": issuer.get("id"), "name": issuer.get("name")} if issuer else None
    return VerificationReport(label, checks, verdict, result.assertion, summary)


# Verdict ---------------------------------------------------------------------------------


def _report(
    label: str, checks: list[Check], credential: dict[str, Any] | None = None
) -> VerificationReport:
    return VerificationReport(
        label, checks, _verdict(checks), credential, _issuer_summary(credential)
    )


def _verdict(checks: list[Check]) -> Verdict:
    """The overall verdict, in order of what matters most to a relying party.

    1. invalid: the input cannot be read, the signature fails, the key is someone
       else's, or the credential names another recipient;
    2. revoked or suspended, then expired or not yet valid: facts the issuer signed or
       published about a credential whose signature holds;
    3. invalid: it does not conform to its data model (every problem is in the report);
    4. could not check: something needed to decide could not be checked;
    5. valid.
    """
    by_name = {c.name: c for c in checks}
    failed = {c.name for c in checks if c.outcome is Outcome.FAILED}
    if failed & {"format", "proof", "issuer_binding", "recipient"}:
        return Verdict.INVALID
    if "status" in failed:
        status = by_name["status"].details.get("status")
        return Verdict.SUSPENDED if status == "suspension" else Verdict.REVOKED
    if "validity_period" in failed:
        kind = by_name["validity_period"].details.get("status")
        if kind == "expired":
            return Verdict.EXPIRED
        if kind == "not_yet_valid":
            return Verdict.NOT_YET_VALID
        return Verdict.INVALID
    if failed:
        return Verdict.INVALID
    if any(c.outcome is Outcome.NOT_CHECKED for c in checks):
        return Verdict.COULD_NOT_CHECK
    return Verdict.VALID


def _issuer_id(credential: Mapping[str, Any] | None) -> str | None:
    if credential is None:
        return None
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def _issuer_summary(credential: Mapping[str, Any] | None) -> dict[str, Any] | None:
    issuer_id = _issuer_id(credential)
    if credential is None or issuer_id is None:
        return None
    issuer = credential.get("issuer")
    name = issuer.get("name") if isinstance(issuer, Mapping) else None
    return {"id": issuer_id, "name": name if isinstance(name, str) else None}


def _format_message(credential: Mapping[str, Any], securing: str) -> str:
    types = credential.get("type")
    type_list = types if isinstance(types, list) else [types]
    specific = [t for t in type_list if isinstance(t, str) and t != "VerifiableCredential"]
    kind = specific[0] if specific else "VerifiableCredential"
    return f"{kind}, secured with {securing}"
