"""Credentials from other issuers, as the 1EdTech validator's fixtures give them (Open
Badges 3.0 and CLR 2.0; JSON, VC-JWT, baked SVG and PNG), imported offline: each is kept
with the verifier's verdict, whatever it is."""

from __future__ import annotations

from typing import Any

import pytest

from credstack.standards.fetch import OfflineFetcher
from credstack.wallet import services
from credstack.wallet.models import WalletCredential
from tests.conftest import Personas
from tests.shared_data import fixture_path

CASES = [
    ("clr20/simple.json", "ClrCredential", "json", "application/ld+json"),
    ("clr20/simple.jwt", "ClrCredential", "jwt", "application/vc+jwt"),
    ("ob30/simple-json.svg", "OpenBadgeCredential", "baked-svg", "image/svg+xml"),
    ("ob30/simple-jwt.png", "OpenBadgeCredential", "baked-png-jwt", "image/png"),
    ("ob30/simple-err-expired.json", "OpenBadgeCredential", "json", "application/ld+json"),
]


@pytest.mark.parametrize(("name", "kind", "form", "media_type"), CASES)
def test_it_keeps_a_credential_from_another_issuer_with_its_verdict(
    settings: Any, personas: Personas, name: str, kind: str, form: str, media_type: str
) -> None:
    settings.CREDSTACK_VERIFICATION_FETCHER = OfflineFetcher()
    original = fixture_path(*name.split("/")).read_bytes()
    held = services.import_credential(personas.bob, upload=original, upload_name=name).credential
    assert held.kind == kind
    assert held.format == form
    assert held.media_type == media_type
    assert bytes(held.original) == original
    assert held.verdict == held.report["verdict"] != ""
    assert held.title and held.issuer_id
    if name.endswith("expired.json"):
        assert held.verdict == "expired" and held.expires_at is not None
    assert WalletCredential.objects.filter(owner=personas.bob).count() == 1
