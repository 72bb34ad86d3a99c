"""The platform's whole story in a real browser (Chromium), through the pages only.

Uni A's issuer alice defines a micro-credential with every EU element, rita approves it
and alice publishes it; alice awards it to a cohort from a CSV file with one bad row and
downloads the report. bob opens the claim link from his email, signs in, keeps the
credential in his wallet and finds its public page with the share link, QR code and
LinkedIn link. carol, an employer, opens the QR code's link and sees it valid, with its
issuer and EU elements. alice revokes it; carol's check and the public page now say
revoked. Every page visited passes axe-core with no serious or critical violation; the
learner's and the employer's pages are also walked on a small phone.

The instance's public address is ``CREDSTACK_BASE_URL`` (https://credstack.test): the
links it gives out (in the email, on the pages) are opened on the test server instead.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from django.conf import settings

from credstack.issuing.services import issue_credential, revoke_credential
from tests.browser.conftest import axe_violations
from tests.conftest import Personas

TITLE = "Data literacy for public servants"
PASSWORD = "correct horse battery"
COHORT = "\n".join(
    [
        "email,name",
        "ann@example.org,Ann Able",
        "bob@example.org,Bob Example",
        "not-an-email,Ned Nowhere",  # line 4: refused, with its reason
    ]
).encode()
PHONE_WIDTH = 360


class Story:
    """The people of the story, each in a browser of their own, and the checks made on
    every page they stop at: axe-core, and on a phone that nothing scrolls sideways."""

    def __init__(self, browser: Any, live_server: Any) -> None:
        self.browser = browser
        self.server = live_server.url
        self.contexts: list[Any] = []

    def person(self, *, on_phone: bool = False) -> Any:
        if on_phone:
            context = self.browser.new_context(
                viewport={"width": PHONE_WIDTH, "height": 740},
                device_scale_factor=2,
                has_touch=True,
            )
        else:
            context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        self.contexts.append(context)
        return context.new_page()

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def here(self, url: str) -> str:
        """``url``, an address of the instance, on the test server."""
        base = settings.CREDSTACK_BASE_URL
        assert url.startswith(base + "/"), f"{url} is not an address of this instance"
        return self.server + url[len(base) :]

    def look(self, page: Any, step: str) -> None:
        page.wait_for_load_state()
        where = f"{step} ({page.url})"
        assert axe_violations(page) == [], f"{where}: axe-core found serious violations"
        if page.viewport_size["width"] <= PHONE_WIDTH:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE_WIDTH, f"{where}: the page is {width} px wide on a phone"


def main_text(page: Any) -> str:
    return str(page.get_by_role("main").inner_text())


def verdict(page: Any) -> str:
    return str(page.locator("[data-verdict] .verdict").inner_text()).strip()


def click(page: Any, role: str, name: str) -> None:
    """Click a link or a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()
    page.wait_for_load_state()


def sign_in(page: Any, email: str) -> None:
    """Fill the sign-in form the page shows (after a redirect to it)."""
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in", page.url
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    click(page, "button", "Sign in")


@pytest.fixture
def story(browser: Any, live_server: Any) -> Iterator[Story]:
    told = Story(browser, live_server)
    try:
        yield told
    finally:
        told.close()


@dataclass
class Shared:
    """What bob shares: his credential's public page, and the verifier's link that its
    QR code encodes."""

    public_url: str
    verify_url: str


def test_a_credential_is_defined_awarded_claimed_shared_verified_and_revoked(
    story: Story,
    transactional_db: None,
    personas: Personas,
    uni_a_key: Any,
    mailoutbox: list[Any],
) -> None:
    alice = story.person()
    alice_defines_and_publishes_the_credential(story, alice)
    alice_awards_it_to_a_cohort_from_a_csv_file(story, alice)
    shared = bob_claims_it_and_finds_what_to_share(story, story.person(), mailoutbox)
    carol = story.person()
    carol_verifies_the_shared_link(story, carol, shared)
    alice_revokes_bobs_award(story, alice)
    carol_sees_it_revoked(story, carol, shared)


