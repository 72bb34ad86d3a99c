"""Multikey (W3C Controlled Identifiers 1.0 §2.2.2) and the other public key forms verifiers meet.

A Multikey encodes a key as ``multibase(base58btc, multicodec-varint(type) + raw key)``:
an Ed25519 public key is ``z6Mk…`` (multicodec ``ed25519-pub`` 0xed, 32 bytes), its secret
key ``z3u2…`` (``ed25519-priv`` 0x1300, the 32-byte seed). :class:`Ed25519KeyPair` is the
signing key credstack issues with; the ``public_key_from_*`` functions turn what a
verification method publishes (Multikey, Ed25519VerificationKey2020/2018, JsonWebKey2020,
``publicKeyJwk``) into a ``cryptography`` public key. Anything malformed raises
:class:`KeyFormatError` saying what is wrong.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from credstack.standards.errors import KeyFormatError

PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
"""The public keys a verification method can give (Ed25519, ECDSA P-256/P-384, RSA)."""

MULTIBASE_BASE58BTC = "z"

# Multicodec table entries (https://github.com/multiformats/multicodec, table.csv).
ED25519_PUB = 0xED
ED25519_PRIV = 0x1300
P256_PUB = 0x1200
P384_PUB = 0x1201

ED25519_KEY_LENGTH = 32
_EC_CURVES: Mapping[int, tuple[ec.EllipticCurve, str]] = {
    P256_PUB: (ec.SECP256R1(), "P-256"),
    P384_PUB: (ec.SECP384R1(), "P-384"),
}
_EC_JWK_CURVES: Mapping[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(),
    "P-384": ec.SECP384R1(),
}
_EC_COORDINATE_LENGTH = {"P-256": 32, "P-384": 48}
_JWK_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_MIN_RSA_BITS = 2048


# Base58btc, multibase and multicodec

BASE58BTC_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_PAIRS = [a + b for a in BASE58BTC_ALPHABET for b in BASE58BTC_ALPHABET]
_BASE58_INVALID = 0xFF
_BASE58_GROUP = 58**10
# Maps an ASCII character to its digit value, anything else to _BASE58_INVALID.
_BASE58_DIGITS = bytes(
    BASE58BTC_ALPHABET.index(chr(code)) if chr(code) in BASE58BTC_ALPHABET else _BASE58_INVALID
    for code in range(256)
)


def encode_base58btc(data: bytes) -> str:
    """Base58 (Bitcoin alphabet) of ``data``: each leading zero byte becomes one ``1``,
    the rest is the big-endian number written in base 58."""
    stripped = data.lstrip(b"\0")
    number = int.from_bytes(stripped, "big")
    # Two digits per step (58 ** 2 = 3364): half the big-number divisions.
    chunks = []
    while number:
        number, pair = divmod(number, 3364)
        chunks.append(_BASE58_PAIRS[pair])
    chunks.reverse()
    digits = "".join(chunks).lstrip("1")
    return "1" * (len(data) - len(stripped)) + digits


def decode_base58btc(text: str | bytes) -> bytes:
    """The bytes a Base58 (Bitcoin alphabet) string encodes; each leading ``1`` is a zero byte.

    As the ``base58`` package it replaces, trailing whitespace is ignored. Raises
    ValueError for any other character outside the alphabet (UnicodeEncodeError, a
    ValueError, for a non-ASCII one).
    """
    text = text.rstrip()
    data = text.encode("ascii") if isinstance(text, str) else bytes(text)
    stripped = data.lstrip(b"1")
    zeros = len(data) - len(stripped)
    digits = stripped.translate(_BASE58_DIGITS)
    invalid = digits.find(_BASE58_INVALID)
    if invalid >= 0:
        raise ValueError(f"Invalid character {chr(stripped[invalid])!r}")
    # Ten digits at a time (58 ** 10 < 2 ** 63): few big-number steps, the rest on small
    # numbers. Zero digits in front do not change the value.
    digits = bytes(-len(digits) % 10) + digits
    groups = iter(digits)
    number = 0
    for d0, d1, d2, d3, d4, d5, d6, d7, d8, d9 in zip(*([groups] * 10), strict=True):
        group = ((((d0 * 58 + d1) * 58 + d2) * 58 + d3) * 58 + d4) * 58 + d5
        number = number * _BASE58_GROUP + (((group * 58 + d6) * 58 + d7) * 58 + d8) * 58 + d9
    return bytes(zeros) + number.to_bytes((number.bit_length() + 7) // 8, "big")


def encode_multibase(data: bytes) -> str:
    """``data`` as a base58btc multibase string (``z`` prefix)."""
    return MULTIBASE_BASE58BTC + encode_base58btc(data)


def decode_multibase(value: object) -> bytes:
    """The bytes of a base58btc multibase string; other bases are not used by Multikey."""
    if not isinstance(value, str) or not value:
        raise KeyFormatError("a multibase value must be a non-empty string")
    if value[0] != MULTIBASE_BASE58BTC:
        raise KeyFormatError(
            f"multibase value {_short(value)!r} does not use base58btc (it must start with 'z')"
        )
    try:
        return decode_base58btc(value[1:].encode("ascii"))
    except ValueError as error:  # UnicodeEncodeError included
        raise KeyFormatError(f"multibase value {_short(value)!r} is not valid base58btc") from error


def encode_varint(number: int) -> bytes:
    """The unsigned LEB128 varint used for multicodec codes."""
    if number < 0:
        raise ValueError("a varint cannot be negative")
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_multicodec(data: bytes) -> tuple[int, bytes]:
    """Split ``varint(code) + payload``; the varint must be minimally encoded (≤ 9 bytes)."""
    code = 0
    for index, byte in enumerate(data[:9]):
        code |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if byte == 0 and index > 0:
                raise KeyFormatError("the multicodec prefix is not minimally encoded")
            return code, data[index + 1 :]
    raise KeyFormatError("the value has no valid multicodec prefix")


def encode_multicodec(code: int, payload: bytes) -> bytes:
    return encode_varint(code) + payload


# Public keys from their published forms


def public_key_from_multibase(value: object) -> PublicKey:
    """Decode a Multikey ``publicKeyMultibase`` (Ed25519 ``z6Mk…``, P-256 ``zDn…``, P-384 ``z82…``).

    Raises KeyFormatError for a wrong base, an unknown or non-public multicodec, or a wrong
    key length. Decoded keys are remembered (the last 1,024): a verifier meets the same
    few keys again and again, and a public key object is immutable.
    """
    if isinstance(value, str):
        return _public_key_from_multibase_text(value)
    return _decode_public_key_multibase(value)


@lru_cache(maxsize=1024)
def _public_key_from_multibase_text(value: str) -> PublicKey:
    return _decode_public_key_multibase(value)


def _decode_public_key_multibase(value: object) -> PublicKey:
    code, raw = decode_multicodec(decode_multibase(value))
    if code == ED25519_PUB:
        if len(raw) != ED25519_KEY_LENGTH:
            raise KeyFormatError(
                f"an Ed25519 public key is {ED25519_KEY_LENGTH} bytes, this one is {len(raw)}"
            )
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    if code in _EC_CURVES:
        curve, name = _EC_CURVES[code]
        try:
            return ec.EllipticCurvePublicKey.from_encoded_point(curve, raw)
        except ValueError as error:
            raise KeyFormatError(f"the {name} public key is not a valid curve point") from error
    if code == ED25519_PRIV:
        raise KeyFormatError("the value is a secret key, where a public key was expected")
    raise KeyFormatError(f"unsupported Multikey type (multicodec 0x{code:x})")


def public_key_to_multibase(key: PublicKey) -> str:
    """The Multikey ``publicKeyMultibase`` of an Ed25519 or P-256/P-384 public key."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return _ed25519_multibase(raw)
    if isinstance(key, ec.EllipticCurvePublicKey):
        for code, (curve, _name) in _EC_CURVES.items():
            if key.curve.name == curve.name:
                point = key.public_bytes(
                    serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
                )
                return encode_multibase(encode_multicodec(code, point))
    raise ValueError(f"no Multikey encoding for {type(key).__name__}")


