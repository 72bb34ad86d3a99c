"""The wallet in a real browser (Chromium): bob signs in, adds a credential, makes it
public and shares his profile; every page passes axe-core with no serious violation and
fits a small phone's screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from credstack.wallet import services
from tests.browser.conftest import axe_violations
from tests.conftest import Personas
from tests.wallet.conftest import Forms, forms, status_list

# The wallet's credential and its status list, instead of the verifier tests' ones.
__all__ = ["forms", "status_list"]

pytestmark = pytest.mark.usefixtures("status_list")


def sign_in(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/wallet/")
    page.get_by_label("Email address").fill("bob@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_bob_adds_a_credential_and_shares_it(
    page: Any, live_server: Any, transactional_db: None, personas: Personas, forms: Forms
) -> None:
    sign_in(page, live_server)
    assert page.locator("h1").inner_text() == "My credentials"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Add a credential").first.click()
    assert axe_violations(page) == []
    page.get_by_label("Paste the credential").fill(forms.json_text)
    page.get_by_role("button", name="Verify and add").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Data Analysis with Python"
    assert page.locator("[data-verdict] .verdict").inner_text() == "VALID"
    assert axe_violations(page) == []
    page.get_by_label("Public: on my public profile, for anyone with the link").check()
    page.get_by_role("button", name="Save visibility").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Profile and privacy").click()
    assert axe_violations(page) == []
    page.get_by_label("Address of your public profile").fill("bob-learns")
    page.get_by_label("Switch my public profile on").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="/u/bob-learns/").click()
    page.wait_for_load_state()
    assert "Data Analysis with Python" in page.locator("#credentials").inner_text()
    assert axe_violations(page) == []


def test_the_wallet_pages_fit_a_phone(
    phone: Any,
    live_server: Any,
    transactional_db: None,
    personas: Personas,
    forms: Forms,
    status_list: Callable[..., None],
) -> None:
    held = services.import_credential(personas.bob, text=forms.json_text).credential
    collection = services.create_collection(personas.bob, name="For Acme")
    services.add_to_collection(personas.bob, collection, held)
    sign_in(phone, live_server)
    for path in (
        "/wallet/",
        "/wallet/import/",
        f"/wallet/c/{held.public_id}/",
        "/wallet/collections/",
        f"/wallet/collections/{collection.public_id}/",
        "/wallet/profile/",
        "/wallet/delete-account/",
    ):
        phone.goto(f"{live_server.url}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide"
        assert axe_violations(phone) == [], path
