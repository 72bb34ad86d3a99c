"""The issuer's award pages in a real browser (Chromium): alice uploads a CSV with a bad
row, sees it in the preview, starts the job and gets the result; a running job's page
follows its progress by itself (htmx); typing in the awards search narrows the table
(htmx), and the search works without JavaScript too; alice awards one credential and
revokes it. Every page passes axe-core with no serious or critical violation, loads in
under 300 KB and fits a small phone's screen."""

from __future__ import annotations

from typing import Any

from credstack.bulk.models import BulkJob, JobStatus
from credstack.bulk.services import create_bulk_job, run_bulk_job
from credstack.issuing.models import Award, AwardStatus
from credstack.issuing.services import issue_credential
from tests.browser.conftest import axe_violations, response_sizes
from tests.conftest import Personas

COHORT = (
    b"email,name,grade\n"
    b"ann@example.org,Ann Able,5\n"
    b"ben.example.org,Ben Baker,4\n"
    b"cid@example.org,Cid Curie,3\n"
)
TITLE = "Data literacy for public servants"


def wait_for_rows(page: Any, count: int) -> None:
    page.wait_for_function(
        "count => document.querySelectorAll('#awards tbody tr').length === count", arg=count
    )


def wait_for_count_text(page: Any, text: str) -> None:
    page.wait_for_function(
        "text => document.getElementById('awards-count').textContent === text", arg=text
    )


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
    sign_in(page, live_server, "/orgs/uni-a/")
    sizes = response_sizes(page)
    page.goto(f"{live_server.url}/orgs/uni-a/bulk/{job.public_id}/")
    page.wait_for_load_state("networkidle")
    assert 0 < sum(sizes) < 300 * 1024
    progress = page.locator("progress#job-progress")
    assert progress.get_attribute("max") == "2"
    assert page.locator("#progress-text").inner_text() == "0 of 2 rows done (0 %)"
    assert page.evaluate("typeof htmx") == "object"
    assert axe_violations(page) == []
    page.evaluate("window.sameDocument = true")

    # htmx asks for the page's live part; requests wait for this thread while it works,
    # so the page and the job never use the test database at the same moment.
    polled: list[str] = []
    page.on("request", lambda request: polled.append(request.headers.get("hx-request", "")))
    page.route(lambda url: "announced=" in url, lambda route: route.continue_())
    with page.expect_response(lambda response: "announced=" in response.url):
        pass
    run_bulk_job(job.public_id)
    page.wait_for_selector(".banner-good", timeout=20_000)
    assert "Done: 2 credentials issued." in page.locator("#summary").inner_text()
    assert page.get_by_role("link", name="Download the report (CSV)", exact=False).count() == 1
    assert page.locator("progress").count() == 0
    assert page.locator("#job-status").inner_text() == "Done"
    # The live region, still in place, was told; the live part that came last polls no more.
    assert page.locator("#progress-announcer").inner_text() == "Done: 2 credentials issued."
    assert page.locator("#progress-announcer").get_attribute("aria-live") == "polite"
    assert page.locator("#job-live").get_attribute("hx-trigger") is None
    # One page all along: htmx updated it, nothing reloaded it.
    assert page.evaluate("window.sameDocument") is True
    assert polled and set(polled) == {"true"}
    assert axe_violations(page) == []


def test_typing_in_the_awards_search_narrows_the_table(
    page: Any,
    live_server: Any,
    transactional_db: None,
    personas: Personas,
    published_definition: Any,
) -> None:
    version = published_definition.published_version
    for email, name in (
        ("ann@example.org", "Ann Able"),
        ("ben@example.org", "Ben Baker"),
        ("cid@example.org", "Cid Curie"),
    ):
        issue_credential(version, recipient_email=email, recipient_name=name, by=personas.alice)
    sign_in(page, live_server, "/orgs/uni-a/")
    sizes = response_sizes(page)
    page.goto(f"{live_server.url}/orgs/uni-a/awards/")
    page.wait_for_load_state("networkidle")
    assert 0 < sum(sizes) < 300 * 1024
    rows = page.locator("#awards tbody tr")
    assert rows.count() == 3
    page.evaluate("window.sameDocument = true")

    search = page.get_by_label("Email, name or award id")
    search.press_sequentially("bak")
    wait_for_rows(page, 1)
    assert "Ben Baker" in rows.first.inner_text()
    wait_for_count_text(page, "1 award matches the filters.")
    assert "q=bak" in page.url
    assert page.evaluate("document.activeElement.id") == "id_q"  # typing goes on
    assert axe_violations(page) == []

    page.get_by_label("Status").select_option(label="Revoked")
    wait_for_count_text(page, "0 awards match the filters.")
    assert page.get_by_text("No award matches these filters.").is_visible()
    assert "status=revoked" in page.url
    assert page.evaluate("window.sameDocument") is True
    assert axe_violations(page) == []

    # Back: the previous search, loaded again from the server.
    page.go_back()
    page.wait_for_load_state()
    wait_for_rows(page, 1)
    assert page.get_by_label("Email, name or award id").input_value() == "bak"


def test_the_awards_search_works_without_javascript(
    no_script_page: Any,
    live_server: Any,
    transactional_db: None,
    personas: Personas,
    published_definition: Any,
) -> None:
    version = published_definition.published_version
    for email in ("ann@example.org", "ben@example.org"):
        issue_credential(
            version, recipient_email=email, recipient_name="A Learner", by=personas.alice
        )
    sign_in(no_script_page, live_server, "/orgs/uni-a/awards/")
    assert no_script_page.locator("#awards tbody tr").count() == 2
    no_script_page.get_by_label("Email, name or award id").fill("ann@")
    click(no_script_page, "button", "Find")
    assert no_script_page.locator("#awards tbody tr").count() == 1
    assert "1 award matches the filters." in no_script_page.locator("#awards-count").inner_text()
    click(no_script_page, "link", "Show all")
    assert no_script_page.locator("#awards tbody tr").count() == 2


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