@lru_cache(maxsize=1024)
def _ed25519_multibase(raw: bytes) -> str:
    # A signer encodes its own key for every credential it signs.
    return encode_multibase(encode_multicodec(ED25519_PUB, raw))


def public_key_from_base58(value: object) -> ed25519.Ed25519PublicKey:
    """An Ed25519VerificationKey2018 ``publicKeyBase58`` (raw 32 bytes, no multicodec)."""
    if not isinstance(value, str):
        raise KeyFormatError("publicKeyBase58 must be a string")
    try:
        raw = decode_base58btc(value.encode("ascii"))
    except ValueError as error:
        raise KeyFormatError("publicKeyBase58 is not valid base58") from error
    if len(raw) != ED25519_KEY_LENGTH:
        raise KeyFormatError(
            f"an Ed25519 public key is {ED25519_KEY_LENGTH} bytes, this one is {len(raw)}"
        )
    return ed25519.Ed25519PublicKey.from_public_bytes(raw)


def _b64url(jwk: Mapping[str, Any], member: str) -> bytes:
    value = jwk.get(member)
    if not isinstance(value, str) or not value:
        raise KeyFormatError(f"the JWK has no {member!r} member")
    if "=" in value or "+" in value or "/" in value:
        raise KeyFormatError(f"the JWK member {member!r} is not unpadded base64url")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise KeyFormatError(f"the JWK member {member!r} is not valid base64url") from error


