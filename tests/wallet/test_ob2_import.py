"""Open Badges 2.0 in the wallet: a hosted assertion imported from its URL (served by a
local fake), kept with its badge's name, and revoked when the issuer revokes it."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from credstack.standards.fetch import StaticFetcher
from credstack.wallet import services
from tests.conftest import Personas

OB2 = "https://w3id.org/openbadges/v2"
ISSUER = "https://badges.example/issuer"
BADGE = "https://badges.example/badges/robotics"
ASSERTION = "https://badges.example/assertions/42"
REVOCATIONS = "https://badges.example/revocations"


def documents(*, revoked: bool) -> dict[str, Any]:
    identity = "sha256$" + hashlib.sha256(b"bob@example.orgpepper").hexdigest()
    return {
        ASSERTION: {
            "@context": OB2,
            "type": "Assertion",
            "id": ASSERTION,
            "recipient": {"type": "email", "hashed": True, "salt": "pepper", "identity": identity},
            "badge": BADGE,
            "verification": {"type": "HostedBadge"},
            "issuedOn": "2026-03-01T12:00:00+00:00",
        },
        BADGE: {
            "@context": OB2,
            "type": "BadgeClass",
            "id": BADGE,
            "name": "Robotics Basics",
            "description": "Built a robot that sorts recycling.",
            "image": "https://badges.example/badges/robotics.png",
            "criteria": {"narrative": "Build a robot."},
            "issuer": ISSUER,
        },
        ISSUER: {
            "@context": OB2,
            "type": "Issuer",
            "id": ISSUER,
            "name": "Robot Academy",
            "url": "https://badges.example",
            "email": "badges@badges.example",
            "revocationList": REVOCATIONS,
        },
        REVOCATIONS: {
            "@context": OB2,
            "type": "RevocationList",
            "id": REVOCATIONS,
            "issuer": ISSUER,
            "revokedAssertions": [ASSERTION] if revoked else [],
        },
    }


@pytest.fixture
def serve(settings: Any) -> Any:
    def serve_documents(*, revoked: bool) -> None:
        settings.CREDSTACK_VERIFICATION_FETCHER = StaticFetcher(documents(revoked=revoked))

    serve_documents(revoked=False)
    return serve_documents


def test_bob_imports_a_hosted_ob2_assertion_and_sees_it_revoked_later(
    personas: Personas, serve: Any
) -> None:
    now = timezone.now()
    held = services.import_credential(personas.bob, url=ASSERTION, now=now).credential
    assert held.format == "ob2-hosted"
    assert held.kind == "OpenBadges2Assertion"
    assert held.verdict == "valid"
    assert held.title == "Robotics Basics"
    assert held.issuer_name == "Robot Academy"
    assert held.issued_at is not None and held.issued_at.year == 2026
    serve(revoked=True)
    held = services.reverify_credential(held, now=now + timedelta(minutes=11))
    assert held.verdict == "revoked"
