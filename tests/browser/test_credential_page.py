"""A credential's public page in a real browser: the employer opens a shared link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser import urls
from tests.browser.conftest import axe_violations
from tests.verification.credentials import SignedSet

pytestmark = pytest.mark.urls("tests.browser.urls")


@pytest.fixture
def shared(signed: SignedSet, status_list: Callable[..., None]) -> SignedSet:
    urls.shown["credential"] = signed.credential
    return signed


def test_an_employer_opens_a_shared_link_and_sees_it_valid(
    page: Any, live_server: Any, shared: SignedSet
) -> None:
    page.goto(f"{live_server.url}/c/demo")
    assert page.locator("h1").inner_text() == "Data Analysis with Python"
    assert page.locator("[data-verdict] .verdict").inner_text() == "VALID"
    assert page.get_by_role("img", name="QR code that opens the verification").is_visible()
    verify = page.get_by_role("link", name="Verify it again on the verifier page")
    assert "/verify/?url=" in str(verify.get_attribute("href"))


def test_the_shared_page_shows_a_revocation(
    page: Any, live_server: Any, shared: SignedSet, status_list: Callable[..., None]
) -> None:
    status_list(revoked=True)
    page.goto(f"{live_server.url}/c/demo")
    assert page.locator("[data-verdict] .verdict").inner_text() == "REVOKED"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_shared_page_passes_axe_and_fits_a_phone(
    phone: Any, live_server: Any, shared: SignedSet, scheme: str
) -> None:
    phone.emulate_media(color_scheme=scheme)
    phone.goto(f"{live_server.url}/c/demo")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []
