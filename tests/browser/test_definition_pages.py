"""The definition pages in a real browser (Chromium): alice writes a micro-credential
with an image, rita approves it, alice publishes it; every page passes axe-core with no
serious or critical violation and fits a small phone's screen."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image

from credstack.issuing.models import AchievementDefinition, DefinitionStatus
from credstack.issuing.services import create_definition
from tests.browser.conftest import axe_violations
from tests.conftest import COMPLETE_DEFINITION, Personas


def sign_in(page: Any, live_server: Any, email: str, path: str = "/orgs/") -> None:
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def submit(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def test_a_definition_is_written_approved_and_published_through_the_pages(
    page: Any,
    browser: Any,
    live_server: Any,
    transactional_db: None,
    personas: Personas,
    tmp_path: Path,
) -> None:
    sign_in(page, live_server, "alice@example.org")
    assert page.locator("h1").inner_text() == "My organisations"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Uni A").click()
    page.wait_for_load_state()
    assert "Your role: Issuer." in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="New definition").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []

    # A first try with a mistake: the problem is named and nothing typed is lost.
    page.get_by_label("Title of the micro-credential").fill("Data literacy for public servants")
    page.get_by_label("Learning outcomes").fill("Reads a chart critically\nCleans a small data set")
    page.get_by_label("Notional workload in ECTS credits").fill("three")
    submit(page, "Save the draft")
    assert "The definition was not saved" in page.locator("#error").inner_text()
    assert axe_violations(page) == []
    assert page.get_by_label("Title of the micro-credential").input_value() == (
        "Data literacy for public servants"
    )
    page.get_by_role("link", name="Notional workload in ECTS credits: Enter a number.").click()
    assert page.evaluate("document.activeElement.id") == "id_workload_ects"

    badge = tmp_path / "badge.png"
    out = io.BytesIO()
    Image.new("RGB", (900, 900), "#0b57d0").save(out, format="PNG")
    badge.write_bytes(out.getvalue())
    page.get_by_label("Notional workload in ECTS credits").fill("3")
    page.get_by_label("Level in the European Qualifications Framework (EQF)").select_option("6")
    page.get_by_label("Type of assessment").fill("Online exam with identity check")
    page.get_by_label("Form of participation in the learning activity").select_option("online")
    page.get_by_label("Type of quality assurance").fill("Internal QA of Uni A")
    page.get_by_label("Image", exact=True).set_input_files(str(badge))
    submit(page, "Save the draft")
    assert "The definition was saved as draft version 1." in page.locator("main").inner_text()
    assert "Every mandatory element is given" in page.locator("main").inner_text()
    assert page.locator(".definition-image img").evaluate("img => img.naturalWidth") == 512
    assert axe_violations(page) == []
    submit(page, "Submit for review")
    assert "sent for review" in page.locator("main").inner_text()
    detail_url = page.url

    reviewer = browser.new_context().new_page()
    try:
        sign_in(reviewer, live_server, "rita@example.org", path=detail_url[len(live_server.url) :])
        assert axe_violations(reviewer) == []
        submit(reviewer, "Approve")
        assert "Version 1 was approved." in reviewer.locator("main").inner_text()
    finally:
        reviewer.context.close()

    page.reload()
    submit(page, "Publish")
    assert "Version 1 was published" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    definition = AchievementDefinition.objects.get()
    assert definition.published_version is not None
    assert definition.published_version.status == DefinitionStatus.PUBLISHED

    page.get_by_role("link", name="Edit (makes a new draft version)").click()
    page.wait_for_load_state()
    assert "Saving makes a new draft, version 2" in page.locator("main").inner_text()
    assert axe_violations(page) == []


def test_the_definition_pages_fit_a_phone(
    phone: Any, live_server: Any, transactional_db: None, personas: Personas
) -> None:
    definition = create_definition(personas.uni_a, COMPLETE_DEFINITION, by=personas.alice)
    base = f"/orgs/uni-a/definitions/{definition.public_id}/"
    sign_in(phone, live_server, "alice@example.org")
    for path in (
        "/orgs/",
        "/orgs/uni-a/",
        "/orgs/uni-a/definitions/",
        "/orgs/uni-a/definitions/new/",
        base,
        f"{base}edit/",
    ):
        response = phone.goto(f"{live_server.url}{path}")
        size = len(response.body())
        assert size < 300_000, f"{path} is {size} bytes"
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide"
        assert axe_violations(phone) == [], path
