"""An award's PDF certificate: rendered by a background job on first request, kept, and
rendered again when the award's status changes."""

from __future__ import annotations

import re
import urllib.request
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from credstack.issuing import certificates
from credstack.issuing.models import Award, AwardCertificate, CertificateState
from credstack.issuing.services import (
    approve_definition,
    create_definition,
    publish_definition,
    revoke_credential,
    submit_definition,
)
from credstack.issuing.sharing import CERTIFICATE_RETRY_AFTER, request_certificate
from tests.conftest import COMPLETE_DEFINITION
from tests.issuing.award_pages import award_for_bob, pdf_objects

A4_LANDSCAPE = b"/MediaBox [0 0 841.889764 595.275591]"


@pytest.fixture
def award(personas, published_definition) -> Award:
    return award_for_bob(personas, published_definition)


@pytest.fixture
def enqueued(monkeypatch) -> list[str]:
    """Jobs are recorded instead of run: the worker is busy elsewhere."""
    calls: list[str] = []
    monkeypatch.setattr(
        "credstack.issuing.tasks.render_award_certificate_task",
        lambda public_id: calls.append(public_id),
    )
    return calls


def get_pdf(client, award: Award) -> bytes:
    response = client.get(f"/c/{award.public_id}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="data-literacy-for-public-servants.pdf"'
    )
    return bytes(response.content)


def page_count(pdf: bytes) -> int:
    counts = re.findall(rb"/Type /Pages/Kids \[[^\]]*\]/Count (\d+)", pdf_objects(pdf))
    assert len(counts) == 1
    return int(counts[0])


def test_the_job_renders_a_one_page_a4_landscape_pdf_of_the_award(client, award):
    pdf = get_pdf(client, award)
    assert pdf.startswith(b"%PDF-")
    objects = pdf_objects(pdf)
    assert page_count(pdf) == 1
    assert A4_LANDSCAPE in objects
    assert b"/Title (Data literacy for public servants)" in objects
    assert b"/Author (Uni A)" in objects
    assert b"awarded to Bob Example" in objects
    # Tagged for screen readers, in the credential's language.
    assert b"/MarkInfo <</Marked true>>" in objects
    assert b"/Lang (en)" in objects
    row = AwardCertificate.objects.get(award=award)
    assert (row.state, row.for_status) == (CertificateState.READY, "active")


def test_the_certificate_states_the_key_elements_and_a_qr_code_to_the_verifier(award):
    page = certificates.certificate_html(award)
    for expected in (
        "Bob Example",
        "Data literacy for public servants",
        "Uni A",
        "3 ECTS credits",
        "EQF level 6",
        "Reads a chart critically",
        "Cleans a small data set",
        award.credential_id,
        f"https://credstack.test/c/{award.public_id}/",
        '<svg role="img" aria-label="QR code that opens the verification"',
    ):
        assert expected in page
    assert "REVOKED" not in page
    assert "bob@example.org" not in page


def test_the_second_download_is_served_from_storage(client, award, monkeypatch):
    first = get_pdf(client, award)
    monkeypatch.setattr(certificates, "render_certificate_pdf", _must_not_render)
    assert get_pdf(client, award) == first


def test_while_the_job_runs_the_link_answers_being_prepared_and_enqueues_once(
    client, award, enqueued
):
    for _attempt in range(3):
        response = client.get(f"/c/{award.public_id}/pdf")
        assert response.status_code == 202
        assert response["Retry-After"] == "3"
        text = response.content.decode()
        assert '<meta http-equiv="refresh" content="3">' in text
        assert "The PDF certificate is being prepared." in text
    assert enqueued == [award.public_id]


def test_a_job_that_stalled_is_enqueued_again_later(award, enqueued):
    request_certificate(award)
    request_certificate(award, now=timezone.now() + CERTIFICATE_RETRY_AFTER / 2)
    assert len(enqueued) == 1
    request_certificate(award, now=timezone.now() + CERTIFICATE_RETRY_AFTER + timedelta(seconds=1))
    assert len(enqueued) == 2


def test_a_revocation_renders_the_certificate_again_saying_revoked(client, personas, award):
    active = get_pdf(client, award)
    revoke_credential(award, reason="Plagiarism", by=personas.alice)
    award.refresh_from_db()
    revoked = get_pdf(client, award)
    assert revoked != active
    assert AwardCertificate.objects.get(award=award).for_status == "revoked"
    page = certificates.certificate_html(award)
    assert "REVOKED: the issuer has withdrawn this credential." in page
    assert "Plagiarism" not in page


def test_a_failed_rendering_is_said_clearly_and_tried_again_later(client, award, monkeypatch):
    attempts: list[str] = []

    def broken(award: Award) -> bytes:
        attempts.append(award.public_id)
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(certificates, "render_certificate_pdf", broken)
    response = client.get(f"/c/{award.public_id}/pdf")
    assert response.status_code == 503
    assert response["Retry-After"] == str(int(CERTIFICATE_RETRY_AFTER.total_seconds()))
    assert "The certificate could not be prepared" in response.content.decode()
    row = AwardCertificate.objects.get(award=award)
    assert row.state == CertificateState.FAILED
    assert "libpango" in row.error
    assert client.get(f"/c/{award.public_id}/pdf").status_code == 503
    assert len(attempts) == 1
    monkeypatch.undo()
    later = timezone.now() + CERTIFICATE_RETRY_AFTER + timedelta(seconds=1)
    assert request_certificate(award, now=later).state == CertificateState.READY


def test_many_learning_outcomes_still_fit_one_page(client, personas, uni_a_key):
    outcomes = [f"Outcome {n}: " + "explains a data set to a lay audience " * 3 for n in range(20)]
    definition = create_definition(
        personas.uni_a, {**COMPLETE_DEFINITION, "learning_outcomes": outcomes}, by=personas.alice
    )
    submit_definition(definition, by=personas.alice)
    approve_definition(definition, by=personas.rita)
    publish_definition(definition, by=personas.alice)
    definition.refresh_from_db()
    award = award_for_bob(personas, definition)
    assert page_count(get_pdf(client, award)) == 1
    assert "and 12 more, listed in the credential" in certificates.certificate_html(award)


def test_weasyprint_opens_nothing_but_data_uris(award, monkeypatch):
    opened: list[str] = []
    real_open = urllib.request.OpenerDirector.open

    def spy(self: Any, url: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(url.full_url if isinstance(url, urllib.request.Request) else url)
        return real_open(self, url, *args, **kwargs)

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", spy)
    monkeypatch.setattr(
        certificates,
        "certificate_html",
        lambda award: (
            '<html><head><link rel="stylesheet" href="file:///etc/hostname"></head><body>'
            '<img src="http://127.0.0.1:9/tracker.png" alt="">'
            '<img src="https://example.org/logo.png" alt="">'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt=""></body></html>'
        ),
    )
    assert certificates.render_certificate_pdf(award).startswith(b"%PDF-")
    assert opened and all(url.startswith("data:") for url in opened)


def test_rendering_leaves_pillow_refusing_truncated_images(award):
    from PIL import ImageFile

    certificates.render_certificate_pdf(award)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def _must_not_render(award: Award) -> bytes:
    raise AssertionError("the stored certificate should have been served")
