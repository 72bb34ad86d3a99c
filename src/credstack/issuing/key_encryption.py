"""Issuers' secret keys at rest: AES-256-GCM under the instance's key-encryption key.

The sealed form is ``nonce (12 bytes) || ciphertext || tag``. The associated data binds
a sealed secret to its key's public key, so a ciphertext copied onto another row fails
to open instead of signing as the wrong key.
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from credstack.common.errors import ConflictError, ServiceUnavailableError

NONCE_LENGTH = 12
_PURPOSE = b"credstack signing key v1\x00"


class KeyEncryptionKeyMissingError(ServiceUnavailableError):
    code = "key_encryption_key_missing"


class KeyDecryptionError(ConflictError):
    code = "key_decryption_failed"
    http_status = 500


def key_encryption_key() -> bytes:
    """The configured key-encryption key; raises KeyEncryptionKeyMissingError without one
    (only possible in debug: outside debug the settings refuse to start)."""
    key = getattr(settings, "CREDSTACK_KEY_ENCRYPTION_KEY", None)
    if not key:
        raise KeyEncryptionKeyMissingError(
            "no key-encryption key is configured (CREDSTACK_KEY_ENCRYPTION_KEY): "
            "signing keys cannot be created or used"
        )
    if not isinstance(key, bytes) or len(key) != 32:
        raise TypeError("CREDSTACK_KEY_ENCRYPTION_KEY must be 32 bytes")
    return key


def key_encryption_key_id(key: bytes) -> str:
    """A short public fingerprint of a key-encryption key (not enough to recover it)."""
    return hashlib.sha256(b"credstack kek id\x00" + key).hexdigest()[:16]


def _associated_data(public_key_multibase: str) -> bytes:
    return _PURPOSE + public_key_multibase.encode("ascii")


def seal_secret(secret: bytes, public_key_multibase: str, key: bytes) -> bytes:
    """Encrypt ``secret`` (the 32-byte Ed25519 seed) for storage."""
    nonce = os.urandom(NONCE_LENGTH)
    return nonce + AESGCM(key).encrypt(nonce, secret, _associated_data(public_key_multibase))


def open_secret(sealed: bytes, public_key_multibase: str, key: bytes, *, key_id: str) -> bytes:
    """Decrypt a sealed secret; raises KeyDecryptionError when the key-encryption key is
    not the one that sealed it or the stored bytes were altered."""
    if key_id and key_id != key_encryption_key_id(key):
        raise KeyDecryptionError(
            "this signing key was sealed under a different key-encryption key "
            f"(id {key_id}); configure that key to use it"
        )
    sealed = bytes(sealed)
    if len(sealed) <= NONCE_LENGTH:
        raise KeyDecryptionError("the stored signing key is truncated")
    nonce, ciphertext = sealed[:NONCE_LENGTH], sealed[NONCE_LENGTH:]
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, _associated_data(public_key_multibase))
    except InvalidTag:
        raise KeyDecryptionError(
            "the stored signing key does not open: it was altered or belongs to another key"
        ) from None
