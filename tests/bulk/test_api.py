"""The bulk-jobs API: upload and preview, start, progress, report, and who may see what."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credstack.issuing.models import Award
from tests.bulk.conftest import csv_of, learners


def upload(client, definition, data: bytes, name: str = "cohort.csv"):
    return client.post(
        "/api/v1/bulk-jobs",
        {"definition": definition.public_id, "file": SimpleUploadedFile(name, data)},
    )


def test_it_uploads_previews_starts_and_reports(personas, published_definition, client) -> None:
    client.force_login(personas.alice)
    data = csv_of(["ann@example.org,Ann,5", "oops,Ben,4"], header="Email;Name;Grade;Student id")
    data = data.replace(b",", b";")
    response = upload(client, published_definition, data)
    assert response.status_code == 201, response.content
    preview = response.json()
    assert (preview["status"], preview["delimiter"], preview["to_issue"]) == ("validated", ";", 1)
    assert preview["unknown_columns"] == ["Student id"]
    assert preview["bad_rows"] == [
        {"line": 3, "email": "oops", "problems": ["invalid email 'oops'"]}
    ]
    assert Award.objects.count() == 0

    job_id = preview["id"]
    started = client.post(f"/api/v1/bulk-jobs/{job_id}/start")
    assert started.status_code == 202
    progress = client.get(f"/api/v1/bulk-jobs/{job_id}").json()
    assert (progress["status"], progress["issued"], progress["pending"]) == ("done", 1, 0)

    report = client.get(f"/api/v1/bulk-jobs/{job_id}/report.csv")
    assert report["Content-Type"].startswith("text/csv")
    assert "attachment" in report["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert [(row["email"], row["state"]) for row in rows] == [
        ("ann@example.org", "issued"),
        ("oops", "skipped"),
    ]
    assert client.get("/api/v1/bulk-jobs").json()[0]["id"] == job_id


def test_it_explains_an_unreadable_file_in_the_error_shape(
    personas, published_definition, client
) -> None:
    client.force_login(personas.alice)
    response = upload(
        client, published_definition, "email,name\nbj\xf6rn@ex.org,B\n".encode("cp1252")
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "csv_invalid"
    assert "line 2 is not valid UTF-8" in error["message"]


def test_it_refuses_to_start_a_cancelled_job(personas, published_definition, client) -> None:
    client.force_login(personas.alice)
    job_id = upload(client, published_definition, learners(2)).json()["id"]
    assert client.post(f"/api/v1/bulk-jobs/{job_id}/cancel").json()["status"] == "cancelled"
    assert client.post(f"/api/v1/bulk-jobs/{job_id}/start").status_code == 409


@pytest.mark.parametrize("who", ["dave", "carol", "bob"])
def test_outsiders_can_never_see_or_run_uni_a_jobs(
    personas, published_definition, client, who
) -> None:
    client.force_login(personas.alice)
    job_id = upload(client, published_definition, learners(2)).json()["id"]
    client.force_login(getattr(personas, who))
    assert upload(client, published_definition, learners(2)).status_code == 404
    assert client.get(f"/api/v1/bulk-jobs/{job_id}").status_code == 404
    for action in ("start", "cancel"):
        assert client.post(f"/api/v1/bulk-jobs/{job_id}/{action}").status_code == 404
    assert client.get(f"/api/v1/bulk-jobs/{job_id}/report.csv").status_code == 404
    assert client.get("/api/v1/bulk-jobs").json() == []
    assert Award.objects.count() == 0


def test_a_viewer_of_uni_a_may_not_upload(personas, published_definition, client) -> None:
    client.force_login(personas.victor)
    response = upload(client, published_definition, learners(2))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_it_needs_a_signed_in_user(published_definition, client) -> None:
    assert upload(client, published_definition, learners(2)).status_code == 401


def test_the_platform_administrator_sees_jobs_in_the_admin_without_the_file(
    personas, published_definition, client
) -> None:
    client.force_login(personas.alice)
    job_id = upload(client, published_definition, learners(2)).json()["id"]
    client.force_login(personas.pat)
    listing = client.get("/admin/bulk/bulkjob/")
    assert listing.status_code == 200
    assert job_id in listing.content.decode()
    assert b"learner0@example.org" not in listing.content


def test_the_openapi_document_describes_the_upload_as_multipart(client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    upload_body = paths["/api/v1/bulk-jobs"]["post"]["requestBody"]["content"]
    assert set(upload_body["multipart/form-data"]["schema"]["required"]) == {"definition", "file"}
    assert "/api/v1/bulk-jobs/{job_id}/report.csv" in paths