def test_the_learner_and_the_employer_do_their_part_on_a_phone(
    story: Story,
    transactional_db: None,
    personas: Personas,
    published_definition: Any,
    mailoutbox: list[Any],
) -> None:
    award = issue_credential(
        published_definition.published_version,
        recipient_email="bob@example.org",
        recipient_name="Bob Example",
        by=personas.alice,
    )
    shared = bob_claims_it_and_finds_what_to_share(story, story.person(on_phone=True), mailoutbox)
    carol = story.person(on_phone=True)
    carol_verifies_the_shared_link(story, carol, shared)
    revoke_credential(award, reason="Assessment found to be plagiarised", by=personas.alice)
    carol_sees_it_revoked(story, carol, shared)


def alice_defines_and_publishes_the_credential(story: Story, alice: Any) -> None:
    """Step 1: alice defines the micro-credential; rita approves it; alice publishes it."""
    alice.goto(f"{story.server}/orgs/")
    story.look(alice, "1. sign-in page")
    sign_in(alice, "alice@example.org")
    story.look(alice, "1. alice's organisations")
    click(alice, "link", "Uni A")
    story.look(alice, "1. Uni A's dashboard")
    click(alice, "link", "New definition")
    story.look(alice, "1. new definition form")
    fill_every_eu_element(alice)
    click(alice, "button", "Save the draft")
    saved = main_text(alice)
    assert "The definition was saved as draft version 1." in saved, f"1. draft not saved: {saved}"
    assert "Every mandatory element is given" in saved, f"1. an EU element is missing: {saved}"
    story.look(alice, "1. the draft")
    click(alice, "button", "Submit for review")
    assert "sent for review" in main_text(alice), "1. the draft was not sent for review"
    story.look(alice, "1. the definition in review")

    rita = story.person()
    rita.goto(alice.url)
    sign_in(rita, "rita@example.org")
    story.look(rita, "1. rita reviews the definition")
    click(rita, "button", "Approve")
    assert "Version 1 was approved." in main_text(rita), "1. rita could not approve"

    alice.reload()
    click(alice, "button", "Publish")
    assert "Version 1 was published" in main_text(alice), "1. alice could not publish"
    story.look(alice, "1. the published definition")


def alice_awards_it_to_a_cohort_from_a_csv_file(story: Story, alice: Any) -> None:
    """Step 2: a CSV file of three learners, one of them with a bad address."""
    click(alice, "link", "Bulk awards")
    story.look(alice, "2. bulk awards")
    click(alice, "link", "Upload a CSV file")
    story.look(alice, "2. upload form")
    alice.get_by_label("Credential to award").select_option(label=TITLE)
    alice.get_by_label("CSV file", exact=True).set_input_files(
        {"name": "cohort.csv", "mimeType": "text/csv", "buffer": COHORT}
    )
    click(alice, "button", "Check the file")
    bad_rows = alice.get_by_role("table", name="Invalid rows").locator("tbody tr")
    assert bad_rows.count() == 1, "2. the preview does not show exactly the one bad row"
    bad_row = bad_rows.first.inner_text()
    assert "4" in bad_row and "invalid email 'not-an-email'" in bad_row, f"2. bad row: {bad_row}"
    story.look(alice, "2. the preview")
    click(alice, "button", "Award 2 credentials")
    summary = alice.get_by_role("region", name="Progress").inner_text()
    assert "Done: 2 credentials issued." in summary, f"2. the job did not complete: {summary}"
    story.look(alice, "2. the finished job")
    with alice.expect_download() as download:
        alice.get_by_role("link", name="Download the report (CSV)").click()
    report = report_rows(Path(download.value.path()).read_bytes())
    assert report["bob@example.org"]["state"] == "issued", f"2. report: {report}"
    assert report["bob@example.org"]["award"].startswith("awd_"), f"2. report: {report}"
    assert report["not-an-email"]["state"] != "issued", f"2. report: {report}"
    assert "invalid email" in report["not-an-email"]["reason"], f"2. report: {report}"


