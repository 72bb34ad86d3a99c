"""The home page and the public catalogue on the seeded demo: they render, stay small,
and the catalogue's filters answer an employer's question (which micro-credentials
answer this job requirement?)."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from credstack.accounts.models import Organisation
from credstack.demo import accounts, tables
from credstack.demo.tour import demo_tour
from credstack.issuing.models import AchievementDefinition, Award
from tests.demo.conftest import csv_rows

pytestmark = pytest.mark.usefixtures("seeded", "db")

PAGE_LIMIT = 300 * 1024


def shown_definitions(html: str) -> set[str]:
    return set(re.findall(r'data-definition="([^"]+)"', html))


def published_ids(**filters) -> set[str]:
    return set(
        AchievementDefinition.objects.filter(
            published_version__isnull=False, **filters
        ).values_list("public_id", flat=True)
    )


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert len(response.content) < PAGE_LIMIT, url
    return html


def test_the_home_page_says_what_credstack_is_and_links_to_its_parts(client):
    html = get(client, "/")
    for link in ('href="/verify/"', 'href="/catalogue/"', 'href="/accounts/login/"'):
        assert link in html
    assert 'id="demo"' not in html  # not a demo instance: no accounts shown


@override_settings(CREDSTACK_DEMO=True)
def test_a_demo_home_page_lists_the_demo_accounts_and_their_password(client):
    html = get(client, "/")
    assert 'id="demo"' in html
    assert accounts.DEMO_PASSWORD in html
    for account in accounts.featured_accounts():
        assert account.email in html
    assert f'href="/u/{accounts.PUBLIC_PROFILE_SLUG}/"' in html
    tour = demo_tour()
    for award_id, status in ((tour.valid_award, "active"), (tour.revoked_award, "revoked")):
        assert Award.objects.get(public_id=award_id).status == status
        assert f'href="/c/{award_id}/"' in html
        assert client.get(f"/c/{award_id}/").status_code == 200
    waiting = f"/orgs/{accounts.UNIVERSITY_SLUG}/definitions/{tour.definition_in_review}/"
    assert f'href="{waiting}"' in html


def test_the_brand_and_the_navigation_lead_home_and_to_the_catalogue(client):
    html = get(client, "/verify/")
    assert '<a class="brand" href="/">' in html
    assert 'href="/catalogue/"' in html


def test_the_catalogue_lists_every_published_definition(client):
    html = get(client, "/catalogue/")
    assert shown_definitions(html) == published_ids()
    in_review = AchievementDefinition.objects.filter(published_version__isnull=True)
    assert in_review.exists()
    assert not shown_definitions(html) & set(in_review.values_list("public_id", flat=True))


def test_filtering_by_a_job_requirement_shows_the_credentials_that_answer_it(client):
    for requirement in {row["job_requirement"] for row in csv_rows(tables.JOB_CREDENTIALS_FILE)}:
        html = get(client, "/catalogue/", skill=requirement.lower())
        titles = {
            AchievementDefinition.objects.get(public_id=p).published_version.title
            for p in shown_definitions(html)
        }
        expected = {
            row["relevant_microcredential"]
            for row in csv_rows(tables.JOB_CREDENTIALS_FILE)
            if row["job_requirement"] == requirement
        }
        assert expected <= titles, requirement
        others = titles - expected
        for title in others:  # only the university's, which teach the same skill
            version = AchievementDefinition.objects.get(
                versions__title=title, published_version__isnull=False
            ).published_version
            assert requirement in [a["name"] for a in version.alignments]


def test_filtering_by_provider_and_skill_together(client):
    edx = Organisation.objects.get(slug="edx")
    html = get(client, "/catalogue/", provider="edx")
    assert shown_definitions(html) == published_ids(organisation=edx)
    html = get(client, "/catalogue/", provider="edx", skill="Data Analysis")
    expected = {
        row["relevant_microcredential"]
        for row in csv_rows(tables.JOB_CREDENTIALS_FILE)
        if row["job_requirement"] == "Data Analysis" and row["provider"] == "edX"
    }
    titles = {
        AchievementDefinition.objects.get(public_id=p).published_version.title
        for p in shown_definitions(html)
    }
    assert titles == expected


def test_filtering_by_an_industry_tag(client):
    industries = {row["industry"] for row in csv_rows(tables.INDUSTRY_EXAMPLES_FILE)}
    for industry in industries:
        html = get(client, "/catalogue/", tag=industry)
        assert shown_definitions(html), industry
        for public_id in shown_definitions(html):
            version = AchievementDefinition.objects.get(public_id=public_id).published_version
            assert industry in version.tags


def test_an_unknown_filter_shows_nothing_and_says_so(client):
    html = get(client, "/catalogue/", skill="Underwater basket weaving")
    assert shown_definitions(html) == set()
    assert "No published micro-credential matches these filters." in html


def test_a_definition_page_shows_its_eu_elements_in_plain_language(client):
    definition = AchievementDefinition.objects.get(
        organisation__slug=accounts.UNIVERSITY_SLUG,
        versions__title="Data literacy for public servants",
        published_version__isnull=False,
    )
    html = get(client, f"/catalogue/{definition.public_id}/")
    version = definition.published_version
    for outcome in version.learning_outcomes:
        assert outcome in html
    for key in ("title", "country", "awarding_body", "learning_outcomes", "workload", "level"):
        assert f'data-element="{key}"' in html
    assert "3 ECTS credits" in html
    assert "EQF level 6" in html
    assert "Blended" in html  # the form of participation in words, not its code
    assert "Not stated" not in html


def test_a_definition_that_is_not_published_is_not_found(client, seeded):
    assert client.get(f"/catalogue/{seeded.definition_in_review}/").status_code == 404
    assert client.get("/catalogue/def_doesnotexist/").status_code == 404
