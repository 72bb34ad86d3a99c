"""Sealing secrets at rest (AES-256-GCM), as properties over arbitrary inputs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.issuing.key_encryption import (
    NONCE_LENGTH,
    KeyDecryptionError,
    key_encryption_key_id,
    open_secret,
    seal_secret,
)

KEK = b"\x2a" * 32
OTHER = b"\x07" * 32
PUBLIC = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
secrets = st.binary(min_size=32, max_size=32)


@settings(max_examples=50, deadline=None)
@given(secrets)
def test_it_opens_what_it_sealed_and_never_stores_it_in_clear(secret):
    sealed = seal_secret(secret, PUBLIC, KEK)
    assert secret not in sealed
    assert len(sealed) == NONCE_LENGTH + len(secret) + 16
    assert open_secret(sealed, PUBLIC, KEK, key_id=key_encryption_key_id(KEK)) == secret


@settings(max_examples=50, deadline=None)
@given(secrets, st.data())
def test_it_refuses_any_altered_byte(secret, data):
    sealed = bytearray(seal_secret(secret, PUBLIC, KEK))
    position = data.draw(st.integers(0, len(sealed) - 1))
    sealed[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(KeyDecryptionError):
        open_secret(bytes(sealed), PUBLIC, KEK, key_id="")


def test_it_binds_a_sealed_secret_to_its_public_key_and_key_encryption_key():
    sealed = seal_secret(b"\x01" * 32, PUBLIC, KEK)
    with pytest.raises(KeyDecryptionError):
        open_secret(sealed, PUBLIC.replace("z6Mkh", "z6Mkj"), KEK, key_id="")
    with pytest.raises(KeyDecryptionError):
        open_secret(sealed, PUBLIC, OTHER, key_id="")
    with pytest.raises(KeyDecryptionError, match="different key-encryption key"):
        open_secret(sealed, PUBLIC, OTHER, key_id=key_encryption_key_id(KEK))
    with pytest.raises(KeyDecryptionError, match="truncated"):
        open_secret(sealed[:NONCE_LENGTH], PUBLIC, KEK, key_id="")


def test_it_seals_the_same_secret_differently_each_time():
    assert seal_secret(b"\x01" * 32, PUBLIC, KEK) != seal_secret(b"\x01" * 32, PUBLIC, KEK)
