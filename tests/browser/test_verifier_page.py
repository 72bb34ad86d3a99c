"""An employer verifies credentials on the public verifier page, in a real browser."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from credstack.standards import bake
from tests.browser.conftest import axe_violations, response_sizes
from tests.verification.credentials import SignedSet
from tests.verification.images import SVG_WITH_SCRIPT, blank_png


def open_verifier(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/verify/")


def paste_and_verify(page: Any, live_server: Any, text: str) -> None:
    open_verifier(page, live_server)
    page.get_by_label("Paste the credential").fill(text)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()


def banner(page: Any) -> str:
    return str(page.locator("[data-verdict] .verdict").inner_text()).strip()


def test_an_employer_sees_a_credstack_credential_valid_with_issuer_and_eu_elements(
    page: Any, live_server: Any, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    paste_and_verify(page, live_server, json.dumps(signed.credential, indent=2))
    assert banner(page) == "VALID"
    issuer = page.get_by_role("region", name="Who issued it")
    assert "Universidade Exemplo, Faculty of Science" in issuer.inner_text()
    assert "Confirmed: the key that signed it belongs to this issuer." in issuer.inner_text()
    elements = page.locator("#elements")
    assert "EQF level 6" in elements.inner_text()
    assert "5 ECTS credits" in elements.inner_text()
    assert page.title().startswith("Valid")


def test_a_tampered_copy_shows_not_valid(
    page: Any, live_server: Any, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    paste_and_verify(page, live_server, json.dumps(signed.tampered()))
    assert banner(page) == "NOT VALID"
    assert page.locator("[data-outcome=failed]").count() >= 1


def test_a_revoked_credential_shows_revoked(
    page: Any, live_server: Any, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    status_list(revoked=True)
    paste_and_verify(page, live_server, json.dumps(signed.credential))
    assert banner(page) == "REVOKED"
    assert "withdrawn" in page.locator("[data-verdict]").inner_text()


def test_an_employer_uploads_a_baked_png(
    page: Any, live_server: Any, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    open_verifier(page, live_server)
    image = bake(blank_png(), signed.credential)
    page.get_by_label("Upload a file").set_input_files(
        {"name": "badge.png", "mimeType": "image/png", "buffer": image}
    )
    page.get_by_role("button", name="Verify").click()
    assert banner(page) == "VALID"


def test_garbage_gets_a_clear_message(page: Any, live_server: Any) -> None:
    paste_and_verify(page, live_server, "this is not a credential")
    assert banner(page) == "NOT VALID"
    assert "input is not a credential" in page.locator("ol.checks").inner_text()


def test_an_svg_with_a_script_is_refused_with_a_message(page: Any, live_server: Any) -> None:
    open_verifier(page, live_server)
    page.get_by_label("Upload a file").set_input_files(
        {"name": "badge.svg", "mimeType": "image/svg+xml", "buffer": SVG_WITH_SCRIPT}
    )
    page.get_by_role("button", name="Verify").click()
    assert "contains scripts" in page.get_by_role("alert").inner_text()


def test_the_page_works_without_javascript(
    no_script_page: Any, live_server: Any, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    paste_and_verify(no_script_page, live_server, json.dumps(signed.credential))
    assert banner(no_script_page) == "VALID"


def test_a_keyboard_user_can_skip_to_the_content(page: Any, live_server: Any) -> None:
    open_verifier(page, live_server)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_it_fits_a_360_pixel_phone(
    phone: Any, live_server: Any, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    paste_and_verify(phone, live_server, json.dumps(signed.credential))
    assert banner(phone) == "VALID"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways: {width} px wide"
    folder = os.environ.get("CREDSTACK_SCREENSHOT_DIR")
    if folder:
        phone.screenshot(path=str(Path(folder) / "verify-valid-360.png"), full_page=True)
        open_verifier(phone, live_server)
        phone.screenshot(path=str(Path(folder) / "verify-form-360.png"), full_page=True)


def test_the_first_load_is_under_300_kb(page: Any, live_server: Any) -> None:
    sizes = response_sizes(page)
    open_verifier(page, live_server)
    page.wait_for_load_state("networkidle")
    assert 0 < sum(sizes) < 300 * 1024
    assert len(sizes) == 1  # no stylesheet, font or script to fetch


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("state", ["form", "valid", "revoked", "garbage", "refused"])
def test_every_state_of_the_page_passes_axe(
    page: Any,
    live_server: Any,
    signed: SignedSet,
    status_list: Callable[..., None],
    scheme: str,
    state: str,
) -> None:
    page.emulate_media(color_scheme=scheme)
    if state == "form":
        open_verifier(page, live_server)
    elif state == "refused":
        open_verifier(page, live_server)
        page.get_by_label("Link to the credential").fill("https://127.0.0.1/private")
        page.get_by_role("button", name="Verify").click()
    else:
        status_list(revoked=state == "revoked")
        text = "garbage" if state == "garbage" else json.dumps(signed.credential)
        paste_and_verify(page, live_server, text)
    assert axe_violations(page) == []
