"""The admin site shows awards, status lists and tokens, read-only, without secrets."""

from __future__ import annotations

from credstack.issuing.services import create_api_token, issue_credential


def test_the_admin_shows_awards_and_tokens_read_only(personas, published_definition, client):
    award = issue_credential(
        published_definition.published_version, recipient_email="bob@example.org", by=None
    )
    row, token = create_api_token(personas.uni_a, name="LMS", scopes=["issue"], by=None)
    client.force_login(personas.pat)
    listing = client.get("/admin/issuing/award/")
    assert listing.status_code == 200
    assert award.public_id in listing.content.decode()
    assert client.get("/admin/issuing/award/add/").status_code == 403
    page = client.get(f"/admin/issuing/apitoken/{row.pk}/change/").content.decode()
    assert row.token_hash not in page and token not in page
    assert client.get("/admin/issuing/statuslist/").status_code == 200
