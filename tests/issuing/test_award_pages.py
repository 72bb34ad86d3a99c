"""An award's public page at /c/<award id>/: what an employer sees when a learner shares
the link, verified live against this instance's own status lists."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from credstack.issuing.models import Award
from credstack.issuing.services import (
    revoke_credential,
    rotate_signing_key,
    suspend_credential,
    unsuspend_credential,
)
from tests.issuing.award_pages import award_for_bob

LOCAL = "http://127.0.0.1:8000"
MAX_PAGE_BYTES = 300 * 1024


@pytest.fixture
def award(personas, published_definition) -> Award:
    return award_for_bob(personas, published_definition)


def page(client, award: Award) -> str:
    response = client.get(f"/c/{award.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def meta(text: str, name: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', text)
    assert found is not None, f"no {name} meta tag"
    return html.unescape(found[1])


def test_the_page_shows_the_title_issuer_learner_eu_elements_and_valid(client, award):
    response = client.get(f"/c/{award.public_id}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1>Data literacy for public servants</h1>" in text
    assert 'data-verdict="valid"' in text
    assert "Awarded to Bob Example on" in text
    assert "Uni A" in text
    assert "EQF level 6" in text
    assert "Reads a chart critically" in text
    assert "Online exam with identity check" in text
    assert "3 ECTS credits" in text
    assert 'data-key="confirmed"' in text
    assert "bob@example.org" not in text


def test_the_page_asks_search_engines_not_to_index_it_and_caches_nothing_stale(client, award):
    response = client.get(f"/c/{award.public_id}/")
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Cache-Control"] == "no-cache"


def test_after_revocation_the_page_says_revoked_but_not_the_issuers_reason(client, personas, award):
    revoke_credential(award, reason="Plagiarism in the final essay", by=personas.alice)
    text = page(client, award)
    assert 'data-verdict="revoked"' in text
    assert "Plagiarism" not in text


def test_a_suspension_shows_and_lifting_it_shows_valid_again(client, personas, award):
    suspend_credential(award, reason="Under review", by=personas.alice)
    assert 'data-verdict="suspended"' in page(client, award)
    unsuspend_credential(award, by=personas.alice)
    assert 'data-verdict="valid"' in page(client, award)


def test_an_expired_award_shows_expired(client, personas, published_definition):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    expired = award_for_bob(
        personas,
        published_definition,
        awarded_at=now - timedelta(days=400),
        valid_until=now - timedelta(days=35),
    )
    assert 'data-verdict="expired"' in page(client, expired)


def test_link_previews_get_opengraph_tags_with_absolute_urls(client, award):
    text = page(client, award)
    assert meta(text, "og:title") == "Data literacy for public servants"
    assert meta(text, "og:description") == "Read, question and present data."
    assert meta(text, "og:url") == f"https://credstack.test/c/{award.public_id}/"
    assert meta(text, "og:image") == f"https://credstack.test/c/{award.public_id}/png"
    alternate = f'<link rel="alternate" type="application/ld+json" href="https://credstack.test/c/{award.public_id}/json">'
    assert alternate in text


def test_the_linkedin_link_fills_the_certification_fields(client, award):
    text = page(client, award)
    link = re.search(r'<a href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', text)
    assert link is not None
    query = parse_qs(urlsplit(html.unescape(link[1])).query)
    assert query == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Data literacy for public servants"],
        "organizationName": ["Uni A"],
        "issueYear": [str(award.awarded_at.year)],
        "issueMonth": [str(award.awarded_at.month)],
        "certUrl": [f"https://credstack.test/c/{award.public_id}/"],
        "certId": [award.credential_id],
    }


def test_the_qr_code_opens_the_verifier_on_the_credential_itself(client, award):
    text = page(client, award)
    assert '<svg role="img" aria-label="QR code that opens the verification"' in text
    verify = re.search(r'<a href="(https://credstack\.test/verify/\?url=[^"]+)"', text)
    assert verify is not None
    query = parse_qs(urlsplit(html.unescape(verify[1])).query)
    assert query == {"url": [f"https://credstack.test/c/{award.public_id}/json"]}


def test_the_page_links_every_download(client, award):
    text = page(client, award)
    for kind in ("json", "jwt", "png", "svg"):
        assert f'href="/c/{award.public_id}/{kind}" download' in text
    # The PDF link may answer with a "being prepared" page: not a plain download.
    assert f'href="/c/{award.public_id}/pdf" type="application/pdf"' in text


def test_the_page_weighs_less_than_300_kb(client, award):
    response = client.get(f"/c/{award.public_id}/")
    assert len(response.content) < MAX_PAGE_BYTES
    assert "<script" not in response.content.decode()


def test_an_unknown_award_is_a_404_page_not_an_error(client, db):
    response = client.get("/c/awd_nosuchaward00000000/")
    assert response.status_code == 404
    assert "There is no credential at this address." in response.content.decode()
    assert client.get("/c/awd_nosuchaward00000000/json").status_code == 404
    assert client.get("/c/awd_nosuchaward00000000/pdf").status_code == 404


def test_only_reading_is_allowed(client, award):
    assert client.post(f"/c/{award.public_id}/").status_code == 405
    assert client.head(f"/c/{award.public_id}/").status_code == 200


def test_a_local_did_key_instance_shows_the_live_status_without_the_network(
    client, settings, personas, uni_a_key, published_definition
):
    settings.CREDSTACK_BASE_URL = LOCAL
    award = award_for_bob(personas, published_definition)
    assert award.credential["issuer"]["id"].startswith("did:key:")
    assert 'data-verdict="valid"' in page(client, award)
    revoke_credential(award, reason="Issued in error", by=personas.alice)
    assert 'data-verdict="revoked"' in page(client, award)


def test_earlier_awards_stay_valid_on_their_page_after_a_key_rotation(
    client, settings, personas, award
):
    rotate_signing_key(personas.uni_a, by=personas.oscar)
    assert 'data-verdict="valid"' in page(client, award)
