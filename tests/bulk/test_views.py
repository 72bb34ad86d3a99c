"""The bulk-award pages: upload, the validation preview, start, progress, the result and
its report; unreadable files explained on the page; who may see and do what."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from credstack.bulk import views
from credstack.bulk.models import BulkJob, JobStatus
from credstack.bulk.services import create_bulk_job
from credstack.issuing.models import Award, SigningKey
from tests.bulk.conftest import csv_of
from tests.conftest import Personas

BULK = "/orgs/uni-a/bulk/"

COHORT = csv_of(
    [
        "ann@example.org,Ann Able,5",
        "not-an-email,Ben Baker,4",
        "cid@example.org,,3",
        "dan@example.org,Dan Dale,4",
    ]
)


def upload(client: Client, definition: Any, data: bytes, name: str = "cohort.csv") -> Any:
    return client.post(
        f"{BULK}new/",
        {"definition": definition.public_id, "file": SimpleUploadedFile(name, data)},
    )


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def lines_in(html: str, table: str) -> list[int]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return [int(line) for line in re.findall(r'data-line="(\d+)"', body)]


@pytest.fixture
def job(personas: Personas, version: Any) -> BulkJob:
    return create_bulk_job(version, COHORT, by=personas.alice, file_name="cohort.csv")


# --- Upload, preview, start, result ---------------------------------------------------------


def test_an_issuer_uploads_previews_starts_and_downloads_the_report(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    signed_in(client, personas.alice)
    form = client.get(f"{BULK}new/").content.decode()
    assert "Data literacy for public servants" in form
    assert f"{BULK}template.csv" in form

    response = upload(client, published_definition, COHORT)
    job = BulkJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BULK}{job.public_id}/"
    preview = client.get(response["Location"]).content.decode()
    assert not Award.objects.exists()
    assert lines_in(preview, "bad-rows") == [3, 4]
    assert "invalid email &#x27;not-an-email&#x27;" in preview
    assert "name is empty" in preview
    assert lines_in(preview, "sample-rows") == [2, 5]
    assert "Ann Able" in preview and "Dan Dale" in preview
    assert "Award 2 credentials" in preview

    started = client.post(f"{BULK}{job.public_id}/start/")
    assert started.status_code == 302
    result = client.get(started["Location"]).content.decode()
    assert "Done: 2 credentials issued." in result
    assert Award.objects.count() == 2
    assert lines_in(result, "bad-rows") == [3, 4]

    report = client.get(f"{BULK}{job.public_id}/report.csv")
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert [(row["line"], row["state"]) for row in rows] == [
        ("2", "issued"),
        ("3", "skipped"),
        ("4", "skipped"),
        ("5", "issued"),
    ]
    assert {row["award"] for row in rows if row["state"] == "issued"} == set(
        Award.objects.values_list("public_id", flat=True)
    )


def test_uploading_the_same_file_again_shows_the_rows_as_already_awarded(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    signed_in(client, personas.alice)
    first = upload(client, published_definition, COHORT)
    client.post(first["Location"] + "start/")
    second = upload(client, published_definition, COHORT)
    assert second["Location"] != first["Location"]
    preview = client.get(second["Location"]).content.decode()
    assert lines_in(preview, "before-rows") == [2, 5]
    assert "2 rows already awarded" in preview
    for award in Award.objects.all():
        assert f"/orgs/uni-a/awards/{award.public_id}/" in preview
    assert "Nothing to issue" in preview
    assert "Award 0" not in preview
    assert Award.objects.count() == 2


def test_a_running_job_shows_its_progress_and_follows_it(
    client: Client, personas: Personas, job: BulkJob
) -> None:
    BulkJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, issued_count=1)
    signed_in(client, personas.alice)
    page = client.get(f"{BULK}{job.public_id}/").content.decode()
    assert '<progress id="job-progress" max="2" value="1"' in page
    assert "1 of 2 rows done (50 %)" in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "Stop: issue nothing more" in page
    progress = client.get(f"{BULK}{job.public_id}/progress").json()
    assert (progress["running"], progress["done"], progress["total"]) == (True, 1, 2)

    unfollowed = client.get(f"{BULK}{job.public_id}/", {"follow": "off"}).content.decode()
    assert "http-equiv" not in unfollowed and "<script" not in unfollowed
    assert "hx-trigger" not in unfollowed


# --- Following a running job with htmx --------------------------------------------------------


def htmx_get(client: Client, url: str, **query: str) -> Any:
    return client.get(url, query, HTTP_HX_REQUEST="true")


def test_a_running_job_page_loads_htmx_and_polls_its_live_part(
    client: Client, personas: Personas, job: BulkJob
) -> None:
    BulkJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, issued_count=1)
    signed_in(client, personas.alice)
    page = client.get(f"{BULK}{job.public_id}/").content.decode()
    # htmx from this instance's static files, deferred; no script written in the page.
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/django_htmx/htmx-2.min.js" defer>'
    ]
    assert (
        '<div id="job-live" hx-get="?announced=2" hx-trigger="every 2s" hx-swap="outerHTML">'
        in (page)
    )
    assert re.search(r'<p id="progress-announcer"[^>]*aria-live="polite"', page)


def test_htmx_gets_the_live_part_and_a_browser_the_whole_page(
    client: Client, personas: Personas, job: BulkJob
) -> None:
    BulkJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, issued_count=1)
    signed_in(client, personas.alice)
    whole = client.get(f"{BULK}{job.public_id}/")
    part = htmx_get(client, f"{BULK}{job.public_id}/", announced="2")
    assert "<html" in whole.content.decode() and "<html" not in part.content.decode()
    html = part.content.decode()
    assert html.startswith('<div id="job-live" hx-get="?announced=2" hx-trigger="every 2s"')
    assert '<progress id="job-progress" max="2" value="1"' in html
    assert "Stop: issue nothing more" in html
    assert "bad-rows" not in html  # the preview tables do not change: not sent again
    assert "HX-Request" in part["Vary"] and "HX-Request" in whole["Vary"]
    assert part["Cache-Control"] == "private, no-store"


def test_screen_readers_hear_each_quarter_of_the_rows_once(
    client: Client, personas: Personas, job: BulkJob
) -> None:
    BulkJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, issued_count=1)
    signed_in(client, personas.alice)
    url = f"{BULK}{job.public_id}/"
    news = htmx_get(client, url, announced="0").content.decode()
    assert '<p id="progress-announcer" hx-swap-oob="innerHTML">1 of 2 rows done (50 %)</p>' in news
    assert 'hx-get="?announced=2"' in news  # the next poll says what was heard
    same = htmx_get(client, url, announced="2").content.decode()
    assert "progress-announcer" not in same
    assert 'hx-get="?announced=2"' in same


def test_the_live_part_of_an_ended_job_shows_the_result_and_stops_polling(
    client: Client, personas: Personas, job: BulkJob
) -> None:
    signed_in(client, personas.alice)
    client.post(f"{BULK}{job.public_id}/start/")
    html = htmx_get(client, f"{BULK}{job.public_id}/", announced="2").content.decode()
    assert "hx-trigger" not in html and "hx-get" not in html
    assert "Done: 2 credentials issued." in html.split("progress-announcer")[0]
    assert f"{BULK}{job.public_id}/report.csv" in html
    assert (
        '<p id="progress-announcer" hx-swap-oob="innerHTML">Done: 2 credentials issued.</p>' in html
    )
    # The finished page needs no htmx at all.
    assert "<script" not in client.get(f"{BULK}{job.public_id}/").content.decode()


def test_htmx_polling_after_the_session_ended_reloads_the_page(
    client: Client, personas: Personas, job: BulkJob
) -> None:
    response = htmx_get(client, f"{BULK}{job.public_id}/", announced="0")
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    assert response.content == b""
    signed_in(client, personas.dave)  # and for someone who may not see the job
    response = htmx_get(client, f"{BULK}{job.public_id}/", announced="0")
    assert response["HX-Refresh"] == "true"
    assert job.public_id not in response.content.decode()


def test_rows_the_award_service_refuses_are_listed_with_the_reason(
    client: Client, personas: Personas, job: BulkJob
) -> None:
    SigningKey.objects.filter(organisation=personas.uni_a).update(retired_at=timezone.now())
    signed_in(client, personas.alice)
    page = client.get(client.post(f"{BULK}{job.public_id}/start/")["Location"]).content.decode()
    assert "Done: 0 credentials issued. 2 rows failed (see below)." in page
    assert lines_in(page, "failed-rows") == [2, 5]
    assert "Uni A has no active signing key" in page
    assert not Award.objects.exists()


def test_a_validated_job_can_be_discarded(client: Client, personas: Personas, job: BulkJob) -> None:
    signed_in(client, personas.alice)
    response = client.post(f"{BULK}{job.public_id}/cancel/")
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    page = client.get(response["Location"]).content.decode()
    assert "Cancelled: 2 rows were not issued." in page
    again = client.post(f"{BULK}{job.public_id}/start/")
    assert "cannot start again" in client.get(again["Location"]).content.decode()
    assert not Award.objects.exists()


def test_the_bad_rows_are_paginated(
    client: Client,
    personas: Personas,
    version: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "ROWS_PER_PAGE", 3)
    data = csv_of([f"learner{n},Learner {n},1" for n in range(7)])
    job = create_bulk_job(version, data, by=personas.alice)
    signed_in(client, personas.alice)
    first = client.get(f"{BULK}{job.public_id}/").content.decode()
    assert "7 invalid rows" in first
    assert lines_in(first, "bad-rows") == [2, 3, 4]
    assert "?bad=2#bad-rows" in first
    last = client.get(f"{BULK}{job.public_id}/", {"bad": "3"}).content.decode()
    assert lines_in(last, "bad-rows") == [8]


def test_the_list_of_uploads_is_paginated_newest_first(
    client: Client,
    personas: Personas,
    version: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "JOBS_PER_PAGE", 2)
    for number in range(3):
        create_bulk_job(version, COHORT, by=personas.alice, file_name=f"cohort{number}.csv")
    signed_in(client, personas.alice)

    first = client.get(BULK).content.decode()
    second = client.get(BULK, {"page": "2"}).content.decode()

    assert re.findall(r"cohort\d\.csv", first) == ["cohort2.csv", "cohort1.csv"]
    assert 'aria-label="Pages of uploads"' in first and "Page 1 of 2" in first
    assert '?page=2">Next page' in first
    assert re.findall(r"cohort\d\.csv", second) == ["cohort0.csv"]
    assert "Page 2 of 2" in second and "Previous page" in second


def test_the_preview_of_a_large_bad_file_stays_small(
    client: Client, personas: Personas, version: Any
) -> None:
    long_name = "N" * 300  # too long, and echoed in the table
    data = csv_of([f"learner{n},{long_name}{n},1" for n in range(2000)])
    job = create_bulk_job(version, data, by=personas.alice)
    signed_in(client, personas.alice)
    page = client.get(f"{BULK}{job.public_id}/")
    assert "2000 invalid rows" in page.content.decode()
    assert len(lines_in(page.content.decode(), "bad-rows")) == views.ROWS_PER_PAGE
    assert len(page.content) < 300 * 1024


def test_the_template_is_an_empty_csv_with_every_column_that_uploads(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    signed_in(client, personas.alice)
    template = client.get(f"{BULK}template.csv")
    assert template["Content-Disposition"] == 'attachment; filename="bulk-award-template.csv"'
    assert template.content.startswith(b"\xef\xbb\xbf")
    assert template.content.decode("utf-8-sig").strip() == (
        "email,name,narrative,evidence_url,grade,award_date,expiry"
    )
    filled = template.content + "åsa@example.org,Åsa Öberg,,,,,\r\n".encode()
    preview = client.get(upload(client, published_definition, filled)["Location"])
    assert "Åsa Öberg" in preview.content.decode()
    assert BulkJob.objects.get().to_issue == 1


# --- Files that cannot be read -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"student;score\n1;5\n", "missing required column(s) email, name"),
        (b"email,first name\nann@example.org,Ann\n", "missing required column(s) name"),
        ("email,name\nbjörn@example.org,Björn\n".encode("cp1252"), "line 2 is not valid UTF-8"),
        (b"", "this one is empty or missing"),
        (b"\n\n  \n", "the file is empty"),
        (b'email,name\nann@example.org,"Ann\n', "an unclosed quote?"),
    ],
    ids=["wrong-columns", "missing-name", "cp1252", "no-bytes", "blank-lines", "quote"],
)
def test_an_unreadable_file_is_explained_on_the_page_and_nothing_is_kept(
    client: Client, personas: Personas, published_definition: Any, data: bytes, message: str
) -> None:
    signed_in(client, personas.alice)
    response = upload(client, published_definition, data)
    html = response.content.decode()
    assert response.status_code in (400, 422)
    assert message in html.replace("&#x27;", "'")
    assert "The file was not accepted" in html
    assert f'<option value="{published_definition.public_id}" selected>' in html
    assert not BulkJob.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    client: Client, personas: Personas, published_definition: Any, settings: Any
) -> None:
    settings.CREDSTACK_BULK_MAX_BYTES = 1024
    signed_in(client, personas.alice)
    response = upload(client, published_definition, b"email,name\n" + b"x" * 200_000)
    assert response.status_code == 413
    assert "split it into several files" in response.content.decode()
    small_but_over = upload(client, published_definition, b"email,name\n" + b"x" * 2000)
    assert small_but_over.status_code == 422
    assert "larger than" in small_but_over.content.decode()
    assert not BulkJob.objects.exists()


def test_a_credential_must_be_chosen(client: Client, personas: Personas, version: Any) -> None:
    signed_in(client, personas.alice)
    response = client.post(
        f"{BULK}new/", {"definition": "", "file": SimpleUploadedFile("c.csv", COHORT)}
    )
    assert response.status_code == 422
    assert "Choose the credential to award." in response.content.decode()


# --- Who may see and do what -------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, job: BulkJob) -> None:
    for url in (
        BULK,
        f"{BULK}new/",
        f"{BULK}{job.public_id}/",
        f"{BULK}{job.public_id}/report.csv",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_a_member_of_another_organisation_finds_nothing(
    client: Client, personas: Personas, job: BulkJob, published_definition: Any
) -> None:
    signed_in(client, personas.dave)
    for url in (BULK, f"{BULK}new/", f"{BULK}{job.public_id}/", f"{BULK}{job.public_id}/progress"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{BULK}{job.public_id}/start/").status_code == 404
    assert client.get(f"/orgs/uni-b/bulk/{job.public_id}/").status_code == 404
    assert upload(client, published_definition, COHORT).status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.VALIDATED
    assert BulkJob.objects.count() == 1


def test_a_viewer_sees_the_jobs_but_cannot_upload_or_start(
    client: Client, personas: Personas, job: BulkJob, published_definition: Any
) -> None:
    signed_in(client, personas.victor)
    listing = client.get(BULK).content.decode()
    assert f"{BULK}{job.public_id}/" in listing
    assert f"{BULK}new/" not in listing
    preview = client.get(f"{BULK}{job.public_id}/").content.decode()
    assert lines_in(preview, "bad-rows") == [3, 4]
    assert "start/" not in preview and "cancel/" not in preview
    assert client.get(f"{BULK}new/").status_code == 403
    assert client.post(f"{BULK}{job.public_id}/start/").status_code == 403
    assert upload(client, published_definition, COHORT).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.VALIDATED
    assert not Award.objects.exists()


def test_a_reviewer_cannot_upload(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    signed_in(client, personas.rita)
    response = upload(client, published_definition, COHORT)
    assert response.status_code == 403
    assert "you may not award" in response.content.decode()
    assert not BulkJob.objects.exists()
