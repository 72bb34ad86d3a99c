"""credstack's trust core: a pure library for Open Badges 3.0 / W3C Verifiable Credentials.

It imports nothing from Django or the platform's apps. Time, keys, the document loader
and network access are parameters, so callers and tests control them.

The recipes below are the safe way in: ``sign()``, ``verify()``, ``bake()`` and
``unbake()``. The modules under this package are the specifications' building blocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from credstack.standards.baking.png import BakedCredential
    from credstack.standards.fetch import Fetcher
    from credstack.standards.keys.multikey import Ed25519KeyPair
    from credstack.standards.report import VerificationReport

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt")
DEFAULT_SUITE = "eddsa-rdfc-2022"


def is_placeholder_issuer(credential: Mapping[str, Any]) -> bool:
    """True when the credential's issuer is left for the signer to fill in: absent,
    empty, or an example DID (``did:example:…``, which can never be resolved)."""
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return not issuer_id or (isinstance(issuer_id, str) and issuer_id.startswith("did:example:"))


def with_issuer(credential: Mapping[str, Any], issuer_id: str) -> dict[str, Any]:
    """A copy of the credential whose issuer (string or Profile object) has ``issuer_id``."""
    issuer = credential.get("issuer")
    updated = dict(credential)
    updated["issuer"] = {**issuer, "id": issuer_id} if isinstance(issuer, Mapping) else issuer_id
    return updated


def sign(
    credential: Mapping[str, Any],
    key_pair: Ed25519KeyPair,
    *,
    suite: str = DEFAULT_SUITE,
    verification_method: str | None = None,
    created: str | datetime | None = None,
) -> dict[str, Any] | str:
    """Sign a credential; returns the secured credential (a dict), or a compact VC-JWT
    string for ``suite="vc-jwt"``.

    Without ``verification_method`` the key's did:key is used and, if the credential's
    issuer is a placeholder (see :func:`is_placeholder_issuer`), the issuer becomes that
    did:key. Refuses (with the core's errors) a document in which a term would be
    dropped or an IRI is relative.
    """
    from credstack.standards.dataintegrity.proofs import add_proof

    if suite not in SUITES:
        raise ValueError(f"unknown suite {suite!r}; choose one of {', '.join(SUITES)}")
    if key_pair.private_key is None:
        raise ValueError("signing needs a key pair with its secret key")
    if verification_method is None:
        from credstack.standards.keys.did_key import did_key_from_public_key, verification_method_id

        did = did_key_from_public_key(key_pair.public_key)
        verification_method = verification_method_id(did)
        if is_placeholder_issuer(credential):
            credential = with_issuer(credential, did)
    if suite == "vc-jwt":
        from credstack.standards.vc.jwt import sign_vc_jwt

        now = created if isinstance(created, datetime) else datetime.now(UTC)
        return sign_vc_jwt(credential, key_pair.private_key, kid=verification_method, now=now)
    return add_proof(
        credential,
        key_pair.private_key,
        verification_method=verification_method,
        cryptosuite=suite,
        created=created,
    )


def verify(
    source: Mapping[str, Any] | str | bytes,
    *,
    fetcher: Fetcher | None = None,
    now: datetime | None = None,
    recipient: str | None = None,
) -> VerificationReport:
    """Verify a credential in any form (see :func:`credstack.standards.verifier.verify`)."""
    from credstack.standards.verifier import verify as run_verifier

    return run_verifier(source, fetcher=fetcher, now=now, recipient=recipient)


def bake(image: bytes, credential: Mapping[str, Any] | str) -> bytes:
    """Bake a credential (JSON object or VC-JWT) into a PNG or SVG image."""
    from credstack.standards.baking.png import PNG_SIGNATURE, bake_png
    from credstack.standards.baking.svg import bake_svg

    payload: dict[str, Any] | str = credential if isinstance(credential, str) else dict(credential)
    if image.startswith(PNG_SIGNATURE):
        return bake_png(image, payload)
    return bake_svg(image, payload)


def unbake(image: bytes) -> BakedCredential:
    """The credential baked into a PNG or SVG image (Open Badges 3.0 or 2.0)."""
    from credstack.standards.baking.png import PNG_SIGNATURE, unbake_png
    from credstack.standards.baking.svg import unbake_svg

    if image.startswith(PNG_SIGNATURE):
        return unbake_png(image)
    return unbake_svg(image)
