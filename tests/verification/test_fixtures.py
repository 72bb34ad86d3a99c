"""Every credential of the 1EdTech validator's fixtures (Open Badges 3.0, 2.0, CLR 2.0;
JSON, JWT, baked PNG and SVG) uploaded to the verifier page, offline: each gets a report
page, never a server error, and the plain-language view of it is complete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from credstack.standards import verify
from credstack.standards.fetch import OfflineFetcher
from credstack.verification.services import VERDICT_TEXTS, describe_report
from tests.shared_data import fixture_path

FIXTURES = sorted(
    path
    for path in fixture_path().rglob("*")
    if path.is_file() and path.suffix in {".json", ".jwt", ".png", ".svg"}
)


def name(path: Path) -> str:
    return str(path.relative_to(fixture_path()))


def test_there_are_fixtures_to_verify() -> None:
    assert len(FIXTURES) >= 40


@pytest.mark.parametrize("path", FIXTURES, ids=name)
def test_every_fixture_gets_a_report_page(client: Client, settings: Any, path: Path) -> None:
    settings.CREDSTACK_VERIFICATION_FETCHER = OfflineFetcher()
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post("/verify/", {"file": upload})
    assert response.status_code == 200, response.content.decode()[:500]
    assert b"data-verdict=" in response.content


@pytest.mark.parametrize("path", FIXTURES, ids=name)
def test_every_fixture_has_a_complete_plain_language_view(path: Path) -> None:
    report = verify(path.read_bytes(), fetcher=OfflineFetcher())
    view = describe_report(report)
    assert view.verdict_text is VERDICT_TEXTS[report.verdict]
    assert len(view.checks) == len(report.checks) >= 1
    assert len(view.mandatory_elements) == 11