def public_key_from_jwk(jwk: object) -> PublicKey:
    """A public JWK (RFC 7517/8037): OKP Ed25519, EC P-256/P-384, or RSA (≥ 2048 bits).

    A JWK carrying private members (``d``, ``p``, ``q``, ``dp``, ``dq``, ``qi``, ``oth``,
    or a symmetric ``k``) is refused: a published key must never leak its secret, and
    accepting one hides the mistake.
    """
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("publicKeyJwk must be a JSON object")
    private = [member for member in _JWK_PRIVATE_MEMBERS if member in jwk]
    if private:
        raise KeyFormatError(
            f"the JWK contains private key material ({', '.join(private)}); "
            "only a public key may be published"
        )
    kty = jwk.get("kty")
    if kty == "OKP":
        if jwk.get("crv") != "Ed25519":
            raise KeyFormatError(f"unsupported OKP curve {jwk.get('crv')!r} (only Ed25519)")
        raw = _b64url(jwk, "x")
        if len(raw) != ED25519_KEY_LENGTH:
            raise KeyFormatError(
                f"an Ed25519 public key is {ED25519_KEY_LENGTH} bytes, this one is {len(raw)}"
            )
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    if kty == "EC":
        crv = jwk.get("crv")
        if not isinstance(crv, str) or crv not in _EC_JWK_CURVES:
            raise KeyFormatError(f"unsupported EC curve {crv!r} (P-256 or P-384)")
        x, y = _b64url(jwk, "x"), _b64url(jwk, "y")
        size = _EC_COORDINATE_LENGTH[crv]
        if len(x) != size or len(y) != size:
            raise KeyFormatError(f"{crv} coordinates must be {size} bytes each")
        numbers = ec.EllipticCurvePublicNumbers(
            int.from_bytes(x, "big"), int.from_bytes(y, "big"), _EC_JWK_CURVES[crv]
        )
        try:
            return numbers.public_key()
        except ValueError as error:
            raise KeyFormatError(f"the {crv} JWK is not a point on the curve") from error
    if kty == "RSA":
        n = int.from_bytes(_b64url(jwk, "n"), "big")
        e = int.from_bytes(_b64url(jwk, "e"), "big")
        if n.bit_length() < _MIN_RSA_BITS:
            raise KeyFormatError(f"RSA keys shorter than {_MIN_RSA_BITS} bits are not accepted")
        try:
            return rsa.RSAPublicNumbers(e, n).public_key()
        except ValueError as error:
            raise KeyFormatError("the RSA JWK is not a valid public key") from error
    raise KeyFormatError(f"unsupported JWK key type {kty!r} (OKP, EC or RSA)")


