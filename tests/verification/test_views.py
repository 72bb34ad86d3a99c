"""The public verifier page at /verify/ (Django's test client, no browser)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from django.urls import reverse

from credstack.standards import bake, sign
from tests.verification.credentials import SignedSet
from tests.verification.images import SVG_WITH_HANDLER, SVG_WITH_SCRIPT, blank_png

URL = "/verify/"


def page(response: Any) -> str:
    return response.content.decode()


def verdict_of(response: Any) -> str:
    html = page(response)
    marker = 'data-verdict="'
    assert marker in html, html[:2000]
    return html.split(marker, 1)[1].split('"', 1)[0]


def test_it_serves_the_verifier_at_verify(client: Client) -> None:
    assert reverse("verification:verify") == URL
    response = client.get(URL)
    html = page(response)
    assert response.status_code == 200
    assert "<h1" in html and "Verify a credential" in html
    for control in ("id_file", "id_text", "id_url", "id_recipient"):
        assert f'<label for="{control}"' in html
    assert "At most 2 MB" in html
    assert response["Cache-Control"] == "private, no-store"


def test_the_page_is_small_and_needs_nothing_from_elsewhere(client: Client) -> None:
    html = page(client.get(URL))
    assert len(html.encode()) < 300 * 1024
    assert "<script" not in html
    assert "https://" not in html.split("<body>", 1)[0]  # no CDN stylesheets or fonts
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html


def test_an_employer_pasting_a_credstack_credential_sees_it_valid_with_its_elements(
    client: Client, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    response = client.post(URL, {"text": json.dumps(signed.credential)})
    html = page(response)
    assert response.status_code == 200
    assert verdict_of(response) == "valid"
    assert "Universidade Exemplo, Faculty of Science" in html
    assert signed.issuer in html
    assert 'data-key="confirmed"' in html
    assert "Data Analysis with Python" in html
    assert "EQF level 6" in html
    assert "5 ECTS credits" in html
    assert "Lisboa, Portugal (PT)" in html


def test_a_tampered_copy_is_shown_not_valid(
    client: Client, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    response = client.post(URL, {"text": json.dumps(signed.tampered())})
    assert verdict_of(response) == "invalid"
    assert 'data-outcome="failed"' in page(response)


def test_a_revoked_credential_is_shown_revoked(
    client: Client, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    status_list(revoked=True)
    response = client.post(URL, {"text": json.dumps(signed.credential)})
    assert verdict_of(response) == "revoked"
    assert "the credential is revoked" in page(response)


def test_it_verifies_an_uploaded_baked_png(
    client: Client, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    baked = bake(blank_png(), signed.credential)
    upload = SimpleUploadedFile("badge.png", baked, content_type="image/png")
    response = client.post(URL, {"file": upload})
    assert verdict_of(response) == "valid"
    assert "credential baked into a PNG image" in page(response)


def test_it_verifies_a_vc_jwt(client: Client, signed: SignedSet, settings: Any) -> None:
    from tests.verification.credentials import micro_credential

    unsigned = micro_credential()
    del unsigned["credentialStatus"]
    token = sign(unsigned, signed.key_pair, suite="vc-jwt")
    assert isinstance(token, str)
    response = client.post(URL, {"text": token})
    assert verdict_of(response) == "valid"


def test_it_opens_a_verification_from_a_qr_code_link(
    client: Client, signed: SignedSet, status_list: Callable[..., None], settings: Any
) -> None:
    link = "https://uni-a.example/credentials/42"
    settings.CREDSTACK_VERIFICATION_FETCHER.add(link, signed.credential)
    response = client.get(URL, {"url": link})
    assert verdict_of(response) == "valid"


def test_the_form_under_a_result_is_empty_and_keeps_input_after_an_error(
    client: Client, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    credential = json.dumps(signed.credential)
    result = client.post(URL, {"text": credential, "recipient": "bob@example.org"})
    assert 'aria-describedby="text-hint"></textarea>' in page(result)
    assert 'name="recipient" value=""' in page(result)
    error = client.post(URL, {"text": "{}", "url": "https://a.example/c"})
    assert "{}</textarea>" in page(error)
    assert 'value="https://a.example/c"' in page(error)


def test_it_checks_the_recipient_an_employer_types(
    client: Client, signed: SignedSet, status_list: Callable[..., None]
) -> None:
    credential = json.dumps(signed.credential)
    wrong = client.post(URL, {"text": credential, "recipient": "mallory@example.org"})
    assert verdict_of(wrong) == "invalid"
    assert "was not issued to mallory@example.org" in page(wrong)


def test_it_refuses_to_fetch_private_addresses_for_a_visitor(client: Client) -> None:
    response = client.get(URL, {"url": "https://127.0.0.1/admin/secret"})
    assert verdict_of(response) == "could_not_check"
    assert "could not fetch https://127.0.0.1/admin/secret" in page(response)


@pytest.mark.parametrize(
    ("submission", "message"),
    [
        ({"text": '{"@context": '}, "not valid JSON"),
        ({"text": "hello"}, "input is not a credential"),
        ({"file": ("garbage.bin", bytes(range(256)) * 4)}, "neither a PNG image nor UTF-8"),
        ({"file": ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)}, "image"),
    ],
)
def test_it_explains_bad_input_on_the_page(
    client: Client, submission: dict[str, Any], message: str
) -> None:
    data = dict(submission)
    if "file" in data:
        name, content = data["file"]
        data["file"] = SimpleUploadedFile(name, content)
    response = client.post(URL, data)
    assert response.status_code == 200
    assert verdict_of(response) == "invalid"
    assert message in page(response)


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({}, 400, "Give a credential"),
        ({"text": "{}", "url": "https://a.example/x"}, 400, "only one credential"),
        ({"url": "file:///etc/passwd"}, 400, "starting with https://"),
        ({"url": "javascript:alert(1)"}, 400, "starting with https://"),
    ],
)
def test_it_says_what_is_wrong_with_a_submission(
    client: Client, data: dict[str, Any], status: int, message: str
) -> None:
    response = client.post(URL, data)
    assert response.status_code == status
    assert 'role="alert"' in page(response)
    assert message in page(response)


@pytest.mark.parametrize("svg", [SVG_WITH_SCRIPT, SVG_WITH_HANDLER])
def test_it_refuses_an_svg_with_scripts(client: Client, svg: bytes) -> None:
    response = client.post(URL, {"file": SimpleUploadedFile("badge.svg", svg)})
    assert response.status_code == 400
    assert "contains scripts" in page(response)


def test_it_refuses_an_upload_over_the_limit_with_413(client: Client, settings: Any) -> None:
    settings.CREDSTACK_VERIFY_MAX_BYTES = 1000
    response = client.post(URL, {"file": SimpleUploadedFile("big.json", b" " * 5000)})
    assert response.status_code == 413
    assert "larger than 1000 bytes, the most this verifier accepts" in page(response)


def test_it_refuses_a_huge_body_without_reading_it(client: Client) -> None:
    huge = SimpleUploadedFile("huge.json", b"{" + b" " * (3 * 1024 * 1024) + b"}")
    response = client.post(URL, {"file": huge})
    assert response.status_code == 413
    assert "larger than 2 MB" in page(response)


def test_it_refuses_pasted_text_over_the_limit(client: Client, settings: Any) -> None:
    settings.CREDSTACK_VERIFY_MAX_BYTES = 2048
    response = client.post(URL, {"text": "x" * 3000})
    assert response.status_code == 413


def test_it_keeps_uploads_in_memory_and_never_on_disk(
    client: Client,
    signed: SignedSet,
    status_list: Callable[..., None],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # Django would spill this upload to disk

    def no_disk(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("an upload was written to a temporary file")

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", no_disk)
    content = json.dumps(signed.credential).encode()
    response = client.post(URL, {"file": SimpleUploadedFile("c.json", content)})
    assert verdict_of(response) == "valid"


def test_it_answers_a_verifier_defect_with_a_page_not_a_crash(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise TypeError("unhashable type: 'dict'")

    monkeypatch.setattr("credstack.verification.services.verify", broken)
    response = client.post(URL, {"text": "{}"})
    assert response.status_code == 422
    assert "could not process this credential" in page(response)


def test_it_does_not_accept_other_methods(client: Client) -> None:
    assert client.put(URL).status_code == 405


def test_the_form_is_protected_against_cross_site_posts(signed: SignedSet) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(URL, {"text": json.dumps(signed.credential)})
    assert response.status_code == 403
    form = strict.get(URL)
    token = form.cookies["csrftoken"].value
    accepted = strict.post(URL, {"text": "{}", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 200


def test_it_limits_how_often_one_address_verifies(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CREDSTACK_VERIFY_RATE_LIMIT = 2
    monkeypatch.setattr("credstack.verification.services.clock", lambda: 6000.0)
    for _ in range(2):
        assert client.post(URL, {"text": "{}"}).status_code == 200
    refused = client.post(URL, {"text": "{}"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Too many verifications from your address: at most 2 a minute" in page(refused)
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(URL, {"text": "{}"}).status_code == 200
    monkeypatch.setattr("credstack.verification.services.clock", lambda: 6060.0)
    assert client.post(URL, {"text": "{}"}).status_code == 200


def test_showing_the_empty_form_is_not_counted(client: Client, settings: Any) -> None:
    settings.CREDSTACK_VERIFY_RATE_LIMIT = 1
    for _ in range(3):
        assert client.get(URL).status_code == 200
