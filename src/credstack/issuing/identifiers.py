"""The issuer identifier of an organisation on this instance.

- ``did:web`` when ``CREDSTACK_BASE_URL`` is an https URL with a real domain name:
  ``did:web:<host>[%3A<port>][:<base path segments>]:orgs:<slug>``, whose DID document
  (every key, retired ones included) the app serves at ``<base>/orgs/<slug>/did.json``.
- the active key's ``did:key`` otherwise (a local instance: nobody could resolve a
  did:web on ``localhost`` or an IP address).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from django.conf import settings

from credstack.common.errors import ConflictError
from credstack.standards.keys.did_key import did_key_from_public_key, verification_method_id
from credstack.standards.keys.did_web import did_web_document
from credstack.standards.keys.multikey import public_key_from_multibase

if TYPE_CHECKING:
    from credstack.accounts.models import Organisation
    from credstack.issuing.models import SigningKey


def base_url() -> str:
    return str(settings.CREDSTACK_BASE_URL).rstrip("/")


def did_web_authority(url: str | None = None) -> str | None:
    """The did:web prefix (``did:web:host[%3Aport][:path…]``) for the base URL, or None
    when the instance has no real domain (http, localhost, an IP address, no dot)."""
    parts = urlsplit(url or base_url())
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or "." not in host or host.endswith((".localhost", ".local")):
        return None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return None
    authority = host + (f"%3A{parts.port}" if parts.port else "")
    segments = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", authority, *segments])


def organisation_did_web(organisation: Organisation) -> str | None:
    authority = did_web_authority()
    return f"{authority}:orgs:{organisation.slug}" if authority else None


def active_key(organisation: Organisation) -> SigningKey:
    from credstack.issuing.models import SigningKey

    key = SigningKey.objects.filter(organisation=organisation, retired_at__isnull=True).first()
    if key is None:
        raise ConflictError(f"{organisation.name} has no active signing key", code="no_signing_key")
    return key


def issuer_id(organisation: Organisation) -> str:
    """The organisation's issuer identifier (did:web, or the active key's did:key)."""
    did = organisation_did_web(organisation)
    if did is not None:
        return did
    return did_key_from_public_key(
        public_key_from_multibase(active_key(organisation).public_key_multibase)
    )


def verification_method(signing_key: SigningKey) -> str:
    """The verification method id a proof made with ``signing_key`` names."""
    did = organisation_did_web(signing_key.organisation)
    if did is not None:
        return f"{did}#{signing_key.public_key_multibase}"
    public_key = public_key_from_multibase(signing_key.public_key_multibase)
    return verification_method_id(did_key_from_public_key(public_key))


def did_document(organisation: Organisation) -> dict[str, Any] | None:
    """The organisation's did:web DID document listing every key it ever had (retired
    ones too, so earlier credentials keep verifying); None without a did:web or keys."""
    from credstack.issuing.models import SigningKey

    did = organisation_did_web(organisation)
    if did is None:
        return None
    keys = SigningKey.objects.filter(organisation=organisation).order_by("created_at", "pk")
    return did_document_listing(did, [key.public_key_multibase for key in keys])


def did_document_listing(did: str, public_keys_multibase: list[str]) -> dict[str, Any] | None:
    """The did:web DID document of ``did`` with these keys (Multikey, each named by its
    multibase value), or None when there are none."""
    if not public_keys_multibase:
        return None
    return did_web_document(
        did,
        [public_key_from_multibase(key) for key in public_keys_multibase],
        key_ids=list(public_keys_multibase),
    )