def bob_claims_it_and_finds_what_to_share(story: Story, bob: Any, outbox: list[Any]) -> Shared:
    """Step 3: bob opens the claim link from his email, signs in, keeps the credential in
    his wallet, and finds its public page with the share link, QR code and LinkedIn."""
    to_bob = [message for message in outbox if message.to == ["bob@example.org"]]
    assert len(to_bob) == 1, f"3. bob got {len(to_bob)} claim emails"
    assert TITLE in to_bob[0].subject, f"3. subject: {to_bob[0].subject}"
    claim_links = re.findall(r"https://\S+/claim/\S+/", to_bob[0].body)
    assert len(claim_links) == 1, f"3. no single claim link in the email: {to_bob[0].body}"
    bob.goto(story.here(claim_links[0]))
    assert bob.get_by_role("heading", level=1).inner_text() == TITLE, "3. claim page title"
    assert "Uni A has awarded you this credential" in main_text(bob), "3. claim page lead"
    story.look(bob, "3. the claim page")
    click(bob, "link", "Sign in to add it to my wallet")
    story.look(bob, "3. sign in from the claim page")
    sign_in(bob, "bob@example.org")
    click(bob, "button", "Add to my wallet")
    assert "/wallet/c/" in bob.url, f"3. not in the wallet: {bob.url}"
    assert "The credential is in your wallet." in main_text(bob), "3. no confirmation"
    assert verdict(bob) == "VALID", "3. the wallet does not show the credential valid"
    story.look(bob, "3. the credential in bob's wallet")
    click(bob, "link", "My credentials")
    assert TITLE in main_text(bob), "3. the wallet's list does not show the credential"
    story.look(bob, "3. bob's wallet")

    # The email's link, once used, leads bob to the credential's public page.
    bob.goto(story.here(claim_links[0]))
    assert "You claimed this credential" in main_text(bob), "3. the used link's page"
    story.look(bob, "3. the claimed link's page")
    with bob.expect_navigation():
        bob.get_by_role("link", name=f"{settings.CREDSTACK_BASE_URL}/c/awd_").click()
    assert bob.get_by_role("heading", level=1).inner_text() == TITLE, "3. public page title"
    assert verdict(bob) == "VALID", "3. the public page does not show the credential valid"
    story.look(bob, "3. the public page")
    public_url = bob.get_by_label("Link to this page").input_value()
    assert story.here(public_url) == bob.url, f"3. share link {public_url} is not {bob.url}"
    linkedin = str(bob.get_by_role("link", name="Add to LinkedIn profile").get_attribute("href"))
    assert linkedin.startswith("https://www.linkedin.com/"), f"3. LinkedIn link: {linkedin}"
    assert parse_qs(urlsplit(linkedin).query)["certUrl"] == [public_url], "3. LinkedIn certUrl"
    verify_url = str(
        bob.get_by_role("link", name="Verify it again on the verifier page").get_attribute("href")
    )
    qr_code = bob.get_by_role("img", name="QR code that opens the verification")
    assert qr_code.is_visible(), "3. no QR code on the public page"
    assert qr_modules(qr_code.locator("path[stroke]").get_attribute("d")) == (
        modules_encoding(verify_url)
    ), f"3. the QR code does not encode the verifier's link {verify_url}"
    return Shared(public_url=public_url, verify_url=verify_url)


def carol_verifies_the_shared_link(story: Story, carol: Any, shared: Shared) -> None:
    """Step 4: carol, an employer (not signed in), opens the QR code's link."""
    carol.goto(story.here(shared.verify_url))
    assert verdict(carol) == "VALID", "4. carol does not see the credential valid"
    issuer = carol.get_by_role("region", name="Who issued it").inner_text()
    assert "Uni A" in issuer, f"4. issuer: {issuer}"
    assert "Confirmed: the key that signed it belongs to this issuer." in issuer, "4. key"
    elements = carol.locator("#elements").inner_text()
    for element in ("EQF level 6", "3 ECTS credits", "Online exam with identity check"):
        assert element in elements, f"4. EU element {element!r} missing: {elements}"
    assert "Not stated in the credential" not in elements, f"4. EU elements: {elements}"
    story.look(carol, "4. the verification")


