"""VC-JWT: the JSON Web Token Proof Format of Open Badges 3.0 §8.2.

Open Badges 3.0 (with VC Data Model 2.0) makes the JWT Payload the credential itself,
with the registered claims ``iss``, ``jti``, ``sub``, ``nbf`` and ``exp`` added beside
its members; VC Data Model 1.1 credentials put the credential in the ``vc`` claim
instead. 1EdTech's fixtures carry both forms (``ob30/simple-jwt.png`` is the first,
``ob30/simple.jwt`` and ``ob30/simple-jwt_v1.png`` the second), so both are read; the
signer writes the form that the credential's base context calls for.

The JOSE Header holds ``alg``, ``typ`` and either ``kid`` (a URI the verifier
dereferences through the ``resolve_key`` callable it passes) or ``jwk`` (the public key
itself, which proves the signature but not that the key is the issuer's).

Only EdDSA (Ed25519), ES256 (P-256) and RS256 (RSA of at least 2048 bits) are accepted:
``none`` and the HMAC algorithms are refused, since a shared secret proves nothing about
an issuer. The compact-JWS helpers (:func:`parse_compact_jws`,
:func:`verify_jws_signature`) are also used by Open Badges 2.0 signed assertions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

from credstack.standards.errors import JwtError, KeyFormatError, ProofGenerationError
from credstack.standards.jsonld.document_loader import CREDENTIALS_V1, CREDENTIALS_V2
from credstack.standards.keys import multikey

PublicKey = Ed25519PublicKey | EllipticCurvePublicKey | RSAPublicKey

#: The JWS algorithms a VC-JWT may use (OB 3.0 §8.2 requires RS256 as a minimum).
VC_JWT_ALGORITHMS: tuple[str, ...] = ("EdDSA", "ES256", "RS256")

#: Cap on the base64url JOSE Header. joserfc's default of 512 bytes is too small for the
#: 1EdTech baked fixtures, whose header embeds a 2048-bit RSA JWK (about 530 bytes).
MAX_HEADER_BYTES = 8 * 1024
#: Cap on the base64url JWT Payload: a CLR 2.0 credential can nest many credentials.
MAX_PAYLOAD_BYTES = 1024 * 1024
#: Cap on the base64url signature: an RSA-4096 signature is 683 characters.
MAX_SIGNATURE_BYTES = 1024

MIN_RSA_KEY_BITS = 2048

#: RFC 7519 §4.1 registered claim names; in the VC 2.0 form they sit beside the
#: credential's members and are not part of the credential.
REGISTERED_CLAIMS: tuple[str, ...] = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")

#: OB 3.0 §8.2 "Create the JOSE Header": additional JOSE Headers are not allowed.
JOSE_HEADER_MEMBERS = frozenset({"alg", "kid", "jwk", "typ"})

# "JWT" is what OB 3.0 §8.2 asks for; "vc+jwt" is the VC-JOSE-COSE media type.
_ACCEPTED_TYP = frozenset({"jwt", "vc+jwt", "application/jwt", "application/vc+jwt"})

_NOT_YET_VALID = "the credential is not valid before"
_EXPIRED = "the credential expired at"

# JWK members that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4).


class _VcJwtRegistry(JWSRegistry):
    """joserfc's JWS registry with credstack's size caps and algorithm allow-list.

    ``get_alg`` is overridden so that EdDSA, which joserfc marks deprecated in favour
    of RFC 9864's "Ed25519", is accepted without a warning: OB 3.0 and VC-JOSE-COSE
    implementations use "EdDSA".
    """

    max_header_length = MAX_HEADER_BYTES
    max_payload_length = MAX_PAYLOAD_BYTES
    max_signature_length = MAX_SIGNATURE_BYTES

    def get_alg(self, name: str) -> Any:
        if name not in VC_JWT_ALGORITHMS or name not in self.algorithms:
            raise JwtError(f"JWS algorithm {name!r} is not accepted")
        return self.algorithms[name]


_REGISTRY = _VcJwtRegistry(algorithms=list(VC_JWT_ALGORITHMS), strict_check_header=False)


@dataclass(frozen=True)
class CompactJws:
    """A parsed, not yet verified, JWS Compact Serialization."""

    header: dict[str, Any]
    payload: bytes
    signature_object: Any = field(repr=False)

    @property
    def algorithm(self) -> str:
        return str(self.header["alg"])


@dataclass
class JwtVerification:
    """The outcome of :func:`verify_vc_jwt`.

    ``valid_signature`` says whether the JWS signature holds with the key that was
    found; ``problems`` lists every other reason the credential is not valid (claims
    that disagree with the credential, header rules). The validity period against
    ``now`` is kept apart (``not_yet_valid``, ``expired``, ``validity_messages``) so a
    caller can tell an expired credential from a forged one. ``key_id`` is
    the ``kid`` the key was resolved from; when it is None the key came from the
    embedded ``jwk``, which proves the signature but not that the key is the issuer's.
    ``warnings`` are departures from OB 3.0 §8.2 that real issuers make and that do not
    touch what the signature proves (1EdTech's own baked fixtures omit ``sub``).
    """

    credential: dict[str, Any]
    header: dict[str, Any]
    key_id: str | None
    embedded_jwk: dict[str, Any] | None
    problems: list[str]
    valid_signature: bool
    claims: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    not_yet_valid: bool = False
    expired: bool = False
    validity_messages: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """Signature holds, claims agree, and ``now`` is within the validity period."""
        return (
            self.valid_signature
            and not self.problems
            and not self.expired
            and not self.not_yet_valid
        )


# Compact JWS (RFC 7515 §7.1), shared with Open Badges 2.0 signed assertions.


def parse_compact_jws(token: str, *, algorithms: tuple[str, ...] = VC_JWT_ALGORITHMS) -> CompactJws:
    """Split and decode a JWS Compact Serialization without verifying it.

    Precondition: ``token`` is a str. Raises JwtError when the token is not three
    base64url segments, a segment exceeds its cap, the header is not a JSON object,
    ``alg`` is missing, ``none``, an HMAC algorithm or not in ``algorithms``, the header
    has ``crit`` or ``b64`` (no extension is understood), or the payload is detached.
    """
    if not isinstance(token, str):
        raise TypeError("token must be a str")
    compact = token.strip()
    if compact.count(".") != 2:
        raise JwtError("not a JWS Compact Serialization: expected three base64url segments")
    header_segment, payload_segment, _ = compact.split(".")
    if len(header_segment) > MAX_HEADER_BYTES:
        raise JwtError(
            f"the JOSE Header is {len(header_segment)} bytes, above the {MAX_HEADER_BYTES}-byte cap"
        )
    if not payload_segment:
        raise JwtError("detached JWS payloads are not accepted")
    try:
        obj = jws.extract_compact(compact.encode("ascii"), registry=_REGISTRY)
    except UnicodeEncodeError as error:
        raise JwtError("a JWS Compact Serialization holds only ASCII characters") from error
    except JoseError as error:
        raise JwtError(f"malformed JWS: {error.description or error.error}") from error
    except (ValueError, TypeError) as error:
        raise JwtError(f"malformed JWS: {error}") from error
    header = obj.headers()
    if not isinstance(header, dict):
        raise JwtError("the JOSE Header is not a JSON object")
    _check_algorithm(header.get("alg"), algorithms)
    if "crit" in header:
        raise JwtError(
            f"the JOSE Header marks {header['crit']!r} critical; no extension is understood"
        )
    if "b64" in header:
        raise JwtError("the b64 header parameter (RFC 7797 unencoded payload) is not accepted")
    return CompactJws(header=dict(header), payload=obj.payload, signature_object=obj)


def verify_jws_signature(parsed: CompactJws, public_key: PublicKey) -> str | None:
    """Check the JWS signature of ``parsed`` with ``public_key`` (RFC 7515 §5.2).

    Returns None when it holds, otherwise the reason it does not (the key does not suit
    the algorithm, or the signature is wrong). Precondition: ``public_key`` is a
    ``cryptography`` Ed25519, EC or RSA public key.
    """
    mismatch = _key_algorithm_mismatch(parsed.algorithm, public_key)
    if mismatch:
        return mismatch
    key = _joserfc_key(public_key)
    try:
        holds = jws.validate_compact(parsed.signature_object, key, registry=_REGISTRY)
    except JoseError as error:
        return f"the signature could not be checked: {error.description or error.error}"
    return None if holds else "the JWS signature does not verify with the key"


def public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """Read a public JWK (RSA, EC P-256/P-384, OKP Ed25519) into a ``cryptography`` key.

    Raises JwtError when the JWK holds a private or symmetric member (OB 3.0 §8.2: the
    JWK MUST never contain ``d``) or is not a usable public key.
    """
    try:
        return multikey.public_key_from_jwk(jwk)
    except KeyFormatError as error:
        raise JwtError(f"the JWK in the token: {error.message}") from None


# VC-JWT signing (OB 3.0 §8.2 "Create the JOSE Header", "Create the JWT Payload").


def sign_vc_jwt(
    credential: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    *,
    kid: str,
    now: datetime | None = None,
) -> str:
    """Sign ``credential`` as a VC-JWT (compact JWS, ``alg: EdDSA``, ``typ: JWT``, ``kid``).

    A credential whose base context is VC 2.0 becomes the JWT Payload itself; a VC 1.1
    credential goes in the ``vc`` claim. ``iss`` = issuer id, ``jti`` = credential id,
    ``sub`` = credentialSubject.id (when the subject has one), ``nbf``/``exp`` =
    validFrom/validUntil (1.1: issuanceDate/expirationDate), ``iat`` = ``now`` (the
    current time when None). Any embedded proof must already be on the credential.

    Raises ProofGenerationError when the credential lacks what a required claim is
    made from (id, issuer id, validFrom), has a base context other than VC 1.1/2.0, or
    (VC 2.0) already has a member named like a registered claim. ``kid`` should be a
    URI that dereferences to the public key.
    """
    if not isinstance(credential, Mapping):
        raise TypeError("credential must be a mapping")
    if not isinstance(private_key, Ed25519PrivateKey):
        raise TypeError("private_key must be a cryptography Ed25519PrivateKey")
    if not isinstance(kid, str) or not kid:
        raise ValueError("kid must be a non-empty string")
    if now is not None and now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    issued_at = now or datetime.now(UTC)

    version = _vc_version(credential)
    if version is None:
        raise ProofGenerationError(
            "the credential's first @context must be the VC 2.0 or VC 1.1 base context"
        )
    issuer_id = _issuer_id(credential)
    if not issuer_id:
        raise ProofGenerationError("the credential has no issuer id for the iss claim")
    credential_id = credential.get("id")
    if not isinstance(credential_id, str) or not credential_id:
        raise ProofGenerationError("the credential has no id for the jti claim")
    start_name, end_name = _validity_names(version)
    valid_from = _parse_datetime(credential.get(start_name))
    if valid_from is None:
        raise ProofGenerationError(f"the credential needs a valid {start_name} for the nbf claim")

    claims: dict[str, Any] = {"iss": issuer_id, "jti": credential_id}
    subject_ids = _subject_ids(credential)
    if len(subject_ids) == 1:
        claims["sub"] = subject_ids[0]
    claims["nbf"] = math.floor(valid_from.timestamp())
    if end_name in credential:
        valid_until = _parse_datetime(credential.get(end_name))
        if valid_until is None:
            raise ProofGenerationError(f"the credential's {end_name} is not a valid date-time")
        claims["exp"] = math.floor(valid_until.timestamp())
    claims["iat"] = math.floor(issued_at.timestamp())

    if version == 2:
        clashing = [name for name in REGISTERED_CLAIMS if name in credential]
        if clashing:
            raise ProofGenerationError(
                f"the credential has members named like JWT claims: {', '.join(clashing)}"
            )
        payload: dict[str, Any] = {**credential, **claims}
    else:
        payload = {"vc": dict(credential), **claims}

    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    try:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ProofGenerationError(f"the credential is not JSON-serializable: {error}") from error
    key = OKPKey.import_key(private_key)
    return jws.serialize_compact(header, body.encode("utf-8"), key, registry=_REGISTRY)


# VC-JWT verification (OB 3.0 §8.2 "Verify a Credential").


@dataclass(frozen=True)
class DecodedVcJwt:
    """A VC-JWT decoded without checking its signature: for display and key lookup."""

    header: dict[str, Any]
    claims: dict[str, Any]
    credential: dict[str, Any]


def decode_vc_jwt(token: str) -> DecodedVcJwt:
    """Decode a VC-JWT WITHOUT verifying it. Raises JwtError when it is malformed."""
    parsed = parse_compact_jws(token)
    claims = _parse_json_object(parsed.payload, "JWT Payload")
    return DecodedVcJwt(parsed.header, claims, credential_from_claims(claims))


def credential_from_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The credential a JWT Payload carries: the ``vc`` claim (VC 1.1 form), else the
    payload without the registered claims (VC 2.0 form). Raises JwtError otherwise."""
    if "vc" in claims:
        vc = claims["vc"]
        if not isinstance(vc, dict):
            raise JwtError("the vc claim is not a JSON object")
        return dict(vc)
    credential = {name: value for name, value in claims.items() if name not in REGISTERED_CLAIMS}
    if "@context" not in credential and "type" not in credential:
        raise JwtError("the JWT Payload holds no credential (no vc claim, no @context or type)")
    return credential


def verify_vc_jwt(
    token: str,
    *,
    resolve_key: Callable[[str], Any],
    now: datetime,
) -> JwtVerification:
    """Verify a VC-JWT as OB 3.0 §8.2 "Verify a Credential" describes.

    1. Parse the compact JWS (JwtError when malformed, over a size cap, or its ``alg``
       is not EdDSA/ES256/RS256; ``none`` and HMAC are refused).
    2. Find the key: ``kid`` is passed to ``resolve_key``, which returns a
       ``cryptography`` public key or a public JWK mapping (errors it raises, such as
       DidResolutionError or FetchError, propagate unchanged so the caller can report
       "could not check"); otherwise the ``jwk`` header, which must be public
       (JwtError if it holds private members). Neither → JwtError.
    3. Check the signature (``valid_signature``).
    4. Decode the payload and take the credential from it.
    5. Check ``iss``/``jti``/``sub``/``nbf``/``exp`` against issuer.id, id,
       credentialSubject.id and the validity period, and the period against ``now``;
       each disagreement is a string in ``problems`` (a missing ``sub``, extra header
       parameters and a malformed ``iat`` go to ``warnings``); ``nbf`` in the future or
       ``exp``/validUntil past set ``not_yet_valid``/``expired``.

    Precondition: ``now`` is timezone-aware.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    parsed = parse_compact_jws(token)
    header = parsed.header
    claims = _parse_json_object(parsed.payload, "JWT Payload")
    credential = credential_from_claims(claims)
    problems: list[str] = []
    warnings: list[str] = []

    extra = sorted(set(header) - JOSE_HEADER_MEMBERS)
    if extra:
        warnings.append(
            f"the JOSE Header has parameters OB 3.0 §8.2 does not allow: {', '.join(extra)}"
        )
    typ = header.get("typ")
    if typ is not None and (not isinstance(typ, str) or typ.lower() not in _ACCEPTED_TYP):
        problems.append(f"the typ header is {typ!r}; it must be 'JWT' (or 'vc+jwt')")

    kid = header.get("kid")
    if kid is not None and (not isinstance(kid, str) or not kid):
        raise JwtError("the kid header parameter must be a non-empty string (a URI)")
    embedded_jwk: dict[str, Any] | None = None
    embedded_key: PublicKey | None = None
    if "jwk" in header:
        jwk = header["jwk"]
        if not isinstance(jwk, dict):
            raise JwtError("the jwk header parameter is not a JSON object")
        embedded_key = public_key_from_jwk(jwk)
        embedded_jwk = dict(jwk)
    if kid is None and embedded_key is None:
        raise JwtError("the JOSE Header has neither kid nor jwk: there is no key to verify with")

    if kid is not None:
        key = _as_public_key(resolve_key(kid), kid)
        if embedded_key is not None and not _same_key(key, embedded_key):
            problems.append(f"the embedded jwk is not the key that kid {kid!r} resolves to")
    else:
        assert embedded_key is not None
        key = embedded_key

    signature_problem = verify_jws_signature(parsed, key)
    if signature_problem:
        problems.append(signature_problem)

    validity: list[str] = []
    _check_claims(claims, credential, now, problems, warnings, validity)
    return JwtVerification(
        credential=credential,
        header=header,
        key_id=kid,
        embedded_jwk=embedded_jwk,
        problems=problems,
        valid_signature=signature_problem is None,
        claims=claims,
        warnings=warnings,
        not_yet_valid=any(message.startswith(_NOT_YET_VALID) for message in validity),
        expired=any(message.startswith(_EXPIRED) for message in validity),
        validity_messages=validity,
    )


# Helpers


def _check_algorithm(alg: Any, algorithms: tuple[str, ...]) -> None:
    if not isinstance(alg, str) or not alg:
        raise JwtError("the JOSE Header has no alg")
    if alg.lower() == "none":
        raise JwtError("unsecured JWTs (alg 'none') are refused")
    if alg.upper().startswith("HS"):
        raise JwtError(
            f"HMAC algorithm {alg!r} is refused: "
            "a shared secret cannot prove who issued a credential"
        )
    if alg not in algorithms:
        raise JwtError(f"JWS algorithm {alg!r} is not accepted; accepted: {', '.join(algorithms)}")


def _key_algorithm_mismatch(alg: str, key: PublicKey) -> str | None:
    if alg == "EdDSA" and not isinstance(key, Ed25519PublicKey):
        return "alg EdDSA needs an Ed25519 key"
    if alg == "ES256" and not (
        isinstance(key, EllipticCurvePublicKey) and isinstance(key.curve, SECP256R1)
    ):
        return "alg ES256 needs an EC P-256 key"
    if alg == "RS256":
        if not isinstance(key, RSAPublicKey):
            return "alg RS256 needs an RSA key"
        if key.key_size < MIN_RSA_KEY_BITS:
            return f"the RSA key has {key.key_size} bits; at least {MIN_RSA_KEY_BITS} are required"
    return None


def _joserfc_key(key: PublicKey) -> Any:
    if isinstance(key, Ed25519PublicKey):
        return OKPKey.import_key(key)
    if isinstance(key, EllipticCurvePublicKey):
        return ECKey.import_key(key)
    return RSAKey.import_key(key)


def _as_public_key(value: Any, kid: str) -> PublicKey:
    if isinstance(value, Ed25519PublicKey | EllipticCurvePublicKey | RSAPublicKey):
        return value
    if isinstance(value, Mapping):
        return public_key_from_jwk(value)
    raise TypeError(
        f"resolve_key({kid!r}) returned {type(value).__name__}; "
        "expected a cryptography public key or a public JWK mapping"
    )


def _same_key(first: PublicKey, second: PublicKey) -> bool:
    def der(key: PublicKey) -> bytes:
        return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)

    return der(first) == der(second)


def _parse_json_object(data: bytes, what: str) -> dict[str, Any]:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, value in pairs:
            if name in result:
                raise JwtError(f"the {what} has the member {name!r} twice")
            result[name] = value
        return result

    def no_constants(name: str) -> Any:
        raise JwtError(f"the {what} contains {name}, which is not JSON")

    try:
        value = json.loads(
            data.decode("utf-8"), object_pairs_hook=no_duplicates, parse_constant=no_constants
        )
    except UnicodeDecodeError as error:
        raise JwtError(f"the {what} is not UTF-8") from error
    except json.JSONDecodeError as error:
        raise JwtError(f"the {what} is not JSON: {error.msg} at position {error.pos}") from error
    except RecursionError as error:
        raise JwtError(f"the {what} is nested too deeply") from error
    if not isinstance(value, dict):
        raise JwtError(f"the {what} is not a JSON object")
    return value


def _vc_version(credential: Mapping[str, Any]) -> int | None:
    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first == CREDENTIALS_V2:
        return 2
    if first == CREDENTIALS_V1:
        return 1
    return None


def _validity_names(version: int | None) -> tuple[str, str]:
    return ("issuanceDate", "expirationDate") if version == 1 else ("validFrom", "validUntil")


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def _subject_ids(credential: Mapping[str, Any]) -> list[str]:
    subjects = credential.get("credentialSubject")
    items = subjects if isinstance(subjects, list) else [subjects]
    return [
        item["id"]
        for item in items
        if isinstance(item, Mapping) and isinstance(item.get("id"), str) and item["id"]
    ]


def _parse_datetime(value: Any) -> datetime | None:
    """An XML Schema dateTime as a UTC datetime; no time zone is read as UTC."""
    if not isinstance(value, str) or "T" not in value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    date_part, _, time_part = text.partition("T")
    # fromisoformat takes at most 6 fraction digits; extra precision is below a second.
    for sign in ("+", "-"):
        clock, separator, zone = time_part.partition(sign)
        if separator:
            break
    else:
        clock, zone = time_part, ""
    if "." in clock:
        whole, fraction = clock.split(".", 1)
        clock = f"{whole}.{fraction[:6]}"
    rebuilt = f"{date_part}T{clock}{sign + zone if zone else ''}"
    try:
        parsed = datetime.fromisoformat(rebuilt)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _numeric_date(claims: Mapping[str, Any], name: str, problems: list[str]) -> float | None:
    if name not in claims:
        return None
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(f"the {name} claim is not a NumericDate")
        return None
    return float(value)


def _format(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_claims(
    claims: Mapping[str, Any],
    credential: Mapping[str, Any],
    now: datetime,
    problems: list[str],
    warnings: list[str],
    validity: list[str],
) -> None:
    issuer_id = _issuer_id(credential)
    if "iss" not in claims:
        problems.append("the iss claim is missing")
    elif claims["iss"] != issuer_id:
        problems.append(f"the iss claim {claims['iss']!r} is not the issuer id {issuer_id!r}")

    credential_id = credential.get("id")
    if "jti" not in claims:
        problems.append("the jti claim is missing")
    elif claims["jti"] != credential_id:
        problems.append(
            f"the jti claim {claims['jti']!r} is not the credential id {credential_id!r}"
        )

    subject_ids = _subject_ids(credential)
    if "sub" in claims:
        if claims["sub"] not in subject_ids:
            problems.append(
                f"the sub claim {claims['sub']!r} is not the credentialSubject id "
                f"{subject_ids[0] if len(subject_ids) == 1 else subject_ids!r}"
            )
    elif subject_ids:
        warnings.append("the sub claim is missing although the credentialSubject has an id")

    start_name, end_name = _validity_names(_vc_version(credential))
    if start_name not in credential and "validFrom" in credential:
        start_name, end_name = "validFrom", "validUntil"
    now_ts = now.timestamp()

    nbf = _numeric_date(claims, "nbf", problems)
    valid_from = _parse_datetime(credential.get(start_name))
    if "nbf" not in claims:
        problems.append("the nbf claim is missing")
    elif nbf is not None:
        if valid_from is None:
            problems.append(f"the nbf claim has no valid {start_name} in the credential to match")
        elif math.floor(nbf) != math.floor(valid_from.timestamp()):
            problems.append(
                f"the nbf claim ({_format(nbf)}) is not the credential's {start_name} "
                f"({credential.get(start_name)})"
            )
        if nbf > now_ts:
            validity.append(f"{_NOT_YET_VALID} {_format(nbf)}")

    exp = _numeric_date(claims, "exp", problems)
    valid_until = _parse_datetime(credential.get(end_name))
    if end_name in credential and valid_until is None:
        problems.append(f"the credential's {end_name} is not a valid date-time")
    if exp is None and valid_until is not None and "exp" not in claims:
        problems.append(f"the exp claim is missing although the credential has {end_name}")
    if (
        exp is not None
        and valid_until is not None
        and math.floor(exp) != math.floor(valid_until.timestamp())
    ):
        problems.append(
            f"the exp claim ({_format(exp)}) is not the credential's {end_name} "
            f"({credential.get(end_name)})"
        )
    ends = [t for t in (exp, valid_until.timestamp() if valid_until else None) if t is not None]
    if ends and now_ts >= min(ends):
        validity.append(f"{_EXPIRED} {_format(min(ends))}")

    if "iat" in claims:
        _numeric_date(claims, "iat", warnings)
