"""The wallet's services: import in every form, duplicates, refusals, re-verification,
visibility, collections, the public profile, export and account deletion."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from credstack.common.errors import ConflictError, NotFoundError, ValidationFailedError
from credstack.verification.services import SubmissionError
from credstack.wallet import services
from credstack.wallet.models import Collection, Profile, WalletCredential
from tests.conftest import Personas
from tests.wallet.conftest import Forms

pytestmark = pytest.mark.usefixtures("status_list")


def test_bob_imports_a_json_credential_and_sees_it_verified(
    personas: Personas, forms: Forms
) -> None:
    result = services.import_credential(personas.bob, text=forms.json_text)
    held = result.credential
    assert result.created
    assert held.verdict == "valid"
    assert held.format == "json"
    assert held.kind == "OpenBadgeCredential"
    assert held.title == "Data Analysis with Python"
    assert held.issuer_id == forms.signed.issuer
    assert held.issuer_name == "Universidade Exemplo, Faculty of Science"
    assert held.issued_at is not None and held.issued_at.year == 2026
    assert bytes(held.original) == forms.json_text.encode()
    assert held.media_type == "application/ld+json"
    assert held.visibility == "private"
    assert held.report is not None and held.report["verdict"] == "valid"


def test_bob_imports_a_vc_jwt(personas: Personas, forms: Forms) -> None:
    held = services.import_credential(personas.bob, text=forms.jwt).credential
    assert held.verdict == "valid"
    assert held.format == "jwt"
    assert held.media_type == "application/vc+jwt"
    assert bytes(held.original).decode() == forms.jwt


def test_bob_imports_a_baked_png_kept_byte_for_byte(personas: Personas, forms: Forms) -> None:
    result = services.import_credential(personas.bob, upload=forms.baked_png, upload_name="b.png")
    held = result.credential
    assert held.verdict == "valid"
    assert held.format == "baked-png"
    assert held.media_type == "image/png"
    assert bytes(held.original) == forms.baked_png
    assert held.original_name == "b.png"


def test_it_imports_a_credential_from_a_url(
    settings: Any, personas: Personas, forms: Forms
) -> None:
    fetcher = forms.signed.status_fetcher(revoked=False)
    fetcher.add("https://uni-a.example/credentials/1", forms.signed.credential)
    settings.CREDSTACK_VERIFICATION_FETCHER = fetcher
    held = services.import_credential(
        personas.bob, url="https://uni-a.example/credentials/1"
    ).credential
    assert held.verdict == "valid"
    assert held.source_url == "https://uni-a.example/credentials/1"
    assert json.loads(bytes(held.original)) == forms.signed.credential


def test_importing_the_same_credential_twice_keeps_one(personas: Personas, forms: Forms) -> None:
    first = services.import_credential(personas.bob, text=forms.json_text)
    again = services.import_credential(personas.bob, text=forms.json_text)
    baked = services.import_credential(personas.bob, upload=forms.baked_png)
    assert not again.created and again.credential.pk == first.credential.pk
    assert not baked.created and baked.credential.pk == first.credential.pk
    assert WalletCredential.objects.filter(owner=personas.bob).count() == 1


def test_two_learners_may_hold_the_same_credential(personas: Personas, forms: Forms) -> None:
    services.import_credential(personas.bob, text=forms.json_text)
    assert services.import_credential(personas.carol, text=forms.json_text).created
    assert WalletCredential.objects.count() == 2


@pytest.mark.parametrize(
    "source",
    [
        {"text": "hello, this is not a credential"},
        {"text": "{not json"},
        {"text": '{"a": 1}'},
        {"text": "[1, 2, 3]"},
        {"upload": b"\x00\x01\x02binary garbage"},
        {"upload": b"\x89PNG\r\n\x1a\nbroken png"},
        {"upload": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'},
        {"text": ""},
        {"url": "ftp://example.org/badge.json"},
        {"url": "https://unreachable.example/badge.json"},
    ],
)
def test_it_refuses_garbage_and_stores_nothing(personas: Personas, source: dict[str, Any]) -> None:
    with pytest.raises(SubmissionError) as refused:
        services.import_credential(personas.bob, **source)
    assert refused.value.message
    assert not WalletCredential.objects.exists()


def test_it_refuses_more_than_one_source(personas: Personas, forms: Forms) -> None:
    with pytest.raises(SubmissionError):
        services.import_credential(personas.bob, text=forms.json_text, upload=forms.baked_png)
    assert not WalletCredential.objects.exists()


def test_it_refuses_an_original_over_the_size_limit(
    settings: Any, personas: Personas, forms: Forms
) -> None:
    settings.CREDSTACK_WALLET_MAX_BYTES = 1000
    with pytest.raises(SubmissionError) as refused:
        services.import_credential(personas.bob, text=forms.json_text)
    assert refused.value.code == "too_large"
    assert not WalletCredential.objects.exists()


def test_a_tampered_credential_is_kept_with_its_verdict(personas: Personas, forms: Forms) -> None:
    held = services.import_credential(
        personas.bob, text=json.dumps(forms.signed.tampered())
    ).credential
    assert held.verdict == "invalid"
    assert held.title == "Advanced Data Analysis"


def test_an_expired_credential_is_kept_and_shown_expired(personas: Personas, forms: Forms) -> None:
    later = datetime(2028, 1, 1, tzinfo=UTC)
    result = services.import_credential(personas.bob, text=forms.expiring_json_text, now=later)
    held = result.credential
    assert result.created
    assert held.verdict == "expired"
    assert held.verified_at == later
    assert held.expires_at == datetime(2027, 1, 1, tzinfo=UTC)


def test_a_revoked_credential_shows_revoked_after_reverification(
    personas: Personas, forms: Forms, status_list: Callable[..., None]
) -> None:
    now = timezone.now()
    held = services.import_credential(personas.bob, text=forms.json_text, now=now).credential
    assert held.verdict == "valid"
    status_list(revoked=True)
    fresh = services.reverify_credential(held, now=now + timedelta(minutes=1))
    assert fresh.verdict == "valid"  # the report is recent: not verified again yet
    stale = services.reverify_credential(held, now=now + timedelta(minutes=11))
    assert stale.verdict == "revoked"
    assert WalletCredential.objects.get(pk=held.pk).verdict == "revoked"


def test_set_visibility_changes_only_the_owners_credential(
    personas: Personas, forms: Forms
) -> None:
    held = services.import_credential(personas.bob, text=forms.json_text).credential
    services.set_visibility(personas.bob, held, "public")
    assert WalletCredential.objects.get(pk=held.pk).visibility == "public"
    with pytest.raises(NotFoundError):
        services.set_visibility(personas.carol, held, "private")
    with pytest.raises(ValidationFailedError):
        services.set_visibility(personas.bob, held, "friends")
    with pytest.raises(NotFoundError):
        services.get_credential(personas.dave, held.public_id)


def test_collections_keep_their_order(personas: Personas, forms: Forms) -> None:
    bob = personas.bob
    first = services.import_credential(bob, text=forms.json_text).credential
    second = services.import_credential(bob, text=forms.other_json_text).credential
    collection = services.create_collection(bob, name="Data skills", description="For jobs")
    services.add_to_collection(bob, collection, first)
    services.add_to_collection(bob, collection, second)
    services.add_to_collection(bob, collection, first)  # already in: nothing changes
    assert services.collection_credentials(collection) == [first, second]
    services.move_in_collection(bob, collection, second, offset=-1)
    assert services.collection_credentials(collection) == [second, first]
    services.reorder_collection(bob, collection, [first.public_id, second.public_id])
    assert services.collection_credentials(collection) == [first, second]
    with pytest.raises(ValidationFailedError):
        services.reorder_collection(bob, collection, [first.public_id])
    services.remove_from_collection(bob, collection, first)
    assert services.collection_credentials(collection) == [second]
    assert WalletCredential.objects.filter(pk=first.pk).exists()


def test_nobody_else_can_change_bobs_collections(personas: Personas, forms: Forms) -> None:
    held = services.import_credential(personas.bob, text=forms.json_text).credential
    collection = services.create_collection(personas.bob, name="Mine")
    dave_collection = services.create_collection(personas.dave, name="Dave's")
    with pytest.raises(NotFoundError):
        services.add_to_collection(personas.dave, dave_collection, held)
    with pytest.raises(NotFoundError):
        services.add_to_collection(personas.dave, collection, held)
    with pytest.raises(NotFoundError):
        services.delete_collection(personas.carol, collection)
    with pytest.raises(ValidationFailedError):
        services.create_collection(personas.bob, name="  ")


def test_the_public_profile_shows_only_public_items(personas: Personas, forms: Forms) -> None:
    bob = personas.bob
    shown = services.import_credential(bob, text=forms.json_text).credential
    hidden = services.import_credential(bob, text=forms.other_json_text).credential
    services.set_visibility(bob, shown, "public")
    public = services.create_collection(bob, name="Public", is_public=True)
    private = services.create_collection(bob, name="Private")
    for collection in (public, private):
        services.add_to_collection(bob, collection, shown)
        services.add_to_collection(bob, collection, hidden)
    services.update_profile(bob, slug="bob-learns", display_name="Bob", is_public=False)
    with pytest.raises(NotFoundError):
        services.public_profile("bob-learns")
    services.update_profile(bob, slug="bob-learns", display_name="Bob", is_public=True)
    page = services.public_profile("bob-learns")
    assert page.credentials == [shown]
    assert [(c.collection, c.credentials) for c in page.collections] == [(public, [shown])]
    with pytest.raises(NotFoundError):
        services.public_credential("bob-learns", hidden.public_id)
    assert services.public_credential("bob-learns", shown.public_id) == shown


@pytest.mark.parametrize("slug", ["ab", "Bob Learns", "-bob", "bob-", "a" * 61, "admin", "b--b"])
def test_it_refuses_a_bad_profile_address(personas: Personas, slug: str) -> None:
    with pytest.raises(ValidationFailedError):
        services.update_profile(personas.bob, slug=slug)
    assert not Profile.objects.exists()


def test_a_profile_address_belongs_to_one_learner(personas: Personas) -> None:
    services.update_profile(personas.bob, slug="learner")
    with pytest.raises(ConflictError):
        services.update_profile(personas.carol, slug="learner")


def test_the_export_holds_every_original_and_a_manifest(personas: Personas, forms: Forms) -> None:
    bob = personas.bob
    json_held = services.import_credential(bob, text=forms.json_text).credential
    png_held = services.import_credential(bob, upload=forms.baked_png, upload_name="x.png")
    jwt_held = services.import_credential(bob, text=forms.jwt).credential
    assert not png_held.created  # the same credential as the JSON one
    collection = services.create_collection(bob, name="All")
    services.add_to_collection(bob, collection, jwt_held)
    archive = zipfile.ZipFile(io.BytesIO(services.export_wallet_zip(bob)))
    manifest = json.loads(archive.read("manifest.json"))
    files = {entry["id"]: entry["file"] for entry in manifest["credentials"]}
    assert archive.read(files[json_held.public_id]) == forms.json_text.encode()
    assert archive.read(files[jwt_held.public_id]) == forms.jwt.encode()
    assert files[jwt_held.public_id].endswith(".jwt")
    assert manifest["account"]["email"] == "bob@example.org"
    assert manifest["collections"][0]["credentials"] == [jwt_held.public_id]
    assert sorted(archive.namelist()) == sorted(["manifest.json", "clr.json", *files.values()])


def test_deleting_the_account_removes_everything(personas: Personas, forms: Forms) -> None:
    from credstack.accounts.models import User

    bob = personas.bob
    held = services.import_credential(bob, text=forms.json_text).credential
    collection = services.create_collection(bob, name="All", is_public=True)
    services.add_to_collection(bob, collection, held)
    services.update_profile(bob, slug="bob-learns", is_public=True)
    carol_held = services.import_credential(personas.carol, text=forms.json_text).credential
    services.delete_account(bob)
    assert not User.objects.filter(email="bob@example.org").exists()
    assert list(WalletCredential.objects.all()) == [carol_held]
    assert not Collection.objects.exists()
    assert not Profile.objects.exists()


def test_the_last_owner_of_an_organisation_cannot_delete_the_account(
    personas: Personas,
) -> None:
    with pytest.raises(ConflictError):
        services.delete_account(personas.dave)
    assert personas.dave.__class__.objects.filter(pk=personas.dave.pk).exists()


def test_a_link_pasted_as_text_is_imported_from_the_link(
    settings: Any, personas: Personas, forms: Forms
) -> None:
    fetcher = forms.signed.status_fetcher(revoked=False)
    fetcher.add("https://uni-a.example/credentials/1", forms.signed.credential)
    settings.CREDSTACK_VERIFICATION_FETCHER = fetcher
    held = services.import_credential(
        personas.bob, text="  https://uni-a.example/credentials/1\n"
    ).credential
    assert held.source_url == "https://uni-a.example/credentials/1"
    assert held.media_type == "application/ld+json"
    assert held.verdict == "valid"


def test_a_verifier_defect_on_reverification_keeps_the_last_report(
    monkeypatch: pytest.MonkeyPatch, personas: Personas, forms: Forms
) -> None:
    import credstack.verification.services as verification

    now = timezone.now()
    held = services.import_credential(personas.bob, text=forms.json_text, now=now).credential

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a defect")

    monkeypatch.setattr(verification, "verify", broken)
    again = services.reverify_credential(held, now=now + timedelta(hours=1))
    assert again.verdict == "valid" and again.verified_at == now
