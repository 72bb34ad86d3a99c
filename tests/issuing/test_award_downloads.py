"""An award's downloads at /c/<award id>/<kind>: each one verifies with the trust core
as the credential that was issued."""

from __future__ import annotations

import json

import pytest

from credstack.issuing import images
from credstack.issuing.models import Award, AwardVcJwt
from credstack.issuing.services import (
    approve_definition,
    create_definition,
    publish_definition,
    revoke_credential,
    rotate_signing_key,
    submit_definition,
)
from credstack.issuing.sharing import award_fetcher, vc_jwt_of
from credstack.standards import unbake, verify
from credstack.standards.vc.jwt import decode_vc_jwt
from tests.conftest import COMPLETE_DEFINITION
from tests.issuing.award_pages import award_for_bob
from tests.verification.images import blank_png

LOCAL = "http://127.0.0.1:8000"
FILENAME_STEM = "data-literacy-for-public-servants"


@pytest.fixture
def award(personas, published_definition) -> Award:
    return award_for_bob(personas, published_definition)


def download(client, award: Award, kind: str, media_type: str) -> bytes:
    response = client.get(f"/c/{award.public_id}/{kind}")
    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    assert response["Content-Disposition"] == f'attachment; filename="{FILENAME_STEM}.{kind}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    return bytes(response.content)


def verdict(source: object) -> str:
    return str(verify(source, fetcher=award_fetcher()).verdict)  # type: ignore[arg-type]


def test_the_json_ld_download_is_the_signed_credential_and_verifies(client, award):
    body = download(client, award, "json", "application/ld+json")
    assert json.loads(body) == award.credential
    assert verdict(body) == "valid"


def test_the_vc_jwt_download_verifies_and_carries_the_same_credential(client, award):
    token = download(client, award, "jwt", "application/jwt").decode("ascii")
    report = verify(token, fetcher=award_fetcher())
    assert str(report.verdict) == "valid"
    assert report.format == "jwt"
    decoded = decode_vc_jwt(token)
    assert decoded.header["kid"].startswith("did:web:credstack.test:orgs:uni-a#")
    unsecured = {key: value for key, value in award.credential.items() if key != "proof"}
    assert decoded.credential == unsecured


def test_the_vc_jwt_is_signed_once_and_served_the_same_every_time(client, award):
    first = download(client, award, "jwt", "application/jwt")
    second = download(client, award, "jwt", "application/jwt")
    assert first == second
    assert AwardVcJwt.objects.filter(award=award).count() == 1


def test_a_revoked_awards_vc_jwt_says_revoked(client, personas, award):
    token = download(client, award, "jwt", "application/jwt").decode("ascii")
    revoke_credential(award, reason="Issued in error", by=personas.alice)
    assert verdict(token) == "revoked"
    # Downloads stay available after a revocation; what they hold says revoked.
    assert verdict(download(client, award, "json", "application/ld+json")) == "revoked"


@pytest.mark.parametrize(("kind", "media_type"), [("png", "image/png"), ("svg", "image/svg+xml")])
def test_the_baked_images_hold_the_same_credential_and_verify(client, award, kind, media_type):
    image = download(client, award, kind, media_type)
    baked = unbake(image)
    assert baked.payload == award.credential
    assert verdict(image) == "valid"


def test_the_png_is_the_definitions_own_image_when_it_has_one(client, personas, uni_a_key):
    stored = images.store_image(personas.uni_a, blank_png(64), "badge.png", by=personas.alice)
    definition = create_definition(
        personas.uni_a, {**COMPLETE_DEFINITION, "image": stored.name}, by=personas.alice
    )
    submit_definition(definition, by=personas.alice)
    approve_definition(definition, by=personas.rita)
    publish_definition(definition, by=personas.alice)
    definition.refresh_from_db()
    award = award_for_bob(personas, definition)
    image = download(client, award, "png", "image/png")
    # The stored image's pixels (64 × 64 in the IHDR chunk), not a QR code's.
    assert image[16:24] == (64).to_bytes(4, "big") * 2
    assert unbake(image).payload == award.credential
    assert verdict(image) == "valid"
    # It has no SVG image: the SVG download is the drawn badge.
    assert unbake(download(client, award, "svg", "image/svg+xml")).payload == award.credential


def test_a_did_key_instance_signs_its_vc_jwt_with_the_key_that_issued_it(
    client, settings, personas, uni_a_key, published_definition
):
    settings.CREDSTACK_BASE_URL = LOCAL
    award = award_for_bob(personas, published_definition)
    issuer = award.credential["issuer"]["id"]
    # After a rotation the active key is another did:key; only the old one speaks for
    # the credential's issuer.
    rotate_signing_key(personas.uni_a, by=personas.oscar)
    token = vc_jwt_of(award)
    assert decode_vc_jwt(token).header["kid"].startswith(issuer + "#")
    assert verdict(token) == "valid"


def test_a_did_web_instance_signs_with_the_active_key_after_a_rotation(client, personas, award):
    new_key = rotate_signing_key(personas.uni_a, by=personas.oscar)
    token = vc_jwt_of(award)
    assert decode_vc_jwt(token).header["kid"].endswith("#" + new_key.public_key_multibase)
    assert verdict(token) == "valid"


def test_a_vc_jwt_no_key_can_sign_any_more_is_refused_clearly(client, settings, award):
    # The instance moved to another domain: its did:web is no longer the credential's.
    settings.CREDSTACK_BASE_URL = "https://badges.example.edu"
    response = client.get(f"/c/{award.public_id}/jwt")
    assert response.status_code == 409
    assert "cannot be given as a VC-JWT" in response.content.decode()
    assert "The JSON-LD download is the same credential." in response.content.decode()


def test_an_unknown_kind_of_download_is_a_404(client, award):
    response = client.get(f"/c/{award.public_id}/docx")
    assert response.status_code == 404
    assert "json, jwt, png, svg, pdf" in response.content.decode()