def public_key_to_jwk(key: PublicKey) -> dict[str, str]:
    """The public JWK of an Ed25519, P-256/P-384 or RSA public key."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64(raw)}
    if isinstance(key, ec.EllipticCurvePublicKey):
        for crv, curve in _EC_JWK_CURVES.items():
            if key.curve.name == curve.name:
                numbers = key.public_numbers()
                size = _EC_COORDINATE_LENGTH[crv]
                return {
                    "kty": "EC",
                    "crv": crv,
                    "x": b64(numbers.x.to_bytes(size, "big")),
                    "y": b64(numbers.y.to_bytes(size, "big")),
                }
    if isinstance(key, rsa.RSAPublicKey):
        rsa_numbers = key.public_numbers()
        n, e = rsa_numbers.n, rsa_numbers.e
        return {
            "kty": "RSA",
            "n": b64(n.to_bytes((n.bit_length() + 7) // 8, "big")),
            "e": b64(e.to_bytes((e.bit_length() + 7) // 8, "big")),
        }
    raise ValueError(f"no JWK encoding for {type(key).__name__}")


VERIFICATION_METHOD_TYPES = (
    "Multikey",
    "Ed25519VerificationKey2020",
    "Ed25519VerificationKey2018",
    "JsonWebKey2020",
    "JsonWebKey",
)


def public_key_from_verification_method(method: object) -> PublicKey:
    """The public key a verification method object publishes.

    Reads ``publicKeyMultibase`` (Multikey, Ed25519VerificationKey2020), ``publicKeyJwk``
    (JsonWebKey2020, JsonWebKey) or ``publicKeyBase58`` (Ed25519VerificationKey2018).
    A method giving none of them, or several that disagree, raises KeyFormatError.
    """
    if not isinstance(method, Mapping):
        raise KeyFormatError("a verification method must be a JSON object")
    method_type = method.get("type")
    found: list[PublicKey] = []
    if "publicKeyMultibase" in method:
        found.append(public_key_from_multibase(method["publicKeyMultibase"]))
        if method_type == "Ed25519VerificationKey2020" and not isinstance(
            found[-1], ed25519.Ed25519PublicKey
        ):
            raise KeyFormatError("an Ed25519VerificationKey2020 must hold an Ed25519 key")
    if "publicKeyJwk" in method:
        found.append(public_key_from_jwk(method["publicKeyJwk"]))
    if "publicKeyBase58" in method:
        found.append(public_key_from_base58(method["publicKeyBase58"]))
    if not found:
        raise KeyFormatError(
            f"verification method {method.get('id')!r} gives no public key "
            "(publicKeyMultibase, publicKeyJwk or publicKeyBase58)"
        )
    first = _public_bytes(found[0])
    if any(_public_bytes(key) != first for key in found[1:]):
        raise KeyFormatError(
            f"verification method {method.get('id')!r} gives different keys in different forms"
        )
    return found[0]


def _public_bytes(key: PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_keys_equal(left: PublicKey, right: PublicKey) -> bool:
    """Whether two public keys are the same key (whatever form they were decoded from)."""
    return _public_bytes(left) == _public_bytes(right)


# The Ed25519 key pair


@dataclass(frozen=True, eq=False)
class Ed25519KeyPair:
    """An Ed25519 key pair; ``private_key`` is None for a verification-only key.

    Two key pairs are equal when they hold the same public key and the same secret (or
    both none); the hash is the public key's.
    """

    public_key: ed25519.Ed25519PublicKey
    private_key: ed25519.Ed25519PrivateKey | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.public_key, ed25519.Ed25519PublicKey):
            raise TypeError("public_key must be an Ed25519PublicKey")
        if self.private_key is not None:
            if not isinstance(self.private_key, ed25519.Ed25519PrivateKey):
                raise TypeError("private_key must be an Ed25519PrivateKey")
            if not public_keys_equal(self.private_key.public_key(), self.public_key):
                raise KeyFormatError("the secret key does not belong to the public key")

    @classmethod
    def generate(cls) -> Ed25519KeyPair:
        private_key = ed25519.Ed25519PrivateKey.generate()
        return cls(private_key.public_key(), private_key)

    @classmethod
    def from_private_key(cls, private_key: ed25519.Ed25519PrivateKey) -> Ed25519KeyPair:
        return cls(private_key.public_key(), private_key)

    @classmethod
    def from_bytes(cls, public: bytes | None = None, secret: bytes | None = None) -> Ed25519KeyPair:
        """From raw bytes: a 32-byte public key and/or a secret given as the 32-byte seed
        or as the 64-byte ``seed + public key`` form (NaCl, the 1EdTech vector's hex keys).
        """
        private_key = None
        if secret is not None:
            if len(secret) == 2 * ED25519_KEY_LENGTH:
                embedded_public = secret[ED25519_KEY_LENGTH:]
                if public is not None and public != embedded_public:
                    raise KeyFormatError("the secret key does not belong to the public key")
                public = public if public is not None else embedded_public
                secret = secret[:ED25519_KEY_LENGTH]
            if len(secret) != ED25519_KEY_LENGTH:
                raise KeyFormatError(
                    f"an Ed25519 secret key is a {ED25519_KEY_LENGTH}-byte seed "
                    f"(or 64 bytes seed + public key), this one is {len(secret)} bytes"
                )
            private_key = ed25519.Ed25519PrivateKey.from_private_bytes(secret)
        if public is None:
            if private_key is None:
                raise ValueError("give a public key, a secret key or both")
            return cls.from_private_key(private_key)
        if len(public) != ED25519_KEY_LENGTH:
            raise KeyFormatError(
                f"an Ed25519 public key is {ED25519_KEY_LENGTH} bytes, this one is {len(public)}"
            )
        return cls(ed25519.Ed25519PublicKey.from_public_bytes(public), private_key)

    @classmethod
    def from_multibase(cls, public: str, secret: str | None = None) -> Ed25519KeyPair:
        """From ``publicKeyMultibase`` and optionally ``secretKeyMultibase``."""
        public_key = public_key_from_multibase(public)
        if not isinstance(public_key, ed25519.Ed25519PublicKey):
            raise KeyFormatError("the public key is not an Ed25519 key")
        if secret is None:
            return cls(public_key)
        code, seed = decode_multicodec(decode_multibase(secret))
        if code != ED25519_PRIV:
            raise KeyFormatError(
                f"the secret key is not an Ed25519 secret key (multicodec 0x{code:x}, "
                f"expected 0x{ED25519_PRIV:x})"
            )
        if len(seed) != ED25519_KEY_LENGTH:
            raise KeyFormatError(
                f"an Ed25519 secret key is a {ED25519_KEY_LENGTH}-byte seed, "
                f"this one is {len(seed)} bytes"
            )
        return cls(public_key, ed25519.Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_key_pair_json(cls, document: Mapping[str, Any]) -> Ed25519KeyPair:
        """From a Multikey key-pair document; the secret may be under ``secretKeyMultibase``
        or (older drafts, the W3C eddsa test vector) ``privateKeyMultibase``.
        """
        if not isinstance(document, Mapping):
            raise KeyFormatError("a key pair must be a JSON object")
        key_type = document.get("type", "Multikey")
        if key_type not in ("Multikey", "Ed25519VerificationKey2020"):
            raise KeyFormatError(f"unsupported key pair type {key_type!r}")
        public = document.get("publicKeyMultibase")
        if not isinstance(public, str):
            raise KeyFormatError("the key pair has no publicKeyMultibase")
        secret = document.get("secretKeyMultibase", document.get("privateKeyMultibase"))
        if secret is not None and not isinstance(secret, str):
            raise KeyFormatError("secretKeyMultibase must be a string")
        return cls.from_multibase(public, secret)

    @property
    def has_secret(self) -> bool:
        return self.private_key is not None

    @property
    def public_key_bytes(self) -> bytes:
        return self.public_key.public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def public_key_multibase(self) -> str:
        return public_key_to_multibase(self.public_key)

    @property
    def secret_key_multibase(self) -> str:
        """Raises ValueError for a verification-only key pair."""
        seed = self._seed()
        if seed is None:
            raise ValueError("this key pair holds only a public key")
        return encode_multibase(encode_multicodec(ED25519_PRIV, seed))

    def public_only(self) -> Ed25519KeyPair:
        return Ed25519KeyPair(self.public_key)

    def to_key_pair_json(
        self, id: str | None = None, controller: str | None = None, include_secret: bool = True
    ) -> dict[str, str]:
        """The W3C Multikey document; the secret is included only if held and asked for."""
        document = {"type": "Multikey"}
        if id is not None:
            document["id"] = id
        if controller is not None:
            document["controller"] = controller
        document["publicKeyMultibase"] = self.public_key_multibase
        if include_secret and self.private_key is not None:
            document["secretKeyMultibase"] = self.secret_key_multibase
        return document

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``data``; ValueError without a secret key."""
        return self._private().sign(data)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            self.public_key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def _private(self) -> ed25519.Ed25519PrivateKey:
        if self.private_key is None:
            raise ValueError("this key pair holds only a public key")
        return self.private_key

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ed25519KeyPair):
            return NotImplemented
        return self.public_key_bytes == other.public_key_bytes and self._seed() == other._seed()

    def __hash__(self) -> int:
        return hash(self.public_key_bytes)

    def _seed(self) -> bytes | None:
        if self.private_key is None:
            return None
        return self.private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    def __repr__(self) -> str:
        # Never print the secret.
        secret = ", with secret" if self.private_key is not None else ""
        return f"Ed25519KeyPair({self.public_key_multibase}{secret})"


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."
