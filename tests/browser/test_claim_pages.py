"""The claim pages in a real browser (Chromium): Ana opens the link from her email,
creates an account and finds the credential in her wallet; every claim page passes
axe-core with no serious violation and fits a small phone's screen."""

from __future__ import annotations

from typing import Any

from django.core import mail

from credstack.claims.models import ClaimLink
from credstack.issuing.services import issue_credential
from tests.browser.conftest import axe_violations
from tests.claims.conftest import instance_documents, token_in

# The claim tests' fixture serving this instance's documents to verification.
__all__ = ["instance_documents"]


def _award(personas: Any, definition: Any, instance_documents: Any, email: str) -> str:
    award = issue_credential(
        definition.published_version,
        recipient_email=email,
        recipient_name="Ana Silva",
        by=personas.alice,
    )
    instance_documents(award)
    return token_in(mail.outbox[-1])


def test_ana_claims_her_credential_with_a_new_account(
    page, live_server, transactional_db, personas, published_definition, instance_documents
):
    token = _award(personas, published_definition, instance_documents, "ana@example.org")
    page.goto(f"{live_server.url}/claim/{token}/")
    assert page.locator("h1").inner_text() == "Data literacy for public servants"
    assert axe_violations(page) == []
    page.get_by_label("Password", exact=True).fill("a long and unusual passphrase 42")
    page.get_by_label("Password again").fill("a long and unusual passphrase 42")
    page.get_by_role("button", name="Create my account and add it").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Data literacy for public servants"
    assert page.locator("[data-verdict] .verdict").inner_text() == "VALID"
    assert "/wallet/c/" in page.url
    page.goto(f"{live_server.url}/claim/{token}/")
    assert "See it in your wallet" in page.content()
    assert axe_violations(page) == []


def test_the_claim_pages_fit_a_phone(
    phone, live_server, transactional_db, personas, published_definition, instance_documents
):
    token = _award(personas, published_definition, instance_documents, "ana@example.org")
    used = _award(personas, published_definition, instance_documents, "bea@example.org")
    ClaimLink.objects.filter(email="bea@example.org").update(expires_at="2000-01-01T00:00Z")
    for path in (f"/claim/{token}/", f"/claim/{used}/", "/claim/unknown-token-0000000000/"):
        phone.goto(f"{live_server.url}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide"
        assert axe_violations(phone) == [], path
    phone.goto(f"{live_server.url}/claim/{token}/")
    phone.get_by_role("button", name="Download without an account").click()
    phone.wait_for_load_state()
    assert phone.locator("#claimed").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []
