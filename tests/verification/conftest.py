"""Fixtures of the verifier's tests: a credential signed by credstack (signed once per
session, signing is the slow part) and a way to serve its issuer's status list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.verification.credentials import SignedSet, signed_micro_credential


@pytest.fixture(autouse=True)
def no_rate_limit(settings: Any) -> None:
    """Tests verify many times from one address: the limit is off unless a test sets it,
    and no count is left over from another test."""
    from django.core.cache import cache

    settings.CREDSTACK_VERIFY_RATE_LIMIT = 0
    cache.clear()


@pytest.fixture(scope="session")
def signed() -> SignedSet:
    return signed_micro_credential()


@pytest.fixture
def status_list(settings: Any, signed: SignedSet) -> Callable[..., None]:
    """Serve the issuer's status list to the verifier (revoked or not), offline."""

    def serve(*, revoked: bool) -> None:
        settings.CREDSTACK_VERIFICATION_FETCHER = signed.status_fetcher(revoked=revoked)

    serve(revoked=False)
    return serve
