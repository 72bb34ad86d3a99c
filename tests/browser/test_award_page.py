"""An award's public page in a real browser: an employer opens the link a learner shared."""

from __future__ import annotations

from typing import Any

import pytest

from credstack.issuing.models import Award
from credstack.issuing.services import revoke_credential
from tests.browser.conftest import axe_violations
from tests.conftest import Personas
from tests.issuing.award_pages import award_for_bob


@pytest.fixture
def award(transactional_db: None, personas: Personas, published_definition: Any) -> Award:
    return award_for_bob(personas, published_definition)


def test_an_employer_opens_the_shared_link_and_sees_it_valid(
    page: Any, live_server: Any, award: Award
) -> None:
    page.goto(f"{live_server.url}/c/{award.public_id}/")
    assert page.locator("h1").inner_text() == "Data literacy for public servants"
    assert page.locator("[data-verdict] .verdict").inner_text() == "VALID"
    assert "Awarded to Bob Example" in page.locator("main").inner_text()
    assert page.get_by_role("img", name="QR code that opens the verification").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download: certificate (PDF)").click()
    assert download.value.suggested_filename == "data-literacy-for-public-servants.pdf"
    assert axe_violations(page) == []


def test_a_revoked_award_shows_revoked_first(
    page: Any, live_server: Any, award: Award, personas: Personas
) -> None:
    revoke_credential(award, reason="Issued in error", by=personas.alice)
    page.goto(f"{live_server.url}/c/{award.public_id}/")
    assert page.locator("[data-verdict] .verdict").inner_text() == "REVOKED"
    assert "Issued in error" not in page.locator("main").inner_text()
    assert axe_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_award_page_passes_axe_and_fits_a_phone(
    phone: Any, live_server: Any, award: Award, scheme: str
) -> None:
    phone.emulate_media(color_scheme=scheme)
    phone.goto(f"{live_server.url}/c/{award.public_id}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []


def test_the_page_works_without_javascript(
    no_script_page: Any, live_server: Any, award: Award
) -> None:
    no_script_page.goto(f"{live_server.url}/c/{award.public_id}/")
    assert no_script_page.locator("[data-verdict] .verdict").inner_text() == "VALID"
