"""The demo in a real browser (Chromium): the home page with its demo accounts, the
catalogue filtered by a job requirement, a micro-credential's EU elements, and the
learner's wallet holding credentials in every state. Every page passes axe-core with no
serious violation and fits a small phone's screen."""

from __future__ import annotations

from typing import Any

import pytest

from credstack.demo import accounts
from credstack.demo.seeding import SeedReport, seed_demo
from credstack.web.catalogue import catalogue
from tests.browser.conftest import axe_violations


@pytest.fixture
def demo_site(transactional_db: None, settings: Any) -> SeedReport:
    settings.CREDSTACK_DEMO = True
    return seed_demo()


def test_an_employer_finds_the_credentials_for_a_job_requirement(
    page: Any, live_server: Any, demo_site: SeedReport
) -> None:
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Micro-credentials anyone can check"
    demo_box = page.get_by_role("region", name="This is a demo instance")
    for account in accounts.featured_accounts():
        assert account.email in demo_box.inner_text()
    assert axe_violations(page) == []

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Catalogue").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    page.get_by_label("Skill or job requirement").select_option(value="Data Analysis")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    entries = page.locator("#entries > li")
    assert entries.count() == len(catalogue(skill="Data Analysis").entries) > 1
    for index in range(entries.count()):
        assert "Data Analysis" in entries.nth(index).inner_text()
    assert axe_violations(page) == []

    entries.first.get_by_role("link").first.click()
    page.wait_for_load_state()
    elements = page.locator("#elements")
    assert "Learning outcomes" in elements.inner_text()
    assert "EQF level" in elements.inner_text()
    assert axe_violations(page) == []


def test_bob_signs_in_from_the_home_page_and_sees_every_state(
    page: Any, live_server: Any, demo_site: SeedReport
) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("region", name="This is a demo instance").get_by_role(
        "link", name="Sign in"
    ).click()
    page.get_by_label("Email address").fill(accounts.LEARNER.email)
    page.get_by_label("Password").fill(accounts.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    verdicts = {
        page.locator("#credentials [data-verdict]").nth(i).get_attribute("data-verdict")
        for i in range(page.locator("#credentials [data-verdict]").count())
    }
    assert verdicts == {"valid", "revoked", "suspended", "expired"}
    assert axe_violations(page) == []


def test_the_home_and_catalogue_pages_fit_a_phone(
    phone: Any, live_server: Any, demo_site: SeedReport
) -> None:
    phone.goto(f"{live_server.url}/catalogue/")
    first_entry = phone.locator("#entries > li a").first.get_attribute("href")
    for path in ("/", "/catalogue/", "/catalogue/?skill=Cybersecurity", first_entry):
        phone.goto(f"{live_server.url}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide"
        assert axe_violations(phone) == [], path
