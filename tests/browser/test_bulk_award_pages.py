"""The issuer's award pages in a real browser (Chromium): alice uploads a CSV with a bad
row, sees it in the preview, starts the job and gets the result; a running job's page
follows its progress by itself; alice awards one credential and revokes it. Every page
passes axe-core with no serious or critical violation and fits a small phone's screen."""

from __future__ import annotations

from typing import Any

from credstack.bulk.models import BulkJob, JobStatus
from credstack.bulk.services import create_bulk_job, run_bulk_job
from credstack.issuing.models import Award, AwardStatus
from credstack.issuing.services import issue_credential
from tests.browser.conftest import axe_violations
from tests.conftest import Personas

COHORT = (
    b"email,name,grade\n"
    b"ann@example.org,Ann Able,5\n"
    b"ben.example.org,Ben Baker,4\n"
    b"cid@example.org,Cid Curie,3\n"
)
TITLE = "Data literacy for public servants"


def sign_in(page: Any, live_server: Any, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("Email address").fill("alice@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def click(page: Any, role: str, name: str) -> None:
    page.get_by_role(role, name=name, exact=True).click()
    page.wait_for_load_state()


def test_alice_awards_a_cohort_from_a_csv_file(
    page: Any,
    live_server: Any,
    transactional_db: None,
    personas: Personas,
    published_definition: Any,
) -> None:
    sign_in(page, live_server, "/orgs/uni-a/bulk/")
    assert page.locator("h1").inner_text() == "Bulk awards"
    assert axe_violations(page) == []
    click(page, "link", "Upload a CSV file")
    assert axe_violations(page) == []

    # A file without the name column is refused on the page; the choice stays.
    page.get_by_label("Credential to award").select_option(label=TITLE)
    page.get_by_label("CSV file", exact=True).set_input_files(
        {"name": "wrong.csv", "mimeType": "text/csv", "buffer": b"email\nann@example.org\n"}
    )
    click(page, "button", "Check the file")
    assert "missing required column(s) name" in page.locator("#error").inner_text()
    assert axe_violations(page) == []

    page.get_by_label("CSV file", exact=True).set_input_files(
        {"name": "cohort.csv", "mimeType": "text/csv", "buffer": COHORT}
    )
    click(page, "button", "Check the file")
    assert page.locator("h1").inner_text() == "Bulk upload “cohort.csv”"
    bad_rows = page.locator("#bad-rows tbody tr")
    assert bad_rows.count() == 1
    assert "3" in bad_rows.first.inner_text()
    assert "invalid email 'ben.example.org'" in bad_rows.first.inner_text()
    assert not Award.objects.exists()
    assert axe_violations(page) == []

    click(page, "button", "Award 2 credentials")
    assert "Done: 2 credentials issued." in page.locator("#summary").inner_text()
    assert Award.objects.count() == 2
    assert page.get_by_role("link", name="Download the report (CSV)", exact=False).count() == 1
    assert axe_violations(page) == []

    # The same file again: nothing left to issue, the rows point at their awards.
    click(page, "link", "Bulk awards")
    click(page, "link", "Upload a CSV file")
    page.get_by_label("Credential to award").select_option(label=TITLE)
    page.get_by_label("CSV file", exact=True).set_input_files(
        {"name": "cohort.csv", "mimeType": "text/csv", "buffer": COHORT}
    )
    click(page, "button", "Check the file")
    assert page.locator("#before-rows tbody tr").count() == 2
    assert "Nothing to issue" in page.locator("#summary").inner_text()
    assert axe_violations(page) == []


def test_a_running_job_page_follows_the_job_to_its_end(
    page: Any,
    live_server: Any,
    transactional_db: None,
    personas: Personas,
    published_definition: Any,
) -> None:
    job = create_bulk_job(
        published_definition.published_version, COHORT, by=personas.alice, file_name="c.csv"
    )
    BulkJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_by=personas.alice)
    sign_in(page, live_server, f"/orgs/uni-a/bulk/{job.public_id}/")
    progress = page.locator("progress#job-progress")
    assert progress.get_attribute("max") == "2"
    assert page.locator("#progress-text").inner_text() == "0 of 2 rows done (0 %)"
    assert axe_violations(page) == []

    # Requests wait for this thread while it works, so the page and the job never use
    # the test database at the same moment.
    page.route("**/progress", lambda route: route.continue_())
    with page.expect_response(lambda response: response.url.endswith("/progress")):
        pass
    run_bulk_job(job.public_id)
    page.wait_for_selector(".banner-good", timeout=20_000)
    assert "Done: 2 credentials issued." in page.locator("#summary").inner_text()
    assert page.locator("progress").count() == 0
    assert axe_violations(page) == []


def test_alice_awards_one_credential_and_revokes_it(
    page: Any,
    live_server: Any,
    transactional_db: None,
    personas: Personas,
    published_definition: Any,
) -> None:
    sign_in(page, live_server, "/orgs/uni-a/awards/")
    assert page.locator("h1").inner_text() == "Awards"
    assert axe_violations(page) == []
    click(page, "link", f"Award “{TITLE}” to one learner")
    assert axe_violations(page) == []

    page.get_by_label("Learner's email address or DID").fill("bob@example.org")
    page.get_by_label("Award date (optional)").fill("2026-01-15")
    click(page, "button", "Award the credential")
    assert "Learner's name: This field is required." in page.locator("#error").inner_text()
    assert page.get_by_label("Learner's email address or DID").input_value() == "bob@example.org"
    assert axe_violations(page) == []

    page.get_by_label("Learner's name").fill("Bob Learner")
    click(page, "button", "Award the credential")
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator("#award-status").inner_text() == "Active"
    assert axe_violations(page) == []

    click(page, "link", "Revoke…")
    assert "Revoking is permanent" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Reason (required)").fill("Awarded by mistake")
    click(page, "button", "Revoke permanently")
    assert page.locator("#award-status").inner_text() == "Revoked"
    assert Award.objects.get().status == AwardStatus.REVOKED
    assert axe_violations(page) == []


def test_the_award_pages_fit_a_phone(
    phone: Any,
    live_server: Any,
    transactional_db: None,
    personas: Personas,
    published_definition: Any,
) -> None:
    award = issue_credential(
        published_definition.published_version,
        recipient_email="a.learner.with.a.rather.long.address@faculty.uni-a.example.edu",
        recipient_name="Ann Able",
        by=personas.alice,
    )
    job = create_bulk_job(published_definition.published_version, COHORT, by=personas.alice)
    sign_in(phone, live_server, "/orgs/uni-a/awards/")
    for path in (
        "/orgs/uni-a/awards/",
        f"/orgs/uni-a/definitions/{published_definition.public_id}/award/",
        f"/orgs/uni-a/awards/{award.public_id}/",
        f"/orgs/uni-a/awards/{award.public_id}/revoke/",
        f"/orgs/uni-a/awards/{award.public_id}/recipient-email/",
        "/orgs/uni-a/bulk/",
        "/orgs/uni-a/bulk/new/",
        f"/orgs/uni-a/bulk/{job.public_id}/",
    ):
        phone.goto(f"{live_server.url}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide"
        assert axe_violations(phone) == [], path
