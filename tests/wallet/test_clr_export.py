"""The wallet exported as one CLR 2.0 signed by the instance: it verifies, holds bob's
credentials exactly as held (each still verifying), leaves out with a reason what a CLR
cannot hold, is only ever bob's own, and the instance publishes the key that signed it."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, override_settings

from credstack.common.errors import ConflictError, NotAuthenticatedError
from credstack.issuing.identifiers import base_url
from credstack.issuing.instance_fetcher import InstanceFetcher
from credstack.issuing.instance_identity import instance_did_document_path, instance_identity
from credstack.issuing.models import Award, InstanceSigningKey
from credstack.standards import verify
from credstack.standards.dataintegrity.proofs import proofs_of
from credstack.standards.fetch import OfflineFetcher, StaticFetcher
from credstack.standards.keys.did_key import did_key_from_public_key
from credstack.standards.keys.multikey import public_key_from_multibase
from credstack.standards.report import Outcome, Verdict, VerificationReport
from credstack.standards.vc.clr import CLR_V2P0_CONTEXT
from credstack.standards.vc.data_model import credential_kind, validate_credential
from credstack.standards.vc.envelope import CREDENTIALS_V2
from credstack.standards.vc.ob3 import OB_V3P0_CONTEXT
from credstack.wallet import clr_export, services
from credstack.wallet.models import WalletCredential
from tests.conftest import Personas
from tests.issuing.award_pages import award_for_bob
from tests.issuing.awarding import InstanceClientFetcher
from tests.shared_data import fixture_path
from tests.wallet.conftest import Forms

INSTANCE_DID = "did:web:credstack.test"


class ThisInstanceAndElsewhere:
    """This instance's documents through its own views (as a remote verifier sees them),
    every other URL from a fixed set (the imported credential's status list)."""

    def __init__(self, client: Client, elsewhere: StaticFetcher) -> None:
        self.here = InstanceClientFetcher(client)
        self.elsewhere = elsewhere

    def _pick(self, url: str) -> Any:
        return self.here if url.startswith(base_url() + "/") else self.elsewhere

    def get_json(self, url: str) -> Any:
        return self._pick(url).get_json(url)

    def get_bytes(self, url: str, *, max_bytes: int | None = None) -> bytes:
        return self._pick(url).get_bytes(url, max_bytes=max_bytes)


@pytest.fixture
def fetcher(settings: Any, forms: Forms) -> ThisInstanceAndElsewhere:
    """The fetcher of the wallet's verification and of the tests' own verify() calls."""
    fetcher = ThisInstanceAndElsewhere(Client(), forms.signed.status_fetcher(revoked=False))
    settings.CREDSTACK_VERIFICATION_FETCHER = fetcher
    return fetcher


@pytest.fixture
def award(personas: Personas, published_definition: Any) -> Award:
    return award_for_bob(personas, published_definition)


@pytest.fixture
def bobs_wallet(
    personas: Personas, forms: Forms, award: Award, fetcher: ThisInstanceAndElsewhere
) -> dict[str, WalletCredential]:
    """bob holds an imported OB 3.0 credential, an award of Uni A claimed on this
    instance, and a VC-JWT (which a CLR cannot hold)."""
    bob = personas.bob
    bob.display_name = "Bob Example"
    bob.save()
    held = {
        "imported": services.import_credential(bob, text=forms.json_text).credential,
        "issued": services.add_issued_credential(bob, award.credential).credential,
        "jwt": services.import_credential(bob, text=forms.jwt).credential,
    }
    assert held["imported"].verdict == held["issued"].verdict == "valid"
    return held


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def embedded(clr: dict[str, Any]) -> list[dict[str, Any]]:
    return clr["credentialSubject"]["verifiableCredential"]


def failed_checks(report: VerificationReport) -> list[tuple[str, str]]:
    return [(c.name, c.message) for c in report.checks if c.outcome is not Outcome.PASSED]


# The signed CLR ---------------------------------------------------------------------------


def test_bobs_clr_is_signed_by_the_instance_and_verifies_as_valid(
    personas: Personas, bobs_wallet: dict[str, WalletCredential], fetcher: Any
) -> None:
    clr = clr_export.export_wallet_clr(personas.bob)
    key = InstanceSigningKey.objects.get()
    (proof,) = proofs_of(clr)
    assert clr["issuer"]["id"] == INSTANCE_DID
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"] == f"{INSTANCE_DID}#{key.public_key_multibase}"
    report = verify(clr, fetcher=fetcher, recipient="bob@example.org")
    assert report.verdict is Verdict.VALID, failed_checks(report)
    assert report.check("issuer_binding").outcome is Outcome.PASSED  # type: ignore[union-attr]
    assert report.check("recipient").outcome is Outcome.PASSED  # type: ignore[union-attr]
    assert f"{base_url()}/.well-known/did.json" in fetcher.here.requested


def test_it_embeds_each_credential_exactly_as_held_and_each_still_verifies(
    personas: Personas,
    bobs_wallet: dict[str, WalletCredential],
    forms: Forms,
    award: Award,
    fetcher: Any,
) -> None:
    clr = clr_export.export_wallet_clr(personas.bob)
    assert embedded(clr) == [json.loads(forms.json_text), award.credential]
    for credential in embedded(clr):
        report = verify(credential, fetcher=fetcher)
        assert report.verdict is Verdict.VALID, failed_checks(report)


def test_tampering_with_an_embedded_credential_invalidates_the_clr_and_the_credential(
    personas: Personas, bobs_wallet: dict[str, WalletCredential], fetcher: Any
) -> None:
    clr = clr_export.export_wallet_clr(personas.bob)
    tampered = copy.deepcopy(clr)
    embedded(tampered)[1]["credentialSubject"]["achievement"]["name"] = "Advanced data science"
    report = verify(tampered, fetcher=fetcher)
    assert report.verdict is Verdict.INVALID
    assert report.check("proof").outcome is Outcome.FAILED  # type: ignore[union-attr]
    assert verify(embedded(tampered)[1], fetcher=fetcher).verdict is Verdict.INVALID
    assert verify(clr, fetcher=fetcher).verdict is Verdict.VALID


def test_the_clr_conforms_to_the_clr_2_0_data_model(
    personas: Personas, bobs_wallet: dict[str, WalletCredential], award: Award
) -> None:
    clr = clr_export.export_wallet_clr(personas.bob)
    assert validate_credential(clr) == []
    assert credential_kind(clr) == "ClrCredential"
    assert clr["@context"][:3] == [CREDENTIALS_V2, CLR_V2P0_CONTEXT, OB_V3P0_CONTEXT]
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert clr["id"].startswith("urn:uuid:")
    assert clr["name"] == "Bob Example's comprehensive learner record"
    subject = clr["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    assert [a["id"] for a in subject["achievement"]] == [
        c["credentialSubject"]["achievement"]["id"] for c in embedded(clr)
    ]
    assert subject["achievement"][1] == award.credential["credentialSubject"]["achievement"]
    (identity,) = subject["identifier"]
    assert identity["identityType"] == "emailAddress" and identity["hashed"] is True
    assert "bob@example.org" not in json.dumps(clr)


def test_what_a_clr_cannot_hold_is_left_out_with_the_reason(
    personas: Personas, bobs_wallet: dict[str, WalletCredential]
) -> None:
    bob = personas.bob
    vc_1_1 = services.import_credential(
        bob, text=fixture_path("ob30", "complete_v1.json").read_text()
    ).credential
    export = clr_export.build_wallet_clr(bob)
    reasons = {item.credential.public_id: item.reason for item in export.left_out}
    assert set(reasons) == {bobs_wallet["jwt"].public_id, vc_1_1.public_id}
    assert "VC-JWT" in reasons[bobs_wallet["jwt"].public_id]
    assert "1.1" in reasons[vc_1_1.public_id]
    assert export.included == [bobs_wallet["imported"], bobs_wallet["issued"]]
    assert export.credential["partial"] is True


def test_a_wallet_of_only_embeddable_credentials_gives_a_complete_clr(
    personas: Personas, bobs_wallet: dict[str, WalletCredential]
) -> None:
    services.delete_credential(personas.bob, bobs_wallet["jwt"])
    export = clr_export.build_wallet_clr(personas.bob)
    assert export.left_out == []
    assert export.credential["partial"] is False


def test_a_held_clr_gives_its_credentials_once(
    personas: Personas, bobs_wallet: dict[str, WalletCredential], fetcher: Any
) -> None:
    bob = personas.bob
    first = clr_export.export_wallet_clr(bob)
    held_clr = services.import_credential(bob, text=json.dumps(first)).credential
    assert held_clr.kind == "ClrCredential" and held_clr.verdict == "valid"
    export = clr_export.build_wallet_clr(bob)
    assert embedded(export.credential) == embedded(first)
    assert held_clr in export.included
    assert verify(export.credential, fetcher=fetcher).verdict is Verdict.VALID


def test_the_instance_key_is_made_once_and_kept_sealed(
    personas: Personas, bobs_wallet: dict[str, WalletCredential], client: Client
) -> None:
    clr_export.export_wallet_clr(personas.bob)
    clr_export.export_wallet_clr(personas.bob)
    key = InstanceSigningKey.objects.get()
    assert key.retired_at is None
    assert len(bytes(key.encrypted_secret)) == 12 + 32 + 16  # nonce, sealed seed, tag
    assert (
        "encrypted" not in repr(key)
        and "secret" not in client.get("/.well-known/did.json").content.decode().lower()
    )


# Only bob's own ---------------------------------------------------------------------------


def test_bobs_clr_holds_only_his_credentials_and_carols_only_hers(
    personas: Personas, bobs_wallet: dict[str, WalletCredential], forms: Forms
) -> None:
    carols = services.import_credential(personas.carol, text=forms.other_json_text).credential
    bobs = clr_export.build_wallet_clr(personas.bob)
    carol_export = clr_export.build_wallet_clr(personas.carol)
    assert json.loads(forms.other_json_text) not in embedded(bobs.credential)
    assert carols not in bobs.included
    assert embedded(carol_export.credential) == [json.loads(forms.other_json_text)]
    assert carol_export.included == [carols]


def test_nobody_exports_without_signing_in(client: Client, db: None) -> None:
    response = client.get("/wallet/export.clr.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/wallet/export/clr").status_code == 401
    with pytest.raises(NotAuthenticatedError):
        clr_export.build_wallet_clr(AnonymousUser())


def test_an_empty_wallet_gets_a_clear_message_not_an_empty_clr(personas: Personas) -> None:
    with pytest.raises(ConflictError) as refused:
        clr_export.build_wallet_clr(personas.dave)
    assert refused.value.code == "nothing_to_export"
    assert "CLR" in refused.value.message
    dave = signed_in(personas.dave)
    response = dave.get("/wallet/export.clr.json", follow=True)
    assert response.redirect_chain == [("/wallet/", 302)]
    assert "no credential that a CLR 2.0 can include" in response.content.decode()
    api = dave.get("/api/v1/wallet/export/clr")
    assert api.status_code == 409
    assert api.json()["error"]["code"] == "nothing_to_export"
    assert not InstanceSigningKey.objects.exists()


def test_a_wallet_of_only_vc_jwts_is_told_why_nothing_can_be_included(
    personas: Personas, forms: Forms, status_list: Any
) -> None:
    held = services.import_credential(personas.bob, text=forms.jwt).credential
    with pytest.raises(ConflictError) as refused:
        clr_export.build_wallet_clr(personas.bob)
    (left_out,) = refused.value.details["notIncluded"]
    assert left_out["id"] == held.public_id and "VC-JWT" in left_out["reason"]


# Pages, API and ZIP ------------------------------------------------------------------------


def test_bob_downloads_his_clr_from_the_wallet_page(
    personas: Personas, bobs_wallet: dict[str, WalletCredential], fetcher: Any
) -> None:
    bob = signed_in(personas.bob)
    page = bob.get("/wallet/")
    assert 'href="/wallet/export.clr.json"' in page.content.decode()
    response = bob.get("/wallet/export.clr.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response["Content-Disposition"] == 'attachment; filename="credstack-wallet-clr.json"'
    assert response["Cache-Control"] == "private, no-store"
    clr = json.loads(response.content)
    assert verify(clr, fetcher=fetcher).verdict is Verdict.VALID


def test_the_wallet_page_offers_no_clr_for_an_empty_wallet(personas: Personas) -> None:
    assert b"export.clr.json" not in signed_in(personas.dave).get("/wallet/").content


def test_the_api_gives_the_clr_and_what_it_leaves_out(
    personas: Personas, bobs_wallet: dict[str, WalletCredential], fetcher: Any
) -> None:
    response = signed_in(personas.bob).get("/api/v1/wallet/export/clr")
    assert response.status_code == 200
    body = response.json()
    assert body["included"] == [bobs_wallet["imported"].public_id, bobs_wallet["issued"].public_id]
    (left_out,) = body["not_included"]
    assert left_out["id"] == bobs_wallet["jwt"].public_id and left_out["reason"]
    assert verify(body["credential"], fetcher=fetcher).verdict is Verdict.VALID


def test_the_zip_export_holds_the_signed_clr(
    personas: Personas, bobs_wallet: dict[str, WalletCredential], fetcher: Any
) -> None:
    archive = zipfile.ZipFile(io.BytesIO(services.export_wallet_zip(personas.bob)))
    clr = json.loads(archive.read("clr.json"))
    assert verify(clr, fetcher=fetcher).verdict is Verdict.VALID
    note = json.loads(archive.read("manifest.json"))["clr"]
    assert note["file"] == "clr.json" and note["id"] == clr["id"]
    assert note["included"] == [bobs_wallet["imported"].public_id, bobs_wallet["issued"].public_id]
    assert [item["id"] for item in note["notIncluded"]] == [bobs_wallet["jwt"].public_id]


def test_the_zip_export_says_why_it_holds_no_clr(personas: Personas) -> None:
    archive = zipfile.ZipFile(io.BytesIO(services.export_wallet_zip(personas.dave)))
    assert "clr.json" not in archive.namelist()
    note = json.loads(archive.read("manifest.json"))["clr"]
    assert note["file"] is None and "CLR" in note["reason"]


# The instance's identity -------------------------------------------------------------------


def test_the_instance_did_document_serves_the_key_that_signed(
    personas: Personas, bobs_wallet: dict[str, WalletCredential], client: Client
) -> None:
    assert client.get("/.well-known/did.json").status_code == 404  # no key yet
    clr_export.export_wallet_clr(personas.bob)
    key = InstanceSigningKey.objects.get()
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/did+json"
    assert response["Access-Control-Allow-Origin"] == "*"  # resolvers in browsers
    document = response.json()
    assert document["id"] == INSTANCE_DID
    assert [m["publicKeyMultibase"] for m in document["verificationMethod"]] == [
        key.public_key_multibase
    ]
    assert document["assertionMethod"] == [f"{INSTANCE_DID}#{key.public_key_multibase}"]
    assert client.get("/did.json").status_code == 404  # not where this did:web resolves


def test_verification_reads_the_instance_did_document_from_the_database(
    personas: Personas, bobs_wallet: dict[str, WalletCredential], client: Client
) -> None:
    clr_export.export_wallet_clr(personas.bob)
    fallback = StaticFetcher()
    fetched = InstanceFetcher(fallback).get_json(f"{base_url()}/.well-known/did.json")
    assert fetched == client.get("/.well-known/did.json").json()
    assert fallback.requested == []


def test_under_a_base_path_the_did_document_is_where_did_web_resolves(
    personas: Personas, client: Client
) -> None:
    with override_settings(CREDSTACK_BASE_URL="https://example.edu/credstack"):
        assert instance_did_document_path() == "did.json"
        instance_identity()
        document = client.get("/did.json").json()
        assert document["id"] == "did:web:example.edu:credstack"
        assert client.get("/.well-known/did.json").status_code == 404


def test_a_local_instance_signs_as_its_did_key(
    personas: Personas, forms: Forms, status_list: Any, client: Client
) -> None:
    with override_settings(CREDSTACK_BASE_URL="http://127.0.0.1:8000"):
        services.import_credential(personas.bob, text=forms.json_text)
        clr = clr_export.export_wallet_clr(personas.bob)
        assert client.get("/.well-known/did.json").status_code == 404
    key = InstanceSigningKey.objects.get()
    did = did_key_from_public_key(public_key_from_multibase(key.public_key_multibase))
    assert clr["issuer"]["id"] == did
    report = verify(clr, fetcher=OfflineFetcher())
    assert report.verdict is Verdict.VALID, failed_checks(report)
