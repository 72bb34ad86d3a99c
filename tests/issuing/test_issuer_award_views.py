"""The issuer's award pages: award one credential, the awards list, one award, revoke,
suspend and reinstate; and who may see and do what."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from credstack.issuing import award_views
from credstack.issuing.models import Award, AwardStatus, SigningKey
from credstack.issuing.services import (
    create_definition,
    issue_credential,
    suspend_credential,
)
from credstack.issuing.status_lists import is_set
from credstack.standards import verify
from tests.conftest import COMPLETE_DEFINITION, Personas
from tests.issuing.awarding import instance_fetcher

AWARDS = "/orgs/uni-a/awards/"


def award_url(definition: Any) -> str:
    return f"/orgs/uni-a/definitions/{definition.public_id}/award/"


def detail_url(award: Award) -> str:
    return f"{AWARDS}{award.public_id}/"


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def form_key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert match, "the award form carries an idempotency key"
    return match.group(1)


def award_to(definition: Any, personas: Personas, email: str, name: str = "") -> Award:
    return issue_credential(
        definition.published_version,
        recipient_email=email,
        recipient_name=name,
        by=personas.alice,
    )


@pytest.fixture
def award(personas: Personas, published_definition: Any) -> Award:
    return award_to(published_definition, personas, "bob@example.org", "Bob Learner")


def verdict_of(award: Award) -> str:
    award.refresh_from_db()
    later = datetime.now(UTC) + timedelta(minutes=1)
    return str(verify(award.credential, fetcher=instance_fetcher(award), now=later).verdict)


# --- Who may see and do what ------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, award: Award) -> None:
    definition = award.definition_version.definition
    for url in (AWARDS, detail_url(award), f"{detail_url(award)}revoke/", award_url(definition)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_a_member_of_another_organisation_finds_nothing(
    client: Client, personas: Personas, award: Award
) -> None:
    signed_in(client, personas.dave)
    definition = award.definition_version.definition
    for url in (AWARDS, detail_url(award), award_url(definition), f"{detail_url(award)}revoke/"):
        assert client.get(url).status_code == 404, url
    response = client.post(f"{detail_url(award)}revoke/", {"reason": "Not mine"})
    assert response.status_code == 404
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE
    # Uni B's own awards page is dave's; it does not list Uni A's awards.
    assert award.public_id not in client.get("/orgs/uni-b/awards/").content.decode()


@pytest.mark.django_db
def test_a_viewer_sees_the_awards_but_no_action(
    client: Client, personas: Personas, award: Award
) -> None:
    signed_in(client, personas.victor)
    listing = client.get(AWARDS)
    assert listing.status_code == 200
    assert award.public_id in listing.content.decode()
    assert "Award “" not in listing.content.decode()
    detail = client.get(detail_url(award)).content.decode()
    assert "Bob Learner" in detail
    assert "revoke/" not in detail and "suspend/" not in detail
    assert listing["Cache-Control"] == "private, no-store"

    assert client.get(f"{detail_url(award)}revoke/").status_code == 403
    refused = client.post(f"{detail_url(award)}suspend/", {"reason": "Curious"})
    assert refused.status_code == 403
    assert "you may not revoke" in refused.content.decode()
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE


@pytest.mark.django_db
def test_a_reviewer_cannot_award(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    signed_in(client, personas.rita)
    assert client.get(award_url(published_definition)).status_code == 403
    response = client.post(
        award_url(published_definition),
        {"recipient": "bob@example.org", "recipient_name": "Bob"},
    )
    assert response.status_code == 403
    assert "you may not award" in response.content.decode()
    assert not Award.objects.exists()


# --- Award one ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_issuer_awards_one_credential(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    signed_in(client, personas.alice)
    form = client.get(award_url(published_definition))
    assert form.status_code == 200
    assert "Data literacy for public servants" in form.content.decode()
    response = client.post(
        award_url(published_definition),
        {
            "recipient": "Bob@Example.org",
            "recipient_name": "Bob Learner",
            "narrative": "Cleaned the city's open data.",
            "evidence_url": "https://portfolio.example.org/bob",
            "grade": "5/5",
            "award_date": "2026-01-15",
            "expiry": "2028-01-15",
            "idempotency_key": form_key(form.content.decode()),
        },
    )
    award = Award.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(award)
    assert (award.recipient_email, award.recipient_name, award.grade) == (
        "Bob@Example.org",
        "Bob Learner",
        "5/5",
    )
    assert award.awarded_at == datetime(2026, 1, 15, tzinfo=UTC)
    assert award.valid_until == datetime(2028, 1, 15, 23, 59, 59, tzinfo=UTC)
    assert award.created_by == personas.alice
    assert award.credential["credentialSubject"]["achievement"]["name"] == (
        "Data literacy for public servants"
    )
    page = client.get(response["Location"]).content.decode()
    assert "The credential was awarded." in page
    assert "Bob Learner" in page and "https://portfolio.example.org/bob" in page
    assert f'href="/c/{award.public_id}/"' in page
    assert f'href="/orgs/uni-a/definitions/{published_definition.public_id}/"' in page


@pytest.mark.django_db
def test_an_issuer_awards_to_a_did(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    signed_in(client, personas.alice)
    response = client.post(
        award_url(published_definition), {"recipient": did, "recipient_name": "Bob"}
    )
    assert response.status_code == 302
    award = Award.objects.get()
    assert (award.recipient_did, award.recipient_email) == (did, "")


@pytest.mark.django_db
def test_a_bad_award_form_says_why_and_keeps_what_was_typed(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    signed_in(client, personas.alice)
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    response = client.post(
        award_url(published_definition),
        {
            "recipient": "bob-at-example.org",
            "recipient_name": "Bob Learner",
            "narrative": "A long story about Bob",
            "award_date": tomorrow,
            "expiry": "2020-01-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The award date is in the future." in html
    assert "The expiry date must be after the award date." in html
    assert 'aria-invalid="true"' in html
    assert 'value="bob-at-example.org"' in html and "A long story about Bob" in html
    # Sent without a key, the form comes back with one, so sending it again awards once.
    assert re.fullmatch(r"web-[0-9a-f]{32}", form_key(html))
    assert not Award.objects.exists()

    # The service's own checks (here the email) are shown the same way.
    response = client.post(
        award_url(published_definition),
        {"recipient": "bob-at-example.org", "recipient_name": "Bob Learner"},
    )
    assert response.status_code == 422
    assert "not an email address" in response.content.decode()
    assert 'value="Bob Learner"' in response.content.decode()
    assert not Award.objects.exists()


@pytest.mark.django_db
def test_sending_the_award_form_twice_awards_once(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    signed_in(client, personas.alice)
    key = form_key(client.get(award_url(published_definition)).content.decode())
    data = {"recipient": "bob@example.org", "recipient_name": "Bob", "idempotency_key": key}
    first = client.post(award_url(published_definition), data)
    second = client.post(award_url(published_definition), data)
    assert Award.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert "the credential was awarded once" in client.get(second["Location"]).content.decode()


@pytest.mark.django_db
def test_a_form_reused_for_another_learner_awards_nothing_and_keeps_the_input(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    signed_in(client, personas.alice)
    key = form_key(client.get(award_url(published_definition)).content.decode())
    data = {"recipient": "bob@example.org", "recipient_name": "Bob", "idempotency_key": key}
    client.post(award_url(published_definition), data)
    again = client.post(award_url(published_definition), {**data, "recipient": "carol@example.org"})
    html = again.content.decode()
    assert again.status_code == 409
    assert "already used to make another award" in html
    assert 'value="carol@example.org"' in html
    assert form_key(html) != key
    assert Award.objects.count() == 1
    client.post(
        award_url(published_definition),
        {**data, "recipient": "carol@example.org", "idempotency_key": form_key(html)},
    )
    assert Award.objects.count() == 2


@pytest.mark.django_db
def test_an_organisation_without_a_signing_key_is_told_and_the_input_kept(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    SigningKey.objects.filter(organisation=personas.uni_a).update(retired_at=datetime.now(UTC))
    signed_in(client, personas.alice)
    response = client.post(
        award_url(published_definition),
        {"recipient": "bob@example.org", "recipient_name": "Bob Learner"},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Uni A has no active signing key" in html
    assert 'value="bob@example.org"' in html and 'value="Bob Learner"' in html
    assert not Award.objects.exists()


@pytest.mark.django_db
def test_only_a_published_definition_can_be_awarded(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    draft = create_definition(personas.uni_a, COMPLETE_DEFINITION, by=personas.alice)
    signed_in(client, personas.alice)
    response = client.get(award_url(draft))
    assert response.status_code == 409
    assert "Only a published definition can be awarded" in response.content.decode()
    assert client.get("/orgs/uni-a/definitions/def_nothing/award/").status_code == 404
    listing = client.get(AWARDS).content.decode()
    assert award_url(published_definition) in listing
    assert award_url(draft) not in listing


# --- The list -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_searches_and_filters(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    ann = award_to(published_definition, personas, "ann@example.org", "Ann Able")
    ben = award_to(published_definition, personas, "ben@example.org", "Ben Baker")
    suspend_credential(ben, reason="Complaint", by=personas.alice)
    signed_in(client, personas.victor)

    def listed(**query: str) -> set[str]:
        html = client.get(AWARDS, query).content.decode()
        return set(re.findall(r'data-award="(awd_[a-z0-9]+)"', html))

    assert listed() == {ann.public_id, ben.public_id}
    assert listed(q="ANN@example") == {ann.public_id}
    assert listed(q="baker") == {ben.public_id}
    assert listed(q=ben.public_id) == {ben.public_id}
    assert listed(status="suspended") == {ben.public_id}
    assert listed(status="revoked") == set()
    assert listed(status="nonsense") == set()
    assert listed(definition=published_definition.public_id) == {ann.public_id, ben.public_id}
    assert listed(definition="def_other") == set()
    html = client.get(AWARDS, {"q": "nobody"}).content.decode()
    assert "No award matches these filters." in html


@pytest.mark.django_db
def test_the_list_answers_htmx_with_the_results_and_a_browser_with_the_page(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    ann = award_to(published_definition, personas, "ann@example.org", "Ann Able")
    award_to(published_definition, personas, "ben@example.org", "Ben Baker")
    signed_in(client, personas.alice)
    query = {"q": "ann", "definition": "", "status": ""}

    page = client.get(AWARDS, query)
    html = page.content.decode()
    assert "<html" in html
    assert re.findall(r'data-award="(awd_[a-z0-9]+)"', html) == [ann.public_id]
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html
    assert f'hx-get="{AWARDS}"' in html and 'hx-target="#award-results"' in html
    assert 'hx-push-url="true"' in html
    assert '<p class="lead" id="awards-count" role="status">1 award matches the filters.</p>' in (
        html
    )
    assert "hx-swap-oob" not in html

    results = client.get(AWARDS, query, HTTP_HX_REQUEST="true")
    fragment = results.content.decode()
    assert "<html" not in fragment and "<form" not in fragment
    assert re.findall(r'data-award="(awd_[a-z0-9]+)"', fragment) == [ann.public_id]
    assert '<p id="awards-count" hx-swap-oob="innerHTML">1 award matches the filters.</p>' in (
        fragment
    )
    assert f'<a href="{AWARDS}">Show all</a>' in fragment
    assert "HX-Request" in results["Vary"]
    assert results["Cache-Control"] == "private, no-store"

    nothing = client.get(AWARDS, {"q": "nobody"}, HTTP_HX_REQUEST="true").content.decode()
    assert "No award matches these filters." in nothing
    assert ">0 awards match the filters.<" in nothing

    # Going back in the browser: htmx asks for the whole page.
    restored = client.get(
        AWARDS, query, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    ).content.decode()
    assert "<html" in restored and "<form" in restored


@pytest.mark.django_db
def test_htmx_asking_without_a_session_or_membership_reloads_the_page(
    client: Client, personas: Personas, award: Award
) -> None:
    response = client.get(AWARDS, {"q": "bob"}, HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Refresh"]) == (200, "true")
    signed_in(client, personas.dave)
    response = client.get(AWARDS, {"q": "bob"}, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert award.public_id not in response.content.decode()
    # Without htmx, the same requests still get the sign-in redirect and the 404.
    assert client.get(AWARDS).status_code == 404


@pytest.mark.django_db
def test_the_list_is_paginated_newest_first(
    client: Client,
    personas: Personas,
    published_definition: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(award_views, "AWARDS_PER_PAGE", 2)
    awards = [award_to(published_definition, personas, f"learner{n}@example.org") for n in range(3)]
    signed_in(client, personas.alice)
    first = client.get(AWARDS, {"status": "active"}).content.decode()
    assert "Page 1 of 2" in first
    assert re.findall(r'data-award="(awd_[a-z0-9]+)"', first) == [
        awards[2].public_id,
        awards[1].public_id,
    ]
    assert "?status=active&amp;page=2" in first
    second = client.get(AWARDS, {"status": "active", "page": "2"}).content.decode()
    assert re.findall(r'data-award="(awd_[a-z0-9]+)"', second) == [awards[0].public_id]


# --- Revoke, suspend, reinstate ------------------------------------------------------------


@pytest.mark.django_db
def test_revoking_asks_for_confirmation_and_a_reason(
    client: Client, personas: Personas, award: Award
) -> None:
    signed_in(client, personas.alice)
    detail = client.get(detail_url(award)).content.decode()
    assert f"{detail_url(award)}revoke/" in detail
    confirm = client.get(f"{detail_url(award)}revoke/").content.decode()
    assert "Revoking is permanent" in confirm
    assert award.status == AwardStatus.ACTIVE

    refused = client.post(f"{detail_url(award)}revoke/", {"reason": "   "})
    assert refused.status_code == 400
    assert "give a reason" in refused.content.decode()
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE
    assert not is_set(award.revocation_list, award.revocation_index)

    done = client.post(f"{detail_url(award)}revoke/", {"reason": "Plagiarism"})
    assert done.status_code == 302
    award.refresh_from_db()
    assert (award.status, award.status_reason) == (AwardStatus.REVOKED, "Plagiarism")
    assert is_set(award.revocation_list, award.revocation_index)
    assert verdict_of(award) == "revoked"
    page = client.get(detail_url(award)).content.decode()
    assert "Verifiers now see it as revoked" in page
    assert "Plagiarism" in page and "revoke/" not in page


@pytest.mark.django_db
def test_suspending_and_reinstating(client: Client, personas: Personas, award: Award) -> None:
    signed_in(client, personas.alice)
    assert client.post(f"{detail_url(award)}suspend/", {"reason": ""}).status_code == 400
    client.post(f"{detail_url(award)}suspend/", {"reason": "Complaint under review"})
    award.refresh_from_db()
    assert award.status == AwardStatus.SUSPENDED
    assert is_set(award.suspension_list, award.suspension_index)
    assert verdict_of(award) == "suspended"
    page = client.get(detail_url(award)).content.decode()
    assert "Complaint under review" in page and "reinstate/" in page

    client.post(f"{detail_url(award)}reinstate/", {"reason": "Complaint dismissed"})
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE
    assert not is_set(award.suspension_list, award.suspension_index)
    assert verdict_of(award) == "valid"
    history = client.get(detail_url(award)).content.decode()
    assert "Reinstated" in history and "Complaint dismissed" in history


@pytest.mark.django_db
def test_a_change_that_is_not_possible_is_explained(
    client: Client, personas: Personas, award: Award
) -> None:
    signed_in(client, personas.alice)
    response = client.post(f"{detail_url(award)}reinstate/", {"reason": ""})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "it cannot become active" in page
    assert "not possible" in client.get(f"{detail_url(award)}reinstate/").content.decode()


@pytest.mark.django_db
def test_the_detail_links_the_bulk_upload_an_award_came_from(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    from credstack.bulk.services import create_bulk_job, start_bulk_job

    job = create_bulk_job(
        published_definition.published_version,
        b"email,name\nann@example.org,Ann Able\n",
        by=personas.alice,
    )
    start_bulk_job(job, by=personas.alice)
    award = Award.objects.get()
    signed_in(client, personas.alice)
    assert f"/orgs/uni-a/bulk/{job.public_id}/" in client.get(detail_url(award)).content.decode()


def test_award_dates_become_the_start_and_end_of_the_day_in_utc() -> None:
    from django.http import QueryDict

    from credstack.issuing.award_forms import AwardForm, with_form_key

    posted = QueryDict(mutable=True)
    posted.update(
        {
            "recipient": "  ann@example.org ",
            "recipient_name": "Ann",
            "award_date": "2026-02-01",
            "expiry": "2026-02-02",
        }
    )
    form = AwardForm(with_form_key(posted), today=date(2026, 2, 1))
    assert form.is_valid(), form.errors
    arguments = form.award_arguments()
    assert arguments["recipient_email"] == "ann@example.org"
    assert arguments["awarded_at"] == datetime(2026, 2, 1, tzinfo=UTC)
    assert arguments["valid_until"] == datetime(2026, 2, 2, 23, 59, 59, tzinfo=UTC)
    assert arguments["idempotency_key"].startswith("web-")


# --- Claim links ------------------------------------------------------------------------------


@pytest.fixture
def emailed_award(
    personas: Personas, published_definition: Any, django_capture_on_commit_callbacks: Any
) -> Award:
    """An award whose claim email went out (its commit callbacks ran)."""
    with django_capture_on_commit_callbacks(execute=True):
        return award_to(published_definition, personas, "bob@example.org", "Bob Learner")


@pytest.mark.django_db
def test_the_award_page_shows_the_claim_link_and_sends_a_new_one(
    client: Client,
    personas: Personas,
    emailed_award: Award,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tests.claims.conftest import token_in

    first_token = token_in(mailoutbox[0])
    signed_in(client, personas.alice)
    page = client.get(detail_url(emailed_award)).content.decode()
    claim = page.split('id="claim"', 1)[1].split("</dl>", 1)[0]
    assert "bob@example.org" in claim and "not used yet" in claim

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{detail_url(emailed_award)}claim-link/")
    assert [message.to for message in mailoutbox] == [["bob@example.org"], ["bob@example.org"]]
    assert "A new claim link is on its way to bob@example.org" in (
        client.get(response["Location"]).content.decode()
    )
    assert client.get(f"/claim/{first_token}/").status_code == 410
    assert client.get(f"/claim/{token_in(mailoutbox[1])}/").status_code == 200


@pytest.mark.django_db
def test_correcting_the_address_sends_the_link_elsewhere_without_reissuing(
    client: Client,
    personas: Personas,
    emailed_award: Award,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    signed_in(client, personas.alice)
    url = f"{detail_url(emailed_award)}recipient-email/"
    refused = client.post(url, {"new_email": "bob@example.net", "reason": ""})
    assert refused.status_code == 422
    assert "reason: say why the address changes" in refused.content.decode()
    assert 'value="bob@example.net"' in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"new_email": "bob@example.net", "reason": "Typo"})
    assert response["Location"] == detail_url(emailed_award)
    assert mailoutbox[-1].to == ["bob@example.net"]
    page = client.get(detail_url(emailed_award)).content.decode()
    assert "bob@example.org → bob@example.net" in page
    assert "the credential identifies the learner by bob@example.org" in page
    emailed_award.refresh_from_db()
    assert (emailed_award.status, emailed_award.recipient_email) == ("active", "bob@example.org")


@pytest.mark.django_db
def test_correcting_the_address_can_reissue_the_credential(
    client: Client, personas: Personas, emailed_award: Award
) -> None:
    signed_in(client, personas.alice)
    response = client.post(
        f"{detail_url(emailed_award)}recipient-email/",
        {"new_email": "bob@example.net", "reason": "Wrong person's address", "reissue": "on"},
    )
    new_award = Award.objects.get(recipient_email="bob@example.net")
    assert response["Location"] == detail_url(new_award)
    emailed_award.refresh_from_db()
    assert emailed_award.status == AwardStatus.REVOKED
    assert emailed_award.status_reason == f"re-issued to {new_award.public_id}"
    assert new_award.recipient_name == "Bob Learner"
    assert "the award to the old address is revoked" in (
        client.get(response["Location"]).content.decode()
    )


@pytest.mark.django_db
def test_a_viewer_sees_the_claim_link_but_cannot_resend_or_redirect_it(
    client: Client, personas: Personas, emailed_award: Award, mailoutbox: list[Any]
) -> None:
    signed_in(client, personas.victor)
    page = client.get(detail_url(emailed_award)).content.decode()
    assert 'id="claim"' in page
    assert "claim-link/" not in page and "recipient-email/" not in page
    assert client.post(f"{detail_url(emailed_award)}claim-link/").status_code == 403
    refused = client.post(
        f"{detail_url(emailed_award)}recipient-email/",
        {"new_email": "victor@example.org", "reason": "Mine now"},
    )
    assert refused.status_code == 403
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_an_award_to_a_did_has_no_claim_link(
    client: Client, personas: Personas, published_definition: Any
) -> None:
    award = issue_credential(
        published_definition.published_version,
        recipient_did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        by=personas.alice,
    )
    signed_in(client, personas.alice)
    assert 'id="claim"' not in client.get(detail_url(award)).content.decode()
    page = client.get(f"{detail_url(award)}recipient-email/").content.decode()
    assert "identifies its learner by a DID" in page
