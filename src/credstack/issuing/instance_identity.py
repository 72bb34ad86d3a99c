"""The instance's own signing identity, for what it signs in its own name.

Some documents are made by the instance itself on a user's behalf, not by an
organisation: a learner's wallet exported as a CLR 2.0 is a compilation of credentials
from many issuers, so no organisation can sign it. The instance signs it instead:

- ``did:web:<host>[%3A<port>][:<base path segments>]`` when ``CREDSTACK_BASE_URL`` is an
  https URL with a real domain name (the organisations' rule, see ``identifiers``); its
  DID document, listing every instance key (retired ones too), is served at
  ``<base>/.well-known/did.json`` (``<base>/did.json`` when the base URL has a path, as
  did:web resolution requires);
- the active key's ``did:key`` otherwise (a local instance).

The key is an :class:`~credstack.issuing.models.InstanceSigningKey`, created on first use
and sealed under the key-encryption key exactly like an organisation's key; its secret
is never stored or shown in clear.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ed25519
from django.db import IntegrityError, transaction
from django.utils import timezone

from credstack.common.errors import ConflictError
from credstack.issuing.identifiers import base_url, did_document_listing, did_web_authority
from credstack.issuing.key_encryption import (
    key_encryption_key,
    key_encryption_key_id,
    open_secret,
    seal_secret,
)
from credstack.issuing.models import InstanceSigningKey
from credstack.standards import sign
from credstack.standards.keys.did_key import did_key_from_public_key, verification_method_id
from credstack.standards.keys.did_web import did_web_to_url
from credstack.standards.keys.multikey import Ed25519KeyPair, public_key_from_multibase

INSTANCE_SUITE = "eddsa-rdfc-2022"


@dataclass(frozen=True)
class InstanceIdentity:
    """Who the instance is when it signs: its DID, the verification method its proofs
    name, and the key behind them."""

    did: str
    verification_method: str
    key: InstanceSigningKey

    def profile(self) -> dict[str, Any]:
        """The OB 3.0 / CLR 2.0 issuer Profile of the instance."""
        host = urlsplit(base_url()).hostname or ""
        return {
            "id": self.did,
            "type": ["Profile"],
            "name": f"credstack at {host}",
            "url": base_url() + "/",
        }


def instance_signing_key(*, now: datetime | None = None) -> InstanceSigningKey:
    """The instance's active key, made (and sealed) the first time it is needed.

    Raises KeyEncryptionKeyMissingError when it must be made and no key-encryption key
    is configured. Two first uses at the same moment make one key: the database allows
    only one active key, and the loser reads the winner's.
    """
    key = InstanceSigningKey.objects.filter(retired_at__isnull=True).first()
    if key is not None:
        return key
    kek = key_encryption_key()
    key_pair = Ed25519KeyPair.generate()
    private_key = key_pair.private_key
    assert private_key is not None
    public = key_pair.public_key_multibase
    try:
        with transaction.atomic():
            return InstanceSigningKey.objects.create(
                public_key_multibase=public,
                encrypted_secret=seal_secret(private_key.private_bytes_raw(), public, kek),
                key_encryption_key_id=key_encryption_key_id(kek),
                created_at=now or timezone.now(),
            )
    except IntegrityError:
        key = InstanceSigningKey.objects.filter(retired_at__isnull=True).first()
        if key is None:
            raise
        return key


def instance_did_web() -> str | None:
    """The instance's did:web, or None on an instance without a real domain."""
    return did_web_authority()


def instance_identity(*, now: datetime | None = None) -> InstanceIdentity:
    """The instance's DID and verification method for its active key (made on first use)."""
    key = instance_signing_key(now=now)
    did = instance_did_web()
    if did is not None:
        return InstanceIdentity(did, f"{did}#{key.public_key_multibase}", key)
    did = did_key_from_public_key(public_key_from_multibase(key.public_key_multibase))
    return InstanceIdentity(did, verification_method_id(did), key)


def instance_did_document() -> dict[str, Any] | None:
    """The instance's did:web DID document listing every key it ever had; None without
    a did:web or before the instance has a key."""
    did = instance_did_web()
    if did is None:
        return None
    keys = InstanceSigningKey.objects.order_by("created_at", "pk")
    return did_document_listing(did, [key.public_key_multibase for key in keys])


def instance_did_document_path() -> str | None:
    """Where under the base URL the instance's DID document lives (``.well-known/did.json``
    or ``did.json``), or None without a did:web."""
    did = instance_did_web()
    if did is None:
        return None
    url = did_web_to_url(did)
    base_path = urlsplit(base_url()).path.rstrip("/")
    return urlsplit(url).path.removeprefix(base_path).lstrip("/")


def _key_pair(key: InstanceSigningKey) -> Ed25519KeyPair:
    seed = open_secret(
        key.encrypted_secret,
        key.public_key_multibase,
        key_encryption_key(),
        key_id=key.key_encryption_key_id,
    )
    key_pair = Ed25519KeyPair.from_private_key(ed25519.Ed25519PrivateKey.from_private_bytes(seed))
    if key_pair.public_key_multibase != key.public_key_multibase:
        raise ConflictError("the instance's stored signing key does not match its public key")
    return key_pair


def sign_as_instance(
    document: Mapping[str, Any], identity: InstanceIdentity, *, created: datetime
) -> dict[str, Any]:
    """``document`` with an eddsa-rdfc-2022 proof by the instance's key.

    Precondition: the document's issuer is ``identity.did`` and it conforms to its data
    model (the caller checks). Raises the trust core's errors for a document that cannot
    be signed (a term that would be dropped, a relative IRI), KeyDecryptionError for a key
    that does not open.
    """
    signed = sign(
        document,
        _key_pair(identity.key),
        suite=INSTANCE_SUITE,
        verification_method=identity.verification_method,
        created=created,
    )
    assert isinstance(signed, dict)
    return signed
