"""Fixtures of the wallet's tests: bob's credential signed in the test (once per session,
signing is the slow part), in every form a learner receives it, and its status list
served offline through the setting the wallet's verification reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from credstack.standards import bake, sign
from tests.verification.credentials import SignedSet, micro_credential, signed_micro_credential
from tests.verification.images import blank_png


@dataclass(frozen=True)
class Forms:
    """One signed credential as JSON text, as a VC-JWT, baked in a PNG; and a second,
    different credential."""

    signed: SignedSet
    json_text: str
    jwt: str
    baked_png: bytes
    other_json_text: str
    expiring_json_text: str  # valid until 2027-01-01


@pytest.fixture(scope="session")
def forms() -> Forms:
    import json

    signed = signed_micro_credential()
    unsigned = micro_credential()
    del unsigned["credentialStatus"]
    token = sign(unsigned, signed.key_pair, suite="vc-jwt")
    assert isinstance(token, str)
    other = micro_credential()
    other["name"] = "Statistics for Data Analysis (micro-credential)"
    other["credentialSubject"]["achievement"]["name"] = "Statistics for Data Analysis"
    other_signed = sign(other, signed.key_pair, created="2026-06-30T12:00:00Z")
    expiring = micro_credential()
    expiring["validUntil"] = "2027-01-01T00:00:00Z"
    expiring_signed = sign(expiring, signed.key_pair, created="2026-06-30T12:00:00Z")
    return Forms(
        signed=signed,
        json_text=json.dumps(signed.credential),
        jwt=token,
        baked_png=bake(blank_png(), signed.credential),
        other_json_text=json.dumps(other_signed),
        expiring_json_text=json.dumps(expiring_signed),
    )


@pytest.fixture
def status_list(settings: Any, forms: Forms) -> Callable[..., None]:
    """Serve the issuer's status list (revoked or not) to the wallet's verification."""

    def serve(*, revoked: bool) -> None:
        settings.CREDSTACK_VERIFICATION_FETCHER = forms.signed.status_fetcher(revoked=revoked)

    serve(revoked=False)
    return serve
