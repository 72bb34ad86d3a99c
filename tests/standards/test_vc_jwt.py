"""VC-JWT (Open Badges 3.0 §8.2): signing, verification and the 1EdTech JWT fixtures.

Fixtures: 1EdTech digital-credentials-public-validator test resources (see
fixtures/1edtech-validator/SOURCE.txt): ob30/simple-jwt{,_v1}.{png,svg} (baked VC-JWTs
with an embedded RSA JWK), clr20/simple.jwt (embedded JWK, nested VC-JWTs),
ob30/simple.jwt (no kid and no jwk) and ob30/velocity.jwt (a did:velocity kid).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import struct
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credstack.standards.errors import (
    DidResolutionError,
    JwtError,
    ProofGenerationError,
)
from credstack.standards.vc.jwt import (
    MAX_HEADER_BYTES,
    decode_vc_jwt,
    public_key_from_jwk,
    sign_vc_jwt,
    verify_vc_jwt,
)
from tests.shared_data import fixture_path

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
KID = "https://issuer.example/keys/1"

ED25519_KEY = ed25519.Ed25519PrivateKey.generate()
P256_KEY = ec.generate_private_key(ec.SECP256R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_jws(header: dict[str, Any], payload: Any, key: Any = ED25519_KEY) -> str:
    """A compact JWS built with cryptography alone, independent of joserfc."""
    raw_payload = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(raw_payload)}".encode()
    alg = header.get("alg")
    if alg == "EdDSA":
        signature = key.sign(signing_input)
    elif alg == "ES256":
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    elif alg == "RS256":
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    elif alg == "HS256":
        signature = hmac.new(key, signing_input, hashlib.sha256).digest()
    else:
        signature = b""
    return f"{signing_input.decode()}.{b64url(signature)}"


def credential_v2(**changes: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:2f8b5c8e-7d1a-4f0e-9a51-0c3d8f3b9e11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://issuer.example/profile", "type": ["Profile"], "name": "Uni A"},
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "name": "Teamwork — Gruppenarbeit",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "criteria": {"narrative": "Works well in a team."},
            },
        },
    }
    credential.update(changes)
    return credential


def credential_v1() -> dict[str, Any]:
    credential = credential_v2()
    credential["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    credential["issuanceDate"] = credential.pop("validFrom")
    credential["expirationDate"] = credential.pop("validUntil")
    return credential


def claims_for(credential: dict[str, Any]) -> dict[str, Any]:
    return {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()),
        "exp": int(datetime(2030, 1, 1, tzinfo=UTC).timestamp()),
    }


def resolver(mapping: dict[str, Any]) -> Any:
    def resolve(kid: str) -> Any:
        if kid not in mapping:
            raise DidResolutionError(f"cannot resolve {kid}")
        return mapping[kid]

    return resolve


ED25519_RESOLVER = resolver({KID: ED25519_KEY.public_key()})


# The 1EdTech fixtures


def png_credential_text(name: str) -> str:
    data = fixture_path("ob30", name).read_bytes()
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunk_type = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if chunk_type == b"iTXt" and body.startswith(b"openbadgecredential\x00"):
            # keyword NUL compression-flag compression-method language NUL translated NUL text
            return body.split(b"\x00", 5)[5].decode("utf-8")
        position += 12 + length
    raise AssertionError(f"{name} has no openbadgecredential chunk")


def svg_credential_text(name: str) -> str:
    text = fixture_path("ob30", name).read_text("utf-8")
    match = re.search(r'<openbadges:credential verify="([^"]+)"', text)
    assert match, f"{name} has no openbadges:credential verify attribute"
    return match.group(1)


BAKED_JWTS = {
    "simple-jwt.png": lambda: png_credential_text("simple-jwt.png"),
    "simple-jwt_v1.png": lambda: png_credential_text("simple-jwt_v1.png"),
    "simple-jwt.svg": lambda: svg_credential_text("simple-jwt.svg"),
    "simple-jwt_v1.svg": lambda: svg_credential_text("simple-jwt_v1.svg"),
}


def no_resolution(kid: str) -> Any:
    raise DidResolutionError(f"no resolver in this test for {kid}")


@pytest.mark.parametrize("name", sorted(BAKED_JWTS))
def test_it_verifies_the_1edtech_baked_jwts_with_their_embedded_jwk(name: str) -> None:
    token = BAKED_JWTS[name]()
    encoded_header = token.split(".")[0]
    assert len(encoded_header) > 512, "the fixture's header is what joserfc refuses by default"

    result = verify_vc_jwt(token, resolve_key=no_resolution, now=NOW)

    assert result.valid_signature
    assert result.problems == []
    assert result.valid
    assert result.key_id is None
    assert result.embedded_jwk is not None and result.embedded_jwk["kty"] == "RSA"
    assert "OpenBadgeCredential" in result.credential["type"]
    assert result.credential["id"] == result.claims["jti"]
    # 1EdTech's issuer wrote aud instead of the sub claim OB 3.0 §8.2 requires.
    assert result.warnings == ["the sub claim is missing although the credentialSubject has an id"]


def test_it_reads_the_vc_2_form_as_the_payload_and_the_vc_1_form_from_the_vc_claim() -> None:
    v2 = verify_vc_jwt(BAKED_JWTS["simple-jwt.png"](), resolve_key=no_resolution, now=NOW)
    v1 = verify_vc_jwt(BAKED_JWTS["simple-jwt_v1.png"](), resolve_key=no_resolution, now=NOW)

    assert v2.credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "vc" not in v2.claims
    assert not {"iss", "jti", "nbf", "iat", "aud"} & set(v2.credential)
    assert v1.credential["@context"][0] == "https://www.w3.org/2018/credentials/v1"
    assert v1.credential == v1.claims["vc"]


def test_it_verifies_the_clr_fixture_and_the_credentials_nested_in_it() -> None:
    token = fixture_path("clr20", "simple.jwt").read_text("utf-8").strip()

    result = verify_vc_jwt(token, resolve_key=no_resolution, now=NOW)

    assert result.valid
    assert "ClrCredential" in result.credential["type"]
    nested = result.credential["credentialSubject"]["verifiableCredential"]
    assert nested and all(isinstance(item, str) for item in nested)
    for inner in nested:
        inner_result = verify_vc_jwt(inner, resolve_key=no_resolution, now=NOW)
        assert inner_result.valid_signature, inner_result.problems


def test_it_refuses_the_1edtech_jwt_that_names_no_key() -> None:
    token = fixture_path("ob30", "simple.jwt").read_text("utf-8").strip()

    with pytest.raises(JwtError, match="neither kid nor jwk"):
        verify_vc_jwt(token, resolve_key=no_resolution, now=NOW)
    # It still decodes, for display.
    decoded = decode_vc_jwt(token)
    assert (
        decoded.credential["id"] == decoded.claims["jti"] == "http://example.edu/credentials/3732"
    )


def test_it_passes_on_the_resolution_error_for_the_velocity_kid() -> None:
    token = fixture_path("ob30", "velocity.jwt").read_text("utf-8").strip()
    decoded = decode_vc_jwt(token)
    assert decoded.header["kid"].startswith("did:velocity:")

    with pytest.raises(DidResolutionError, match="did:velocity"):
        verify_vc_jwt(token, resolve_key=no_resolution, now=NOW)


# Signing


def test_it_signs_a_vc_2_credential_as_the_jwt_payload_and_verifies_it() -> None:
    credential = credential_v2()

    token = sign_vc_jwt(credential, ED25519_KEY, kid=KID, now=NOW)
    result = verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=NOW)

    assert result.valid, result.problems
    assert result.warnings == []
    assert result.header == {"alg": "EdDSA", "typ": "JWT", "kid": KID}
    assert result.key_id == KID and result.embedded_jwk is None
    assert result.credential == credential
    assert result.claims["iss"] == "https://issuer.example/profile"
    assert result.claims["jti"] == credential["id"]
    assert result.claims["sub"] == "did:example:learner"
    assert result.claims["nbf"] == int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    assert result.claims["exp"] == int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())
    assert result.claims["iat"] == int(NOW.timestamp())
    assert "vc" not in result.claims


def test_it_signs_a_vc_1_credential_in_the_vc_claim() -> None:
    credential = credential_v1()

    token = sign_vc_jwt(credential, ED25519_KEY, kid=KID, now=NOW)
    result = verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=NOW)

    assert result.valid, result.problems
    assert result.claims["vc"] == credential
    assert result.claims["nbf"] == int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())


def test_it_signs_deterministically_for_a_given_time() -> None:
    first = sign_vc_jwt(credential_v2(), ED25519_KEY, kid=KID, now=NOW)
    second = sign_vc_jwt(credential_v2(), ED25519_KEY, kid=KID, now=NOW)
    assert first == second


def test_it_omits_sub_when_the_subject_has_no_id() -> None:
    credential = credential_v2()
    del credential["credentialSubject"]["id"]

    token = sign_vc_jwt(credential, ED25519_KEY, kid=KID, now=NOW)
    result = verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=NOW)

    assert "sub" not in result.claims
    assert result.valid and result.warnings == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": None}, "no id"),
        ({"issuer": {"type": ["Profile"]}}, "no issuer id"),
        ({"validFrom": None}, "validFrom"),
        ({"validFrom": "yesterday"}, "validFrom"),
        ({"validUntil": "not a date"}, "validUntil"),
        ({"@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]}, "@context"),
        ({"iss": "https://elsewhere.example"}, "named like JWT claims: iss"),
    ],
)
def test_it_refuses_to_sign_a_credential_it_cannot_make_the_claims_from(
    change: dict[str, Any], message: str
) -> None:
    credential = {
        name: value for name, value in credential_v2(**change).items() if value is not None
    }
    with pytest.raises(ProofGenerationError, match=message):
        sign_vc_jwt(credential, ED25519_KEY, kid=KID, now=NOW)


def test_it_refuses_caller_mistakes_when_signing() -> None:
    with pytest.raises(TypeError):
        sign_vc_jwt(credential_v2(), P256_KEY, kid=KID)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kid"):
        sign_vc_jwt(credential_v2(), ED25519_KEY, kid="")
    with pytest.raises(ValueError, match="timezone"):
        sign_vc_jwt(credential_v2(), ED25519_KEY, kid=KID, now=datetime(2026, 1, 1))


# Other algorithms, keys and failures


def test_it_verifies_es256_and_rs256_tokens_made_with_cryptography() -> None:
    payload = claims_for(credential_v2())
    es256 = make_jws({"alg": "ES256", "typ": "JWT", "kid": "es"}, payload, P256_KEY)
    rs256 = make_jws({"alg": "RS256", "typ": "JWT", "kid": "rs"}, payload, RSA_KEY)
    resolve = resolver({"es": P256_KEY.public_key(), "rs": RSA_KEY.public_key()})

    for token in (es256, rs256):
        result = verify_vc_jwt(token, resolve_key=resolve, now=NOW)
        assert result.valid, result.problems


def test_it_accepts_a_public_jwk_from_the_resolver() -> None:
    jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(ED25519_KEY.public_key().public_bytes_raw()),
    }
    token = sign_vc_jwt(credential_v2(), ED25519_KEY, kid=KID, now=NOW)

    result = verify_vc_jwt(token, resolve_key=resolver({KID: jwk}), now=NOW)

    assert result.valid


def test_it_reports_a_tampered_payload() -> None:
    token = sign_vc_jwt(credential_v2(), ED25519_KEY, kid=KID, now=NOW)
    header, payload, signature = token.split(".")
    claims = json.loads(b64url_decode(payload))
    claims["name"] = "Leadership"
    tampered = f"{header}.{b64url(json.dumps(claims).encode())}.{signature}"

    result = verify_vc_jwt(tampered, resolve_key=ED25519_RESOLVER, now=NOW)

    assert not result.valid_signature
    assert not result.valid
    assert "the JWS signature does not verify with the key" in result.problems
    assert result.credential["name"] == "Leadership"


def test_it_reports_a_signature_made_by_another_key() -> None:
    token = sign_vc_jwt(credential_v2(), ed25519.Ed25519PrivateKey.generate(), kid=KID, now=NOW)

    result = verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=NOW)

    assert not result.valid_signature
    assert "the JWS signature does not verify with the key" in result.problems


@pytest.mark.parametrize(
    ("alg", "key", "message"),
    [
        ("EdDSA", RSA_KEY.public_key(), "needs an Ed25519 key"),
        ("RS256", ED25519_KEY.public_key(), "needs an RSA key"),
        ("ES256", ec.generate_private_key(ec.SECP384R1()).public_key(), "needs an EC P-256 key"),
        (
            "RS256",
            rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key(),
            "1024 bits",
        ),
    ],
)
def test_it_reports_a_key_that_does_not_suit_the_algorithm(
    alg: str, key: Any, message: str
) -> None:
    signer = {"EdDSA": ED25519_KEY, "RS256": RSA_KEY, "ES256": P256_KEY}[alg]
    token = make_jws({"alg": alg, "kid": KID}, claims_for(credential_v2()), signer)

    result = verify_vc_jwt(token, resolve_key=resolver({KID: key}), now=NOW)

    assert not result.valid_signature
    assert any(message in problem for problem in result.problems)


def test_it_refuses_alg_none() -> None:
    token = make_jws({"alg": "none", "typ": "JWT", "kid": KID}, claims_for(credential_v2()))
    with pytest.raises(JwtError, match="alg 'none'"):
        verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=NOW)


@pytest.mark.parametrize("alg", ["HS256", "HS512"])
def test_it_refuses_hmac(alg: str) -> None:
    header = {"alg": alg, "typ": "JWT", "kid": KID}
    token = make_jws({**header, "alg": "HS256"}, claims_for(credential_v2()), b"secret")
    token = f"{b64url(json.dumps(header).encode())}.{token.split('.', 1)[1]}"
    with pytest.raises(JwtError, match="HMAC"):
        verify_vc_jwt(token, resolve_key=resolver({KID: b"secret"}), now=NOW)


@pytest.mark.parametrize("alg", ["PS256", "ES512", "RS384", 256, None])
def test_it_refuses_other_algorithms(alg: Any) -> None:
    token = make_jws({"alg": alg, "kid": KID}, claims_for(credential_v2()))
    with pytest.raises(JwtError, match=r"not accepted|no alg"):
        verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=NOW)


@pytest.mark.parametrize("member", ["d", "p", "q", "dp", "dq", "qi"])
def test_it_refuses_a_private_jwk_in_the_header(member: str) -> None:
    numbers = RSA_KEY.private_numbers()
    values = {
        "d": numbers.d,
        "p": numbers.p,
        "q": numbers.q,
        "dp": numbers.dmp1,
        "dq": numbers.dmq1,
        "qi": numbers.iqmp,
    }

    def encode(value: int) -> str:
        return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))

    public = RSA_KEY.public_key().public_numbers()
    jwk = {
        "kty": "RSA",
        "n": encode(public.n),
        "e": encode(public.e),
        member: encode(values[member]),
    }
    token = make_jws({"alg": "RS256", "jwk": jwk}, claims_for(credential_v2()), RSA_KEY)

    with pytest.raises(JwtError, match="private key material"):
        verify_vc_jwt(token, resolve_key=no_resolution, now=NOW)


def test_it_refuses_an_ed25519_private_jwk() -> None:
    jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(ED25519_KEY.public_key().public_bytes_raw()),
        "d": b64url(ED25519_KEY.private_bytes_raw()),
    }
    token = make_jws({"alg": "EdDSA", "jwk": jwk}, claims_for(credential_v2()))
    with pytest.raises(JwtError, match=r"private key material \(d\)"):
        verify_vc_jwt(token, resolve_key=no_resolution, now=NOW)


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "oct", "k": "c2VjcmV0"},
        {"kty": "RSA", "n": "AQAB"},
        {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"},
        {"kty": "OKP", "crv": "X25519", "x": b64url(bytes(32))},
        {"kty": "XYZ"},
        "not an object",
    ],
)
def test_it_refuses_an_unusable_jwk(jwk: Any) -> None:
    with pytest.raises(JwtError):
        public_key_from_jwk(jwk)


def test_it_refuses_a_header_above_the_cap_while_accepting_the_1edtech_size() -> None:
    big_kid = "https://issuer.example/keys/" + "k" * MAX_HEADER_BYTES
    token = make_jws({"alg": "EdDSA", "kid": big_kid}, claims_for(credential_v2()))
    with pytest.raises(JwtError, match="cap"):
        verify_vc_jwt(token, resolve_key=resolver({big_kid: ED25519_KEY.public_key()}), now=NOW)


def test_it_reports_an_embedded_jwk_that_is_not_the_kid_key() -> None:
    other = ed25519.Ed25519PrivateKey.generate().public_key()
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(other.public_bytes_raw())}
    token = make_jws({"alg": "EdDSA", "kid": KID, "jwk": jwk}, claims_for(credential_v2()))

    result = verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=NOW)

    assert result.valid_signature
    assert result.problems == [f"the embedded jwk is not the key that kid {KID!r} resolves to"]


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "!!!.###.$$$",
        "é.é.é",
        b64url(b'{"alg":"EdDSA"}') + "..sig",
        b64url(b"[1,2]") + "." + b64url(b"{}") + ".c2ln",
        b64url(b'{"alg":"EdDSA","kid":"k"}') + "." + b64url(b"not json") + ".c2ln",
        b64url(b'{"alg":"EdDSA","kid":"k"}') + "." + b64url(b"[1]") + ".c2ln",
        b64url(b'{"alg":"EdDSA","kid":"k"}') + "." + b64url(b'{"a":1,"a":2}') + ".c2ln",
        b64url(b'{"alg":"EdDSA","kid":"k"}') + "." + b64url(b'{"a":NaN}') + ".c2ln",
        b64url(b'{"alg":"EdDSA","kid":"k"}') + "." + b64url(b"\xff\xfe") + ".c2ln",
        b64url(b'{"alg":"EdDSA","kid":"k"}') + "." + b64url(b'{"iss":"x"}') + ".c2ln",
        b64url(b'{"alg":"EdDSA","kid":"k"}') + "." + b64url(b'{"vc":"x"}') + ".c2ln",
        b64url(b'{"alg":"EdDSA","kid":"k","crit":["exp"],"exp":1}') + "." + b64url(b"{}") + ".c2ln",
        b64url(b'{"alg":"EdDSA","kid":7}') + "." + b64url(b'{"type":["x"]}') + ".c2ln",
        b64url(b'{"alg":"EdDSA","jwk":"x"}') + "." + b64url(b'{"type":["x"]}') + ".c2ln",
    ],
)
def test_it_refuses_malformed_tokens_with_a_clear_error(token: str) -> None:
    with pytest.raises(JwtError) as caught:
        verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=NOW)
    assert str(caught.value)


# Claims against the credential (OB 3.0 §8.2 "Verify a Credential VC-JWT Signature")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"iss": "https://other.example"}, "iss claim 'https://other.example' is not the issuer"),
        ({"iss": None}, "the iss claim is missing"),
        ({"jti": "urn:uuid:other"}, "jti claim 'urn:uuid:other' is not the credential id"),
        ({"jti": None}, "the jti claim is missing"),
        ({"sub": "did:example:someone-else"}, "sub claim 'did:example:someone-else'"),
        ({"nbf": 1262304000}, "nbf claim (2010-01-01T00:00:00Z) is not the credential's validFrom"),
        ({"nbf": None}, "the nbf claim is missing"),
        ({"nbf": "2026-01-01"}, "the nbf claim is not a NumericDate"),
        ({"exp": 1262304000}, "the exp claim (2010-01-01T00:00:00Z) is not the credential's"),
        ({"exp": None}, "the exp claim is missing although the credential has validUntil"),
    ],
)
def test_it_reports_claims_that_disagree_with_the_credential(
    change: dict[str, Any], message: str
) -> None:
    claims = claims_for(credential_v2())
    for name, value in change.items():
        if value is None:
            del claims[name]
        else:
            claims[name] = value
    token = make_jws({"alg": "EdDSA", "typ": "JWT", "kid": KID}, claims)

    result = verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=NOW)

    assert result.valid_signature
    assert not result.valid
    assert any(message in problem for problem in result.problems), result.problems


def test_it_reports_an_expired_credential() -> None:
    later = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(seconds=1)
    token = sign_vc_jwt(credential_v2(), ED25519_KEY, kid=KID, now=NOW)

    result = verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=later)

    assert result.valid_signature and result.problems == []
    assert result.expired and not result.not_yet_valid and not result.valid
    assert result.validity_messages == ["the credential expired at 2030-01-01T00:00:00Z"]


def test_it_reports_a_credential_that_is_not_yet_valid() -> None:
    earlier = datetime(2025, 12, 31, 23, 59, tzinfo=UTC)
    token = sign_vc_jwt(credential_v2(), ED25519_KEY, kid=KID, now=NOW)

    result = verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=earlier)

    assert result.problems == []
    assert result.not_yet_valid and not result.expired and not result.valid
    assert result.validity_messages == ["the credential is not valid before 2026-01-01T00:00:00Z"]


def test_it_matches_nbf_to_the_second_for_fractional_valid_from() -> None:
    credential = credential_v2(validFrom="2026-01-01T00:00:00.987654321+00:00")
    token = sign_vc_jwt(credential, ED25519_KEY, kid=KID, now=NOW)

    result = verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=NOW)

    assert result.valid, result.problems


def test_it_reports_a_foreign_typ_and_warns_about_extra_headers() -> None:
    token = make_jws(
        {"alg": "EdDSA", "typ": "vp+jwt", "kid": KID, "cty": "vc"}, claims_for(credential_v2())
    )

    result = verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=NOW)

    assert result.problems == ["the typ header is 'vp+jwt'; it must be 'JWT' (or 'vc+jwt')"]
    assert result.warnings == ["the JOSE Header has parameters OB 3.0 §8.2 does not allow: cty"]


def test_it_accepts_the_vc_jose_cose_media_type() -> None:
    token = make_jws({"alg": "EdDSA", "typ": "vc+jwt", "kid": KID}, claims_for(credential_v2()))
    assert verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=NOW).valid


def test_it_refuses_a_naive_now() -> None:
    token = sign_vc_jwt(credential_v2(), ED25519_KEY, kid=KID, now=NOW)
    with pytest.raises(ValueError, match="timezone"):
        verify_vc_jwt(token, resolve_key=ED25519_RESOLVER, now=datetime(2026, 1, 1))


def test_it_refuses_a_resolver_that_returns_something_else() -> None:
    token = sign_vc_jwt(credential_v2(), ED25519_KEY, kid=KID, now=NOW)
    with pytest.raises(TypeError, match="resolve_key"):
        verify_vc_jwt(token, resolve_key=lambda kid: b"raw bytes", now=NOW)


SIGNED = sign_vc_jwt(credential_v2(), ED25519_KEY, kid=KID, now=NOW)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(min_value=0, max_value=len(SIGNED) - 1), char=st.characters())
def test_a_mutated_token_never_verifies_and_never_crashes(position: int, char: str) -> None:
    mutated = SIGNED[:position] + char + SIGNED[position + 1 :]
    try:
        result = verify_vc_jwt(mutated, resolve_key=lambda kid: ED25519_KEY.public_key(), now=NOW)
    except JwtError:
        return
    head, _, signature = mutated.rpartition(".")
    same_signature_bytes = head == SIGNED.rpartition(".")[0] and _decodes_to(
        signature, SIGNED.rpartition(".")[2]
    )
    if not same_signature_bytes:
        assert not result.valid_signature


def _decodes_to(segment: str, original: str) -> bool:
    """Whether a base64url segment decodes to the same bytes (trailing bits are free)."""
    try:
        return b64url_decode(segment) == b64url_decode(original)
    except ValueError:
        return False


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_text_is_refused_with_a_jwt_error(text: str) -> None:
    with pytest.raises(JwtError):
        verify_vc_jwt(text, resolve_key=ED25519_RESOLVER, now=NOW)
