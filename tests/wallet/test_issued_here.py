"""A credential claimed from this instance links, in the wallet, to its public page."""

from __future__ import annotations

import json

from credstack.issuing.services import issue_credential
from credstack.wallet.models import Arrival
from credstack.wallet.services import add_issued_credential, import_credential, issued_here_page


def _award(personas, published_definition):
    return issue_credential(
        published_definition.published_version,
        recipient_email="bob@example.org",
        recipient_name="Bob Example",
        by=personas.alice,
    )


def test_the_wallet_page_of_a_claimed_award_links_to_its_public_page(
    client, personas, published_definition
):
    award = _award(personas, published_definition)
    held = add_issued_credential(personas.bob, award.credential).credential
    assert held.arrival == Arrival.ISSUED_HERE
    client.force_login(personas.bob)
    page = client.get(f"/wallet/c/{held.public_id}/").content.decode()
    assert f'href="/c/{award.public_id}/"' in page


def test_an_imported_credential_has_no_public_page_here(personas, published_definition):
    award = _award(personas, published_definition)
    imported = import_credential(personas.carol, text=json.dumps(award.credential))
    assert imported.credential.arrival == Arrival.IMPORTED
    assert issued_here_page(imported.credential) is None
