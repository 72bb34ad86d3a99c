"""The issuer pages: the organisation dashboard and the definitions (list, create, view,
edit, review workflow), for each role; definition images uploaded through the form and
served at /media/."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from credstack.issuing.achievement import definition_to_achievement
from credstack.issuing.models import (
    AchievementDefinition,
    DefinitionImage,
    DefinitionStatus,
    DefinitionVersion,
)
from credstack.issuing.services import create_definition, issue_credential
from tests.conftest import Personas
from tests.issuing.test_images import bomb_png

pytestmark = pytest.mark.django_db

# What a person types into the form for a complete definition.
COMPLETE_FORM = {
    "title": "Data literacy for public servants",
    "issuer_country": "fi",
    "issuer_region": "Uusimaa",
    "awarding_bodies": "Uni A | https://uni-a.example.edu | FI\nFINEEC",
    "learning_outcomes": "Reads a chart critically\n\n  Cleans a small data set  \n",
    "workload_ects": "3",
    "workload_hours": "",
    "eqf_level": "6",
    "national_framework": "",
    "national_framework_level": "",
    "cycle": "first",
    "assessment_type": "Online exam with identity check",
    "participation_form": "online",
    "quality_assurance": "Internal QA of Uni A, accredited by FINEEC",
    "prerequisites": "",
    "supervision": "supervised_online_identity",
    "grade_scheme": "Pass/fail",
    "stackability": "",
    "further_information": "",
    "achievement_type": "MicroCredential",
    "description": "Read, question and present data.",
    "criteria": "Pass the final assessment with at least 60 %.",
    "criteria_url": "https://uni-a.example.edu/data-literacy",
    "alignments": "analyse data | http://data.europa.eu/esco/skill/S5.6.1 | ESCO | S5.6.1",
    "tags": "data\npublic sector",
    "language": "en",
    "expiry_rule": "months_after_award",
    "expiry_date": "",
    "expiry_months": "24",
    "price_amount": "120",
    "price_currency": "eur",
    "delivery_information": "Online, spring term",
    "image": "",
}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png_upload(width: int = 1024, height: int = 512, name: str = "badge.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#0b57d0").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def text_of(response: Any) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def field_problem(response: Any, name: str) -> str:
    """The problem shown next to field ``name`` ("" when none)."""
    html = response.content.decode()
    match = re.search(
        rf'<div class="field field-has-problem" id="field-{name}">.*?'
        r'<p class="field-problem"[^>]*>(.*?)</p>',
        html,
        flags=re.DOTALL,
    )
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else ""


def new_definition(personas: Personas, **fields: Any) -> AchievementDefinition:
    return create_definition(personas.uni_a, {"title": "Draft", **fields}, by=personas.alice)


def pages(definition: AchievementDefinition) -> list[str]:
    base = f"/orgs/uni-a/definitions/{definition.public_id}/"
    return [
        "/orgs/uni-a/",
        "/orgs/uni-a/definitions/",
        "/orgs/uni-a/definitions/new/",
        base,
        f"{base}versions/1/",
        f"{base}edit/",
    ]


# --- Who sees what ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(personas: Personas) -> None:
    definition = new_definition(personas)
    for path in ["/orgs/", *pages(definition)]:
        response = Client().get(path)
        assert response.status_code == 302, path
        assert urlsplit(response["Location"]).path == "/accounts/login/"
    response = Client().post(f"/orgs/uni-a/definitions/{definition.public_id}/submit/")
    assert response.status_code == 302


def test_another_organisations_owner_gets_404_for_every_page(personas: Personas) -> None:
    definition = new_definition(personas)
    dave = signed_in(personas.dave)
    for path in pages(definition):
        assert dave.get(path).status_code == 404, path
    for action in ("submit", "approve", "publish", "retire"):
        path = f"/orgs/uni-a/definitions/{definition.public_id}/{action}/"
        assert dave.post(path, {"confirm": "on"}).status_code == 404
    new = dave.post("/orgs/uni-a/definitions/new/", {**COMPLETE_FORM, "title": "Dave's"})
    assert new.status_code == 404
    # Nor does Uni B's page reach Uni A's definition.
    assert dave.get(f"/orgs/uni-b/definitions/{definition.public_id}/").status_code == 404
    assert AchievementDefinition.objects.count() == 1
    assert definition.latest_version().status == DefinitionStatus.DRAFT


def test_a_viewer_reads_every_page_but_changes_nothing(personas: Personas) -> None:
    definition = new_definition(personas)
    victor = signed_in(personas.victor)
    readable = [path for path in pages(definition) if not path.endswith(("new/", "edit/"))]
    for path in readable:
        assert victor.get(path).status_code == 200, path
    detail = text_of(victor.get(f"/orgs/uni-a/definitions/{definition.public_id}/"))
    assert "Your role (Viewer) lets you read the definition but not change it." in detail
    for button in ("Submit for review", "Approve", "Publish", "Retire"):
        assert button not in detail
    for path in (
        "/orgs/uni-a/definitions/new/",
        f"/orgs/uni-a/definitions/{definition.public_id}/edit/",
    ):
        refused = victor.get(path)
        assert refused.status_code == 403
        assert "Your role in Uni A: Viewer." in text_of(refused)
    assert victor.post("/orgs/uni-a/definitions/new/", COMPLETE_FORM).status_code == 403
    submit = victor.post(f"/orgs/uni-a/definitions/{definition.public_id}/submit/")
    assert submit.status_code == 403
    assert AchievementDefinition.objects.count() == 1
    assert definition.latest_version().status == DefinitionStatus.DRAFT


def test_the_dashboard_shows_the_role_and_counts(personas: Personas, published_definition) -> None:
    new_definition(personas)
    issue_credential(
        published_definition.published_version,
        recipient_email="bob@example.org",
        recipient_name="Bob Learner",
        by=personas.alice,
    )
    page = text_of(signed_in(personas.alice).get("/orgs/uni-a/"))
    assert "Your role: Issuer." in page
    assert "2 definitions." in page
    assert re.search(r"Draft 1 In review 0 Approved 0 Published 1 Retired 0", page)
    assert re.search(r"Awarded 1 Active 1 Suspended 0 Revoked 0", page)
    assert "Bob Learner" in page
    assert "Data literacy for public servants" in page
    rita_page = text_of(signed_in(personas.rita).get("/orgs/uni-a/"))
    assert "Your role: Reviewer." in rita_page
    assert "New definition" not in rita_page


def test_the_organisations_page_lists_the_users_memberships(personas: Personas) -> None:
    page = text_of(signed_in(personas.alice).get("/orgs/"))
    assert "Uni A (Issuer)" in page
    assert "Uni B" not in page
    assert "My organisations" in page  # in the main navigation, for members
    learner = signed_in(personas.bob)
    assert "My organisations" not in text_of(learner.get("/wallet/"))
    assert "You are not a member of any organisation." in text_of(learner.get("/orgs/"))


# --- Creating, completing and publishing -----------------------------------------------------


def test_an_issuer_creates_completes_and_a_reviewer_approves_before_publication(
    personas: Personas, uni_a_key: Any
) -> None:
    alice = signed_in(personas.alice)
    form = alice.get("/orgs/uni-a/definitions/new/")
    # The issuer and awarding body start as the organisation's own.
    assert 'value="FI"' in form.content.decode()
    assert "Uni A | https://uni-a.example.edu | FI" in form.content.decode()

    created = alice.post(
        "/orgs/uni-a/definitions/new/",
        {
            "title": "Data literacy",
            "issuer_country": "FI",
            "awarding_bodies": "Uni A",
            "expiry_rule": "none",
            "language": "en",
        },
    )
    assert created.status_code == 302
    definition = AchievementDefinition.objects.get()
    detail_url = f"/orgs/uni-a/definitions/{definition.public_id}/"
    assert created["Location"] == detail_url
    detail = alice.get(detail_url)
    page = text_of(detail)
    assert "The definition was saved as draft version 1." in page
    assert "Mandatory elements missing" in page
    for element in (
        "Learning outcomes",
        "Notional workload needed to achieve the learning outcomes (ECTS or hours)",
        "Type of assessment",
        "Form of participation in the learning activity",
        "Type of quality assurance used to underpin the micro-credential",
    ):
        assert element in page
    # Each missing element links to its field in the form.
    assert f'href="{detail_url}edit/#id_learning_outcomes"' in detail.content.decode()

    # Submitting the incomplete draft is refused, and says what is missing.
    refused = alice.post(f"{detail_url}submit/")
    assert refused.status_code == 422
    assert "learning outcomes" in text_of(refused)
    assert definition.latest_version().status == DefinitionStatus.DRAFT

    completed = alice.post(f"{detail_url}edit/", COMPLETE_FORM)
    assert completed.status_code == 302
    version = definition.latest_version()
    assert (version.number, version.status) == (1, DefinitionStatus.DRAFT)
    assert version.learning_outcomes == ["Reads a chart critically", "Cleans a small data set"]
    assert version.awarding_bodies == [
        {"name": "Uni A", "url": "https://uni-a.example.edu", "country": "FI"},
        {"name": "FINEEC"},
    ]
    assert version.alignments == [
        {
            "name": "analyse data",
            "url": "http://data.europa.eu/esco/skill/S5.6.1",
            "framework": "ESCO",
            "code": "S5.6.1",
        }
    ]
    assert (version.issuer_country, version.price_currency) == ("FI", "EUR")
    assert (version.expiry_rule, version.expiry_months) == ("months_after_award", 24)
    page = text_of(alice.get(detail_url))
    assert "Every mandatory element is given" in page
    assert "3 ECTS credits" in page
    assert "EQF level 6" in page
    assert "Expires 24 months after the award" in page

    assert alice.post(f"{detail_url}submit/").status_code == 302
    assert "Approve" not in text_of(alice.get(detail_url))  # issuers do not approve
    rita = signed_in(personas.rita)
    assert "Approve" in text_of(rita.get(detail_url))
    assert rita.post(f"{detail_url}approve/").status_code == 302
    assert rita.post(f"{detail_url}publish/").status_code == 403  # reviewers do not publish
    assert rita.get(f"{detail_url}edit/").status_code == 403  # nor edit
    published = alice.post(f"{detail_url}publish/")
    assert published.status_code == 302
    definition.refresh_from_db()
    assert definition.published_version is not None
    assert definition.published_version.number == 1
    assert definition.published_version.approved_by == personas.rita
    listing = text_of(alice.get("/orgs/uni-a/definitions/"))
    assert "Data literacy for public servants 1 Published" in listing


def test_editing_a_published_definition_makes_a_new_draft_version(
    personas: Personas, published_definition: AchievementDefinition
) -> None:
    alice = signed_in(personas.alice)
    base = f"/orgs/uni-a/definitions/{published_definition.public_id}/"
    edit = alice.get(f"{base}edit/")
    assert "Saving makes a new draft, version 2" in text_of(edit)
    assert "Save as a new draft version" in text_of(edit)
    values = {**COMPLETE_FORM, "title": "Data literacy, second edition"}
    saved = alice.post(f"{base}edit/", values)
    assert saved.status_code == 302
    versions = list(DefinitionVersion.objects.filter(definition=published_definition))
    assert [(v.number, v.status) for v in versions] == [
        (1, DefinitionStatus.PUBLISHED),
        (2, DefinitionStatus.DRAFT),
    ]
    assert versions[0].title == "Data literacy for public servants"
    page = text_of(alice.get(base))
    assert "Saved as draft version 2. Version 1 stays as it was" in page
    assert "new awards use version 1" in page
    older = text_of(alice.get(f"{base}versions/1/"))
    assert "This is version 1, an earlier one. The latest is version 2." in older
    assert "Data literacy for public servants" in older


def test_saving_without_a_change_makes_no_new_version(
    personas: Personas, published_definition: AchievementDefinition
) -> None:
    alice = signed_in(personas.alice)
    base = f"/orgs/uni-a/definitions/{published_definition.public_id}/"
    shown = alice.get(f"{base}edit/").context["form"]
    unchanged = {name: shown[name].value() or "" for name in COMPLETE_FORM}
    unchanged = {key: "" if value is None else str(value) for key, value in unchanged.items()}
    response = alice.post(f"{base}edit/", unchanged, follow=True)
    assert "Nothing was changed: version 1 stays as it was." in text_of(response)
    assert published_definition.versions.count() == 1


def test_retiring_needs_a_confirmation(
    personas: Personas, published_definition: AchievementDefinition
) -> None:
    alice = signed_in(personas.alice)
    base = f"/orgs/uni-a/definitions/{published_definition.public_id}/"
    unconfirmed = alice.post(f"{base}retire/")
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm" in text_of(unconfirmed)
    published_definition.refresh_from_db()
    assert published_definition.retired_at is None
    assert alice.post(f"{base}retire/", {"confirm": "on"}).status_code == 302
    published_definition.refresh_from_db()
    assert published_definition.retired_at is not None
    page = text_of(alice.get(base))
    assert "The definition is retired" in page
    assert "Edit" not in re.sub(r"Edit the definition", "", page.split("Versions")[0])
    edit = alice.get(f"{base}edit/", follow=True)
    assert "cannot be changed" in text_of(edit)


# --- Bad input -------------------------------------------------------------------------------


def test_a_form_with_problems_keeps_everything_typed_and_says_where(personas: Personas) -> None:
    alice = signed_in(personas.alice)
    typed = {
        **COMPLETE_FORM,
        "workload_ects": "three",
        "eqf_level": "9",
        "price_amount": "-5",
        "learning_outcomes": "Reads a chart critically\nCleans a small data set",
    }
    response = alice.post("/orgs/uni-a/definitions/new/", typed)
    assert response.status_code == 422
    assert AchievementDefinition.objects.count() == 0
    html = response.content.decode()
    assert "The definition was not saved" in html
    assert field_problem(response, "workload_ects") == "Enter a number."
    assert "not one of the available choices" in field_problem(response, "eqf_level")
    assert "greater than or equal to 0" in field_problem(response, "price_amount")
    # The summary links to each field.
    assert 'href="#id_workload_ects"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_workload_ects_helptext id_workload_ects_error"' in html
    # Everything typed is still there, including what was wrong.
    for value in (
        "Data literacy for public servants",
        'value="three"',
        "Reads a chart critically\nCleans a small data set",
        "analyse data | http://data.europa.eu/esco/skill/S5.6.1 | ESCO | S5.6.1",
        "Online, spring term",
        'value="-5"',
    ):
        assert value in html, value


def test_the_services_problems_show_next_to_their_fields(personas: Personas) -> None:
    alice = signed_in(personas.alice)
    typed = {
        **COMPLETE_FORM,
        "issuer_country": "F1",
        "language": "not a tag!",
        "alignments": "analyse data\nread charts | https://example.org/skills/charts",
        "criteria_url": "not a url",
        "expiry_rule": "fixed_date",
    }
    response = alice.post("/orgs/uni-a/definitions/new/", typed)
    assert response.status_code == 422
    assert AchievementDefinition.objects.count() == 0
    assert "ISO 3166-1 alpha-2" in field_problem(response, "issuer_country")
    assert "BCP 47" in field_problem(response, "language")
    assert field_problem(response, "alignments") == "Line 1: needs url"
    assert "valid URL" in field_problem(response, "criteria_url")
    assert "fixed date" in field_problem(response, "expiry_date")
    assert "read charts | https://example.org/skills/charts" in response.content.decode()


# --- Images ------------------------------------------------------------------------------------


def test_an_uploaded_png_is_resized_and_served_at_the_achievements_image_url(
    personas: Personas, uni_a_key: Any
) -> None:
    alice = signed_in(personas.alice)
    response = alice.post(
        "/orgs/uni-a/definitions/new/", {**COMPLETE_FORM, "image_file": png_upload(1024, 512)}
    )
    assert response.status_code == 302
    stored = DefinitionImage.objects.get()
    assert (stored.media_type, stored.width, stored.height) == ("image/png", 512, 256)
    version = AchievementDefinition.objects.get().latest_version()
    assert version.image == f"{stored.sha256}.png"

    achievement = definition_to_achievement(version)
    image_url = urlsplit(achievement["image"]["id"])
    assert image_url.path == f"/media/{stored.sha256}.png"
    served = Client().get(image_url.path)  # public, like the credential that names it
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in served["Cache-Control"]
    assert "max-age=31536000" in served["Cache-Control"]
    assert hashlib.sha256(served.content).hexdigest() == stored.sha256
    with Image.open(io.BytesIO(served.content)) as picture:
        assert picture.size == (512, 256)
    again = Client().get(image_url.path, HTTP_IF_NONE_MATCH=served["ETag"])
    assert again.status_code == 304


def test_an_svg_is_served_with_a_policy_that_blocks_scripts(personas: Personas) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'
    alice = signed_in(personas.alice)
    upload = SimpleUploadedFile("badge.svg", svg, content_type="image/svg+xml")
    assert (
        alice.post(
            "/orgs/uni-a/definitions/new/", {**COMPLETE_FORM, "image_file": upload}
        ).status_code
        == 302
    )
    stored = DefinitionImage.objects.get()
    served = Client().get(f"/media/{stored.sha256}.svg")
    assert served.content == svg
    assert served["Content-Type"] == "image/svg+xml"
    assert served["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert served["X-Content-Type-Options"] == "nosniff"
    # The same hash under the other extension, or an unknown hash, is not an image here.
    assert Client().get(f"/media/{stored.sha256}.png").status_code == 404
    assert Client().get(f"/media/{'0' * 64}.svg").status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile(
                "badge.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            ),
            "The SVG contains a <script> element, which is refused.",
        ),
        (SimpleUploadedFile("bomb.png", bomb_png(5_000)), "5000 × 5000 pixels"),
        (SimpleUploadedFile("notes.txt", b"just some notes"), "Only PNG and SVG images"),
        (SimpleUploadedFile("badge.png", b"GIF89a not a png"), "is not a PNG image"),
    ],
    ids=["svg-script", "png-bomb", "text", "fake-png"],
)
def test_a_refused_image_is_explained_and_the_rest_of_the_form_is_kept(
    personas: Personas, upload: SimpleUploadedFile, message: str
) -> None:
    alice = signed_in(personas.alice)
    response = alice.post("/orgs/uni-a/definitions/new/", {**COMPLETE_FORM, "image_file": upload})
    assert response.status_code == 422
    assert message in field_problem(response, "image_file").replace("&lt;", "<").replace(
        "&gt;", ">"
    )
    assert "Data literacy for public servants" in response.content.decode()
    assert not DefinitionImage.objects.exists()
    assert not AchievementDefinition.objects.exists()


def test_an_image_over_the_size_limit_is_refused_without_reading_it(
    personas: Personas, settings: Any
) -> None:
    settings.CREDSTACK_IMAGE_MAX_BYTES = 10_000
    alice = signed_in(personas.alice)
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + bytes(50_000))
    response = alice.post("/orgs/uni-a/definitions/new/", {**COMPLETE_FORM, "image_file": big})
    assert response.status_code == 422
    assert "the largest accepted is 9 KB" in field_problem(response, "image_file")
    assert "at most 9 KB" in text_of(response)  # the limit is on the form too


def test_an_accepted_image_survives_a_problem_elsewhere_in_the_form(personas: Personas) -> None:
    alice = signed_in(personas.alice)
    first = alice.post(
        "/orgs/uni-a/definitions/new/",
        {**COMPLETE_FORM, "eqf_level": "12", "image_file": png_upload(200, 200)},
    )
    assert first.status_code == 422
    stored = DefinitionImage.objects.get()
    html = first.content.decode()
    assert f'name="image" value="{stored.name}"' in html
    assert f'src="/media/{stored.name}"' in html
    # Correcting the level and saving again keeps the image without a new upload.
    second = alice.post(
        "/orgs/uni-a/definitions/new/", {**COMPLETE_FORM, "eqf_level": "6", "image": stored.name}
    )
    assert second.status_code == 302
    assert AchievementDefinition.objects.get().latest_version().image == stored.name


def test_a_made_up_image_name_is_refused(personas: Personas) -> None:
    alice = signed_in(personas.alice)
    response = alice.post(
        "/orgs/uni-a/definitions/new/", {**COMPLETE_FORM, "image": "../../etc/passwd.png"}
    )
    assert response.status_code == 422
    assert "upload it again" in text_of(response)
    assert not AchievementDefinition.objects.exists()


def test_removing_the_image(personas: Personas) -> None:
    alice = signed_in(personas.alice)
    alice.post("/orgs/uni-a/definitions/new/", {**COMPLETE_FORM, "image_file": png_upload()})
    definition = AchievementDefinition.objects.get()
    assert definition.latest_version().image
    base = f"/orgs/uni-a/definitions/{definition.public_id}/"
    current = definition.latest_version().image
    assert "Remove the image" in text_of(alice.get(f"{base}edit/"))
    alice.post(f"{base}edit/", {**COMPLETE_FORM, "image": current, "remove_image": "on"})
    assert definition.latest_version().image == ""
