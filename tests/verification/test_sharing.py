"""A credential's public page: live status, plain language, QR code, LinkedIn, OpenGraph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import RequestFactory

from credstack.verification.sharing import (
    Download,
    linkedin_add_to_profile_url,
    render_credential_page,
    share_page,
    verifier_link,
)
from tests.verification.credentials import SignedSet

PUBLIC_URL = "https://credstack.test/c/8f2k"
BASE_URL = "https://credstack.test"


def render(signed: SignedSet, credential: dict[str, Any] | None = None, **extra: Any) -> str:
    request = RequestFactory().get("/c/8f2k")
    response = render_credential_page(
        request,
        credential or signed.credential,
        public_url=PUBLIC_URL,
        base_url=BASE_URL,
        **extra,
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
    return response.content.decode()


def test_the_public_page_shows_the_live_status_and_the_eu_elements(
    signed: SignedSet, status_list: Callable[..., None]
) -> None:
    html = render(signed, downloads=[Download("JSON-LD", "/c/8f2k.json", "application/ld+json")])
    assert 'data-verdict="valid"' in html
    assert "<h1>Data Analysis with Python</h1>" in html
    assert "EQF level 6" in html
    assert '<meta property="og:title" content="Data Analysis with Python">' in html
    assert f'<meta property="og:url" content="{PUBLIC_URL}">' in html
    assert 'href="/c/8f2k.json" download type="application/ld+json"' in html
    assert '<svg role="img" aria-label="QR code that opens the verification"' in html


def test_the_public_page_shows_a_revocation_as_soon_as_the_list_says_so(
    signed: SignedSet, status_list: Callable[..., None]
) -> None:
    status_list(revoked=True)
    assert 'data-verdict="revoked"' in render(signed)


def test_the_qr_code_opens_the_verifier_on_the_public_url() -> None:
    link = verifier_link(BASE_URL, PUBLIC_URL)
    assert link == "https://credstack.test/verify/?url=https%3A%2F%2Fcredstack.test%2Fc%2F8f2k"


def test_the_linkedin_link_fills_the_certification_fields(signed: SignedSet) -> None:
    share = share_page(signed.credential, public_url=PUBLIC_URL, base_url=BASE_URL)
    assert share.linkedin_url is not None
    query = parse_qs(urlsplit(share.linkedin_url).query)
    assert query == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Data Analysis with Python"],
        "organizationName": ["Universidade Exemplo, Faculty of Science"],
        "issueYear": ["2026"],
        "issueMonth": ["6"],
        "certUrl": [PUBLIC_URL],
        "certId": [signed.credential["id"]],
    }


def test_the_linkedin_link_leaves_out_what_the_credential_does_not_say() -> None:
    url = linkedin_add_to_profile_url(
        name="X", organization_name=None, issued=None, expires=None,
        certificate_url=PUBLIC_URL, certificate_id=None,
    )  # fmt: skip
    assert parse_qs(urlsplit(url).query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["X"],
        "certUrl": [PUBLIC_URL],
    }


def test_a_page_for_a_credential_with_almost_nothing_in_it_still_renders(
    signed: SignedSet, settings: Any
) -> None:
    from credstack.standards.fetch import OfflineFetcher

    settings.CREDSTACK_VERIFICATION_FETCHER = OfflineFetcher()
    html = render(signed, {"issuer": 5, "credentialSubject": [], "name": ["<b>x</b>"]})
    assert 'data-verdict="invalid"' in html
    assert "<b>x</b>" not in html