def alice_revokes_bobs_award(story: Story, alice: Any) -> None:
    """Step 5: alice finds bob's award and revokes it with a reason."""
    click(alice, "link", "Awards")
    story.look(alice, "5. awards")
    alice.get_by_label("Email, name or award id").fill("bob@example.org")
    # The list narrows as she types (htmx), and the address follows the search once the
    # new results are in; clicking "Find" now would race that request.
    alice.wait_for_url(re.compile(r"[?&]q=bob%40example\.org"))
    alice.wait_for_function("() => !document.querySelector('.htmx-request')")
    story.look(alice, "5. bob's awards")
    click(alice, "link", "Bob Example")
    assert alice.locator("#award-status").inner_text() == "Active", "5. award not active"
    story.look(alice, "5. bob's award")
    click(alice, "link", "Revoke…")
    story.look(alice, "5. the revocation form")
    alice.get_by_label("Reason (required)").fill("Assessment found to be plagiarised")
    click(alice, "button", "Revoke permanently")
    assert alice.locator("#award-status").inner_text() == "Revoked", "5. not revoked"
    story.look(alice, "5. the revoked award")


def carol_sees_it_revoked(story: Story, carol: Any, shared: Shared) -> None:
    """Step 6: carol checks again; the public page says revoked too, without the reason."""
    carol.reload()
    assert verdict(carol) == "REVOKED", "6. carol's check does not show the revocation"
    story.look(carol, "6. the verification after the revocation")
    carol.goto(story.here(shared.public_url))
    assert verdict(carol) == "REVOKED", "6. the public page does not show the revocation"
    assert "plagiarised" not in main_text(carol), "6. the issuer's reason is shown publicly"
    story.look(carol, "6. the public page after the revocation")


def fill_every_eu_element(page: Any) -> None:
    """The definition form with every EU mandatory element and the usual optional ones."""
    fields = {
        "Title of the micro-credential": TITLE,
        "Country of the issuer": "FI",
        "Awarding body or bodies": "Uni A | https://uni-a.example.edu | FI",
        "Learning outcomes": "Reads a chart critically\nCleans a small data set",
        "Notional workload in ECTS credits": "3",
        "Type of assessment": "Online exam with identity check",
        "Type of quality assurance": "Internal QA of Uni A, accredited by FINEEC",
        "Prerequisites needed to enrol": "None",
        "Grade achieved, or grading scheme": "Pass/fail",
        "Description": "Read, question and present data.",
        "Criteria: how it is earned": "Pass the final assessment with at least 60 %.",
        "Skills and alignments": (
            "analyse data | http://data.europa.eu/esco/skill/S5.6.1 | ESCO | S5.6.1"
        ),
        "Language": "en",
    }
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Level in the European Qualifications Framework (EQF)").select_option("6")
    page.get_by_label("Cycle (if applicable)").select_option("first")
    page.get_by_label("Form of participation in the learning activity").select_option("online")


def report_rows(content: bytes) -> dict[str, dict[str, str]]:
    """The bulk job's CSV report, by email."""
    rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    return {row["email"]: row for row in rows}


def qr_modules(path: str) -> set[tuple[int, int]]:
    """The dark modules (column, row) of a QR code drawn as one SVG path of horizontal
    lines (segno's drawing: ``M`` and ``m`` moves, ``h`` lines, one unit per module),
    counted from the top-left corner of its top-left finder pattern."""
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            dark.update((int(x) + step, int(y)) for step in range(int(float(first))))
            x += float(first)
    return _from_corner(dark)


def modules_encoding(url: str) -> set[tuple[int, int]]:
    """The dark modules of the QR code (error correction M) that encodes ``url``."""
    matrix = segno.make(url, error="m").matrix
    return _from_corner(
        {(column, row) for row, cells in enumerate(matrix) for column, on in enumerate(cells) if on}
    )


def _from_corner(dark: set[tuple[int, int]]) -> set[tuple[int, int]]:
    assert dark, "no dark module"
    left = min(column for column, _ in dark)
    top = min(row for _, row in dark)
    return {(column - left, row - top) for column, row in dark}
