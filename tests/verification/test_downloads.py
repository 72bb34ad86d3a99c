"""Downloads of a credential: each file reads back as the same, valid credential."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from credstack.standards import unbake, verify
from credstack.verification.downloads import badge_svg, credential_file, download_response
from tests.verification.credentials import SignedSet
from tests.verification.images import blank_png

VERIFY_URL = "https://credstack.test/verify/?url=https%3A%2F%2Fcredstack.test%2Fc%2F1"


@pytest.mark.parametrize("kind", ["json", "svg", "png"])
def test_every_download_verifies_as_the_credential_itself(
    kind: str, signed: SignedSet, status_list: Callable[..., None], settings: Any
) -> None:
    data = credential_file(signed.credential, kind, verify_url=VERIFY_URL)
    report = verify(data, fetcher=settings.CREDSTACK_VERIFICATION_FETCHER)
    assert report.verdict.value == "valid"
    assert report.credential == signed.credential


def test_the_png_without_an_image_is_a_qr_code_with_the_credential_baked_in(
    signed: SignedSet,
) -> None:
    data = credential_file(signed.credential, "png", verify_url=VERIFY_URL)
    assert data.startswith(b"\x89PNG")
    assert unbake(data).payload == signed.credential


def test_the_issuers_own_image_is_used_when_given(signed: SignedSet) -> None:
    data = credential_file(signed.credential, "png", image=blank_png(16))
    assert unbake(data).payload == signed.credential


def test_the_drawn_badge_escapes_the_title() -> None:
    svg = badge_svg('<script>alert("x")</script> & more', "Uni <A>").decode()
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_a_download_is_an_attachment_named_after_the_title(signed: SignedSet) -> None:
    response = download_response(signed.credential, "json")
    assert response["Content-Type"] == "application/ld+json"
    assert response["Content-Disposition"] == (
        'attachment; filename="data-analysis-with-python.json"'
    )
    assert json.loads(response.content) == signed.credential


def test_it_refuses_an_unknown_kind_or_a_png_without_a_link(signed: SignedSet) -> None:
    with pytest.raises(ValueError, match="unknown download kind"):
        credential_file(signed.credential, "pdf")
    with pytest.raises(ValueError, match="verify_url"):
        credential_file(signed.credential, "png")
