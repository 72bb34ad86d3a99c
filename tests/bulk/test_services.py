"""Bulk jobs: preview, issuing, kill and resume, idempotent re-upload, cancel, report."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest

from credstack.bulk.csv_import import CsvFormatError
from credstack.bulk.models import BulkJob, BulkRow, JobStatus, RowState
from credstack.bulk.services import (
    ServiceAwarding,
    bulk_job_preview,
    bulk_job_report_csv,
    cancel_bulk_job,
    create_bulk_job,
    resume_stalled_bulk_jobs,
    run_bulk_job,
    start_bulk_job,
)
from credstack.common.errors import ConflictError, PermissionDeniedError, ValidationFailedError
from credstack.issuing.models import Award, StatusList
from credstack.issuing.services import AwardOutcome
from tests.bulk.conftest import csv_of, learners


class Killed(BaseException):
    """Stands for the worker process being killed: nothing catches it."""


class KilledAfter(ServiceAwarding):
    """The real award service, until the worker "dies" storing batch ``batches + 1``,
    after its awards are stored but before its transaction commits."""

    def __init__(self, batches: int) -> None:
        self.batches = batches
        self.stored = 0

    def store(self, prepared: Any) -> Any:
        outcomes = super().store(prepared)
        self.stored += 1
        if self.stored > self.batches:
            raise Killed
        return outcomes


def killed_after(batches: int) -> KilledAfter:
    return KilledAfter(batches)


def states(job: BulkJob) -> dict[str, int]:
    result: dict[str, int] = {}
    for state in BulkRow.objects.filter(job=job).values_list("state", flat=True):
        result[state] = result.get(state, 0) + 1
    return result


def test_it_previews_every_bad_row_and_issues_nothing(personas, version) -> None:
    data = csv_of(
        [
            "ann@example.org,Ann,5",
            "not-an-email,Ben,4",
            "cid@example.org,,3",
            "ANN@example.org,Ann twice,2",
            "dee@example.org,Dee," + "x" * 101,
        ]
    )
    job = create_bulk_job(version, data, by=personas.alice, file_name="cohort.csv")
    preview = bulk_job_preview(job)
    assert (preview["status"], preview["total_rows"], preview["to_issue"]) == ("validated", 5, 1)
    assert [(row["line"], row["problems"]) for row in preview["bad_rows"]] == [
        (3, ["invalid email 'not-an-email'"]),
        (4, ["name is empty"]),
        (5, ["duplicate email: ANN@example.org is already on line 2"]),
        (6, ["grade is longer than 100 characters"]),
    ]
    assert Award.objects.count() == 0


def test_it_issues_every_valid_row_with_its_values(personas, version) -> None:
    data = csv_of(
        [
            "ann@example.org,Ann Able,Excellent,2026-06-30,https://ex.org/ann",
            "bob@example.org,Bob Baker,Good,,",
            "broken,Nobody,,,",
        ],
        header="email,name,grade,award_date,evidence_url",
    )
    job = create_bulk_job(version, data, by=personas.alice)
    job = start_bulk_job(job, by=personas.alice)  # huey runs immediately in the tests
    assert job.status == JobStatus.DONE
    assert (job.issued_count, job.failed_count) == (2, 0)
    ann = Award.objects.get(recipient_email="ann@example.org")
    assert ann.awarded_at.date().isoformat() == "2026-06-30"
    row = BulkRow.objects.get(job=job, line=2)
    assert (row.state, row.award_id) == (RowState.ISSUED, ann.public_id)
    assert states(job) == {"issued": 2, "skipped": 1}


def test_a_killed_worker_resumes_with_the_pending_rows_and_duplicates_nothing(
    personas, version
) -> None:
    job = create_bulk_job(version, learners(12), by=personas.alice)
    with pytest.raises(Killed):
        run_bulk_job(job.public_id, by=personas.alice, awarding=killed_after(2), batch_size=4)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # as a killed worker leaves it
    assert states(job) == {"issued": 8, "pending": 4}
    assert Award.objects.count() == 8
    assert job.issued_count == 8

    job = start_bulk_job(job, by=personas.alice)  # resume
    assert job.status == JobStatus.DONE
    assert states(job) == {"issued": 12}
    assert Award.objects.count() == 12
    assert job.issued_count == 12
    assert len(set(BulkRow.objects.filter(job=job).values_list("award_id", flat=True))) == 12
    # The batch being stored when the worker died was rolled back with its awards; the
    # entries allocated for it (a transaction earlier) stay unused, and no more.
    revocation = StatusList.objects.get(purpose="revocation")
    assert revocation.allocated_count == 12 + 4


def test_a_job_whose_worker_died_is_resumed_once_its_heartbeat_is_stale(personas, version):
    job = create_bulk_job(version, learners(6), by=personas.alice)
    with pytest.raises(Killed):
        run_bulk_job(job.public_id, by=personas.alice, awarding=killed_after(1), batch_size=2)
    job.refresh_from_db()
    beat = job.heartbeat_at
    assert resume_stalled_bulk_jobs(now=beat + timedelta(minutes=4)) == []  # may be alive
    assert states(job) == {"issued": 2, "pending": 4}

    assert resume_stalled_bulk_jobs(now=beat + timedelta(minutes=6)) == [job.public_id]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert states(job) == {"issued": 6}
    assert Award.objects.count() == 6


def test_running_a_finished_job_again_awards_nothing_twice(personas, version) -> None:
    job = start_bulk_job(
        create_bulk_job(version, learners(3), by=personas.alice), by=personas.alice
    )
    BulkRow.objects.filter(job=job).update(state=RowState.PENDING)  # as if never recorded
    BulkJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    run_bulk_job(job.public_id)
    assert Award.objects.count() == 3


def test_uploading_the_same_file_again_is_detected_and_awards_nothing(personas, version) -> None:
    first = start_bulk_job(
        create_bulk_job(version, learners(4), by=personas.alice), by=personas.alice
    )
    # Same people and content in another order, plus one newcomer.
    data = csv_of(
        ["learner3@example.org,Learner 3,4", "new@example.org,New,1"]
        + [f"LEARNER{n}@example.org,Learner {n},{n % 5 + 1}" for n in range(3)]
    )
    second = create_bulk_job(version, data, by=personas.alice)
    preview = bulk_job_preview(second)
    assert preview["already_awarded_rows"] == 4
    awarded = {row["email"]: row["award"] for row in preview["already_awarded"]}
    assert awarded["learner3@example.org"] == BulkRow.objects.get(job=first, line=5).award_id
    second = start_bulk_job(second, by=personas.alice)
    assert second.issued_count == 1
    assert Award.objects.count() == 5


def test_a_row_whose_award_fails_is_reported_and_the_rest_are_issued(personas, version) -> None:
    class RefusingB(ServiceAwarding):
        def prepare(self, version: Any, requests: Any, **kwargs: Any) -> Any:
            accepted = [r for r in requests if r.recipient_email != "b@example.org"]
            return requests, super().prepare(version, accepted, **kwargs)

        def store(self, prepared: Any) -> Any:
            requests, accepted = prepared
            outcomes = iter(super().store(accepted))
            refused = ValidationFailedError("the award cannot be made", ["recipient refused"])
            return [
                AwardOutcome(error=refused)
                if request.recipient_email == "b@example.org"
                else next(outcomes)
                for request in requests
            ]

    job = create_bulk_job(
        version, csv_of(["a@example.org,A,1", "b@example.org,B,2"]), by=personas.alice
    )
    job = run_bulk_job(job.public_id, by=personas.alice, awarding=RefusingB())
    assert (job.status, job.issued_count, job.failed_count) == ("done", 1, 1)
    report = list(csv.DictReader(io.StringIO(bulk_job_report_csv(job))))
    assert [(row["line"], row["state"]) for row in report] == [("2", "issued"), ("3", "failed")]
    assert report[1]["reason"] == "the award cannot be made: recipient refused"
    assert report[0]["award"] == Award.objects.get().public_id


def test_the_report_says_what_was_issued_and_what_was_not(personas, version) -> None:
    data = csv_of(["a@example.org,A,1", "=cmd()@x,Evil,2"])
    job = start_bulk_job(create_bulk_job(version, data, by=personas.alice), by=personas.alice)
    rows = list(csv.reader(io.StringIO(bulk_job_report_csv(job))))
    assert rows[0] == ["line", "email", "name", "state", "award", "reason"]
    assert rows[1][:4] == ["2", "a@example.org", "A", "issued"]
    assert rows[2][1] == "'=cmd()@x"  # no formula for spreadsheet programs
    assert rows[2][3:] == ["skipped", "", "invalid email '=cmd()@x'"]


def test_cancelling_skips_the_pending_rows(personas, version) -> None:
    job = create_bulk_job(version, learners(6), by=personas.alice)
    with pytest.raises(Killed):
        run_bulk_job(job.public_id, by=personas.alice, awarding=killed_after(1), batch_size=2)
    job = cancel_bulk_job(job, by=personas.alice)
    assert job.status == JobStatus.CANCELLED
    assert states(job) == {"issued": 2, "skipped": 4}
    with pytest.raises(ConflictError):
        start_bulk_job(job, by=personas.alice)
    assert run_bulk_job(job.public_id).status == JobStatus.CANCELLED
    assert Award.objects.count() == 2


@pytest.mark.parametrize("who", ["dave", "victor", "rita", "bob", "carol"])
def test_only_who_may_award_for_uni_a_can_upload_start_or_cancel(personas, version, who) -> None:
    job = create_bulk_job(version, learners(2), by=personas.alice)
    with pytest.raises(PermissionDeniedError):
        create_bulk_job(version, learners(2), by=getattr(personas, who))
    with pytest.raises(PermissionDeniedError):
        start_bulk_job(job, by=getattr(personas, who))
    with pytest.raises(PermissionDeniedError):
        cancel_bulk_job(job, by=getattr(personas, who))
    with pytest.raises(PermissionDeniedError):
        run_bulk_job(job.public_id, by=getattr(personas, who))
    assert Award.objects.count() == 0


def test_it_refuses_an_unreadable_file_and_stores_nothing(personas, version) -> None:
    with pytest.raises(CsvFormatError, match="missing required column"):
        create_bulk_job(version, b"mail;grade\nann@example.org;5\n", by=personas.alice)
    assert BulkJob.objects.count() == 0


def test_it_refuses_a_file_over_the_size_limit(personas, version, settings) -> None:
    settings.CREDSTACK_BULK_MAX_BYTES = 100
    with pytest.raises(ValidationFailedError) as raised:
        create_bulk_job(version, learners(10), by=personas.alice)
    assert raised.value.code == "file_too_large"


def test_it_refuses_a_file_over_the_row_limit(personas, version, settings) -> None:
    settings.CREDSTACK_BULK_MAX_ROWS = 3
    with pytest.raises(CsvFormatError, match="more than 3 rows"):
        create_bulk_job(version, learners(4), by=personas.alice)


def test_without_a_signing_key_every_row_fails_with_the_reason(personas, version) -> None:
    from credstack.issuing.models import SigningKey

    job = create_bulk_job(version, learners(5), by=personas.alice)
    SigningKey.objects.filter(organisation=personas.uni_a).update(retired_at=job.created_at)
    job = run_bulk_job(job.public_id, by=personas.alice, batch_size=2)
    assert (job.status, job.issued_count, job.failed_count) == ("done", 0, 5)
    report = list(csv.DictReader(io.StringIO(bulk_job_report_csv(job))))
    assert {row["reason"] for row in report} == {"Uni A has no active signing key"}
    assert Award.objects.count() == 0


def test_worker_processes_sign_a_job_as_this_process_would(personas, version) -> None:
    from credstack.standards import verify
    from tests.issuing.awarding import instance_fetcher

    job = create_bulk_job(version, learners(6), by=personas.alice)
    job = run_bulk_job(job.public_id, by=personas.alice, batch_size=4, processes=2)
    assert (job.status, job.issued_count) == ("done", 6)
    for award in Award.objects.all():
        assert verify(award.credential, fetcher=instance_fetcher(award)).verdict == "valid"
    rows = BulkRow.objects.filter(job=job)
    assert set(rows.values_list("award_id", flat=True)) == set(
        Award.objects.values_list("public_id", flat=True)
    )
