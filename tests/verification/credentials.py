"""Credentials signed by credstack for the verifier's tests: the example micro-credential
(``src/credstack/examples/micro-credential.json``: its EU elements in OB 3.0 fields),
signed with a fresh did:key, and the status list that can revoke it.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from credstack.standards import sign
from credstack.standards.fetch import StaticFetcher
from credstack.standards.keys.did_key import did_key_from_public_key
from credstack.standards.keys.multikey import Ed25519KeyPair
from credstack.standards.status.bitstring import Bitstring
from credstack.standards.status.status_list import status_list_credential

STATUS_LIST_URL = "https://status.uni-a.example/lists/1"
STATUS_INDEX = 4711
LEARNER_EMAIL = "bob@example.org"


def micro_credential() -> dict[str, Any]:
    """The unsigned example micro-credential, with a status entry on our status list."""
    text = resources.files("credstack.examples").joinpath("micro-credential.json").read_text()
    credential = json.loads(text)
    credential["issuer"]["id"] = "did:example:issuer"  # sign() puts the did:key here
    credential["credentialStatus"] = {
        "id": f"{STATUS_LIST_URL}#{STATUS_INDEX}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(STATUS_INDEX),
        "statusListCredential": STATUS_LIST_URL,
    }
    return credential


@dataclass
class SignedSet:
    key_pair: Ed25519KeyPair
    issuer: str
    credential: dict[str, Any]

    def status_fetcher(self, *, revoked: bool) -> StaticFetcher:
        """A fetcher serving the issuer's signed status list, with our index set or not."""
        bits = Bitstring()
        if revoked:
            bits.set(STATUS_INDEX, 1)
        status_list = status_list_credential(
            id=STATUS_LIST_URL,
            issuer=self.issuer,
            purpose="revocation",
            bitstring=bits,
            valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        )
        signed = sign(status_list, self.key_pair)
        return StaticFetcher({STATUS_LIST_URL: signed})

    def tampered(self) -> dict[str, Any]:
        copied = copy.deepcopy(self.credential)
        copied["credentialSubject"]["achievement"]["name"] = "Advanced Data Analysis"
        return copied


def signed_micro_credential() -> SignedSet:
    key_pair = Ed25519KeyPair.generate()
    signed = sign(micro_credential(), key_pair, created="2026-06-30T12:00:00Z")
    assert isinstance(signed, dict)
    return SignedSet(key_pair, did_key_from_public_key(key_pair.public_key), signed)
