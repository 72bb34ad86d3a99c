"""The wallet's pages: bob imports, sees the status, organises and shares; carol and dave
never see his private credentials; the public profile shows only what bob made public."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from credstack.wallet import services
from credstack.wallet.models import Collection, Profile, WalletCredential
from tests.conftest import Personas
from tests.wallet.conftest import Forms

pytestmark = pytest.mark.usefixtures("status_list")


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_wallet_asks_a_visitor_to_sign_in(client: Client) -> None:
    response = client.get("/wallet/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/wallet/")


def test_bob_signs_in_with_his_email_and_password(client: Client, personas: Personas) -> None:
    page = client.get("/accounts/login/?next=/wallet/")
    assert page.status_code == 200
    response = client.post(
        "/accounts/login/",
        {"username": "bob@example.org", "password": "correct horse battery", "next": "/wallet/"},
    )
    assert response.status_code == 302 and response["Location"] == "/wallet/"
    assert client.get("/wallet/").status_code == 200
    wrong = Client().post("/accounts/login/", {"username": "bob@example.org", "password": "wrong"})
    assert wrong.status_code == 200 and b'role="alert"' in wrong.content


@pytest.mark.parametrize("form", ["json", "jwt", "png"])
def test_bob_imports_and_sees_it_verified(personas: Personas, forms: Forms, form: str) -> None:
    bob = signed_in(personas.bob)
    data: dict[str, object] = {
        "json": {"text": forms.json_text},
        "jwt": {"text": forms.jwt},
        "png": {"file": SimpleUploadedFile("badge.png", forms.baked_png, "image/png")},
    }[form]
    response = bob.post("/wallet/import/", data)
    assert response.status_code == 302
    held = WalletCredential.objects.get(owner=personas.bob)
    assert response["Location"] == f"/wallet/c/{held.public_id}/"
    detail = bob.get(response["Location"])
    assert detail.status_code == 200
    assert b'data-verdict="valid"' in detail.content
    assert b'data-element="learning_outcomes"' in detail.content
    listing = bob.get("/wallet/").content.decode()
    assert "Data Analysis with Python" in listing
    assert 'class="status status-good" data-verdict="valid"' in listing


def test_importing_twice_says_so_and_keeps_one(personas: Personas, forms: Forms) -> None:
    bob = signed_in(personas.bob)
    bob.post("/wallet/import/", {"text": forms.json_text})
    again = bob.post("/wallet/import/", {"text": forms.json_text}, follow=True)
    assert b"already in your wallet" in again.content
    assert WalletCredential.objects.count() == 1


def test_garbage_is_refused_with_a_message_and_nothing_stored(personas: Personas) -> None:
    bob = signed_in(personas.bob)
    response = bob.post("/wallet/import/", {"text": "this is not a credential"})
    assert response.status_code == 400
    assert b'role="alert"' in response.content
    assert b"this is not a credential" in response.content  # the input stays to be fixed
    assert not WalletCredential.objects.exists()


def test_an_oversized_upload_is_refused_before_it_is_read(
    settings: object, personas: Personas, forms: Forms
) -> None:
    settings.CREDSTACK_WALLET_MAX_BYTES = 100  # type: ignore[attr-defined]
    bob = signed_in(personas.bob)
    upload = SimpleUploadedFile("big.png", forms.baked_png + b"\0" * 70_000, "image/png")
    response = bob.post("/wallet/import/", {"file": upload})
    assert response.status_code == 413
    assert not WalletCredential.objects.exists()


def test_a_revoked_credential_shows_revoked_once_the_report_is_stale(
    personas: Personas, forms: Forms, status_list: Callable[..., None]
) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    held = services.import_credential(personas.bob, text=forms.json_text, now=long_ago).credential
    status_list(revoked=True)
    page = signed_in(personas.bob).get(f"/wallet/c/{held.public_id}/")
    assert b'data-verdict="revoked"' in page.content
    assert WalletCredential.objects.get(pk=held.pk).verdict == "revoked"


@pytest.mark.parametrize("intruder", ["carol", "dave"])
def test_others_never_see_bobs_private_credential(
    personas: Personas, forms: Forms, intruder: str
) -> None:
    held = services.import_credential(personas.bob, text=forms.json_text).credential
    collection = services.create_collection(personas.bob, name="Private set")
    services.add_to_collection(personas.bob, collection, held)
    other = signed_in(getattr(personas, intruder))
    for path in (
        f"/wallet/c/{held.public_id}/",
        f"/wallet/c/{held.public_id}/original/",
        f"/wallet/collections/{collection.public_id}/",
    ):
        assert other.get(path).status_code == 404
    assert (
        other.post(f"/wallet/c/{held.public_id}/visibility/", {"visibility": "public"}).status_code
        == 404
    )
    assert other.post(f"/wallet/c/{held.public_id}/delete/").status_code == 404
    assert b"Data Analysis" not in other.get("/wallet/").content
    exported = zipfile.ZipFile(io.BytesIO(other.get("/wallet/export.zip").content))
    assert json.loads(exported.read("manifest.json"))["credentials"] == []
    assert WalletCredential.objects.get(pk=held.pk).visibility == "private"


def test_the_public_profile_shows_only_what_bob_made_public(
    personas: Personas, forms: Forms
) -> None:
    bob = signed_in(personas.bob)
    shown = services.import_credential(personas.bob, text=forms.json_text).credential
    hidden = services.import_credential(personas.bob, text=forms.other_json_text).credential
    assert (
        bob.post(f"/wallet/c/{shown.public_id}/visibility/", {"visibility": "public"}).status_code
        == 302
    )
    response = bob.post(
        "/wallet/profile/",
        {
            "slug": "bob-learns",
            "display_name": "Bob B.",
            "headline": "Data analyst",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    visitor = Client()
    page = visitor.get("/u/bob-learns/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Data Analysis with Python" in html
    assert "Statistics for Data Analysis" not in html
    assert "bob@example.org" not in html
    assert '<meta property="og:title" content="Bob B.">' in html
    assert '<meta property="og:description" content="Data analyst">' in html
    credential_page = visitor.get(f"/u/bob-learns/{shown.public_id}/")
    assert credential_page.status_code == 200
    assert b'data-verdict="valid"' in credential_page.content
    assert b'<meta property="og:title" content="Data Analysis with Python">' in (
        credential_page.content
    )
    assert (
        f'<meta property="og:url" content="https://credstack.test/u/bob-learns/{shown.public_id}/">'
    ) in credential_page.content.decode()
    assert visitor.get(f"/u/bob-learns/{hidden.public_id}/").status_code == 404
    Profile.objects.filter(slug="bob-learns").update(is_public=False)
    assert visitor.get("/u/bob-learns/").status_code == 404
    assert visitor.get(f"/u/bob-learns/{shown.public_id}/").status_code == 404


def test_bob_organises_a_collection(personas: Personas, forms: Forms) -> None:
    bob = signed_in(personas.bob)
    first = services.import_credential(personas.bob, text=forms.json_text).credential
    second = services.import_credential(personas.bob, text=forms.other_json_text).credential
    response = bob.post("/wallet/collections/", {"name": "Job at Acme", "is_public": "on"})
    collection = Collection.objects.get(owner=personas.bob)
    assert response["Location"] == f"/wallet/collections/{collection.public_id}/"
    for held in (first, second):
        bob.post(response["Location"], {"action": "add", "credential": held.public_id})
    bob.post(response["Location"], {"action": "up", "credential": second.public_id})
    assert services.collection_credentials(collection) == [second, first]
    page = bob.get(response["Location"])
    assert page.status_code == 200 and b"Job at Acme" in page.content
    empty_name = bob.post("/wallet/collections/", {"name": ""})
    assert empty_name.status_code == 400 and b'role="alert"' in empty_name.content


def test_a_taken_profile_address_is_explained(personas: Personas) -> None:
    services.update_profile(personas.carol, slug="learner")
    response = signed_in(personas.bob).post("/wallet/profile/", {"slug": "learner"})
    assert response.status_code == 409
    assert b"/u/learner/ is taken" in response.content


def test_the_export_downloads_the_originals(personas: Personas, forms: Forms) -> None:
    held = services.import_credential(personas.bob, upload=forms.baked_png).credential
    response = signed_in(personas.bob).get("/wallet/export.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.read(f"credentials/{held.public_id}.png") == forms.baked_png
    original = signed_in(personas.bob).get(f"/wallet/c/{held.public_id}/original/")
    assert original.content == forms.baked_png and original["Content-Type"] == "image/png"


def test_bob_deletes_his_account_and_everything_goes(personas: Personas, forms: Forms) -> None:
    from credstack.accounts.models import User

    bob = signed_in(personas.bob)
    services.import_credential(personas.bob, text=forms.json_text)
    services.update_profile(personas.bob, slug="bob-learns", is_public=True)
    wrong = bob.post("/wallet/delete-account/", {"confirm_email": "someone@example.org"})
    assert wrong.status_code == 400
    assert User.objects.filter(email="bob@example.org").exists()
    done = bob.post("/wallet/delete-account/", {"confirm_email": "bob@example.org"})
    assert done.status_code == 200
    assert not User.objects.filter(email="bob@example.org").exists()
    assert not WalletCredential.objects.exists() and not Profile.objects.exists()
    assert bob.get("/wallet/").status_code == 302  # signed out
    assert Client().get("/u/bob-learns/").status_code == 404


def test_bob_signs_out_from_the_wallet(personas: Personas) -> None:
    bob = signed_in(personas.bob)
    assert b'action="/accounts/logout/"' in bob.get("/wallet/").content
    assert bob.post("/accounts/logout/").status_code == 302
    assert bob.get("/wallet/").status_code == 302
