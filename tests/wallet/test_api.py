"""The wallet's API: list, import, detail, visibility, delete; signed-in learners only,
each seeing only their own credentials."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from credstack.wallet import services
from credstack.wallet.models import WalletCredential
from tests.conftest import Personas
from tests.wallet.conftest import Forms

pytestmark = pytest.mark.usefixtures("status_list")
BASE = "/api/v1/wallet/credentials"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(BASE, json.dumps(body), content_type="application/json")


def test_the_api_needs_a_signed_in_user(client: Client) -> None:
    assert client.get(BASE).status_code == 401
    assert post(client, {"credential": "x"}).status_code == 401


@pytest.mark.parametrize("form", ["object", "jwt", "image"])
def test_bob_imports_through_the_api(personas: Personas, forms: Forms, form: str) -> None:
    bob = signed_in(personas.bob)
    body = {
        "object": {"credential": forms.signed.credential},
        "jwt": {"credential": forms.jwt},
        "image": {"image": base64.b64encode(forms.baked_png).decode()},
    }[form]
    response = post(bob, body)
    assert response.status_code == 201, response.content
    result = response.json()
    assert result["created"] is True
    assert result["credential"]["verdict"] == "valid"
    assert result["credential"]["visibility"] == "private"
    assert result["credential"]["title"] == "Data Analysis with Python"
    listed = bob.get(BASE).json()
    assert [c["id"] for c in listed] == [result["credential"]["id"]]


def test_a_duplicate_import_answers_200_and_is_not_stored(personas: Personas, forms: Forms) -> None:
    bob = signed_in(personas.bob)
    first = post(bob, {"credential": forms.json_text})
    again = post(bob, {"credential": forms.signed.credential})
    assert first.status_code == 201
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["credential"]["id"] == first.json()["credential"]["id"]
    assert WalletCredential.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"credential": "garbage"},
        {"credential": {"hello": "world"}},
        {"image": "not base64!"},
        {},
        {"credential": "x", "url": "https://example.org/c"},
    ],
)
def test_garbage_is_refused_through_the_api(personas: Personas, body: dict[str, Any]) -> None:
    response = post(signed_in(personas.bob), body)
    assert response.status_code == 400
    assert response.json()["error"]["message"]
    assert not WalletCredential.objects.exists()


def test_detail_reverifies_a_stale_report(
    personas: Personas, forms: Forms, status_list: Callable[..., None]
) -> None:
    held = services.import_credential(
        personas.bob, text=forms.json_text, now=timezone.now() - timedelta(hours=1)
    ).credential
    status_list(revoked=True)
    detail = signed_in(personas.bob).get(f"{BASE}/{held.public_id}").json()
    assert detail["verdict"] == "revoked"
    assert detail["report"]["verdict"] == "revoked"
    assert detail["credential"]["id"] == forms.signed.credential["id"]


def test_bob_sets_the_visibility_and_deletes(personas: Personas, forms: Forms) -> None:
    bob = signed_in(personas.bob)
    held = services.import_credential(personas.bob, text=forms.json_text).credential
    url = f"{BASE}/{held.public_id}/visibility"
    made_public = bob.put(
        url, json.dumps({"visibility": "public"}), content_type="application/json"
    )
    assert made_public.status_code == 200 and made_public.json()["visibility"] == "public"
    bad = bob.put(url, json.dumps({"visibility": "friends"}), content_type="application/json")
    assert bad.status_code == 422
    assert bob.delete(f"{BASE}/{held.public_id}").status_code == 204
    assert not WalletCredential.objects.exists()


@pytest.mark.parametrize("intruder", ["carol", "dave", "alice"])
def test_others_never_reach_bobs_credentials_through_the_api(
    personas: Personas, forms: Forms, intruder: str
) -> None:
    held = services.import_credential(personas.bob, text=forms.json_text).credential
    other = signed_in(getattr(personas, intruder))
    assert other.get(BASE).json() == []
    assert other.get(f"{BASE}/{held.public_id}").status_code == 404
    change = other.put(
        f"{BASE}/{held.public_id}/visibility",
        json.dumps({"visibility": "public"}),
        content_type="application/json",
    )
    assert change.status_code == 404
    assert other.delete(f"{BASE}/{held.public_id}").status_code == 404
    assert WalletCredential.objects.get(pk=held.pk).visibility == "private"


def test_a_credential_over_the_size_limit_answers_413(
    settings: Any, personas: Personas, forms: Forms
) -> None:
    settings.CREDSTACK_WALLET_MAX_BYTES = 1000
    response = post(signed_in(personas.bob), {"credential": forms.json_text})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not WalletCredential.objects.exists()
