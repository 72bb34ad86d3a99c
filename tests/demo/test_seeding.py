"""Seeding the demo: what the tables promise is on the instance, every award verifies
as it should through the instance's own published documents, and a second run changes
nothing."""

from __future__ import annotations

from collections import Counter

import pytest

from credstack.accounts.models import Organisation, User
from credstack.demo import accounts, tables
from credstack.demo.seeding import REVOCATION_REASON, SUSPENSION_REASON, seed_demo
from credstack.issuing.models import AchievementDefinition, Award, DefinitionStatus
from credstack.issuing.services import missing_mandatory_elements
from credstack.standards import verify
from credstack.wallet import services as wallet
from credstack.wallet.models import WalletCredential
from tests.demo.conftest import csv_rows
from tests.issuing.awarding import InstanceClientFetcher

pytestmark = pytest.mark.usefixtures("seeded", "db")


def provider_slug(name: str) -> str:
    """The slug of the table 1 provider a table names (``LinkedIn`` is LinkedIn
    Learning: tested in test_tables)."""
    provider = tables.load_tables().provider_named(name)
    assert provider is not None, name
    return provider.slug


def published(organisation: Organisation) -> dict[str, AchievementDefinition]:
    return {
        definition.published_version.title: definition
        for definition in AchievementDefinition.objects.filter(
            organisation=organisation, published_version__isnull=False
        ).select_related("published_version")
    }


def test_every_provider_of_table_1_is_an_issuing_organisation():
    for row in csv_rows(tables.PROVIDERS_FILE):
        organisation = Organisation.objects.get(slug=tables.slug_of(row["provider"]))
        assert organisation.name == row["provider"] + accounts.PROVIDER_NAME_SUFFIX
        assert organisation.kind == (
            "mooc_platform" if row["platform_type"] == "MOOC" else "training_provider"
        )
        assert organisation.signing_keys.filter(retired_at__isnull=True).count() == 1
        assert organisation.memberships.filter(role="owner").exists()
    assert Organisation.objects.get(slug=accounts.UNIVERSITY_SLUG).kind == "university"
    assert Organisation.objects.get(slug=accounts.EMPLOYER_SLUG).kind == "company"


def test_every_credential_of_table_2_is_published_with_its_job_requirement_as_a_skill():
    rows = csv_rows(tables.JOB_CREDENTIALS_FILE)
    for row in rows:
        organisation = Organisation.objects.get(slug=provider_slug(row["provider"]))
        definition = published(organisation)[row["relevant_microcredential"]]
        version = definition.published_version
        skill = version.alignments[0]
        assert skill["name"] == row["job_requirement"]
        assert skill["type"] == "ceasn:Competency"
        assert row["job_requirement"] in version.tags
        assert row["completion_time"] in version.delivery_information
        assert row["cost"] in version.delivery_information
        assert (version.price_amount is None) == (tables.price_of(row["cost"]) is None)


def test_each_provider_publishes_its_table_2_rows_and_its_unmatched_table_3_ones():
    seed = tables.load_tables()
    expected: Counter[str] = Counter(
        provider_slug(r["provider"]) for r in csv_rows(tables.JOB_CREDENTIALS_FILE)
    )
    expected.update(
        tables.slug_of(seed.provider_named(e.credential_provider).name)
        for e in seed.catalogue_examples()
    )
    for slug, count in expected.items():
        assert len(published(Organisation.objects.get(slug=slug))) == count, slug


def test_table_3_industries_tag_their_micro_credentials():
    seed = tables.load_tables()
    for row in csv_rows(tables.INDUSTRY_EXAMPLES_FILE):
        title, provider = tables.split_title(row["microcredential"])
        if seed.provider_named(provider) is None:
            assert not AchievementDefinition.objects.filter(versions__title=title).exists()
            continue
        slug = tables.slug_of(seed.provider_named(provider).name)
        titles = published(Organisation.objects.get(slug=slug))
        tagged = [
            name
            for name, definition in titles.items()
            if tables.titles_match(title, name)
            and row["industry"] in definition.published_version.tags
        ]
        assert tagged, row["microcredential"]


def test_every_published_definition_has_the_eu_mandatory_elements():
    versions = [
        d.published_version
        for d in AchievementDefinition.objects.filter(published_version__isnull=False)
    ]
    assert versions
    for version in versions:
        assert missing_mandatory_elements(version) == [], version.title


def test_one_university_definition_waits_for_review(seeded):
    definition = AchievementDefinition.objects.get(public_id=seeded.definition_in_review)
    assert definition.published_version is None
    assert definition.latest_version().status == DefinitionStatus.IN_REVIEW
    assert definition.organisation.slug == accounts.UNIVERSITY_SLUG


def test_the_demo_accounts_sign_in_with_the_demo_password():
    for account in [*accounts.featured_accounts(), *accounts.LEARNERS]:
        user = User.objects.get(email=account.email)
        assert user.check_password(accounts.DEMO_PASSWORD), account.email
    assert User.objects.get(email=accounts.ADMINISTRATOR.email).is_superuser
    assert not User.objects.get(email=accounts.ISSUER.email).is_superuser


def test_the_learners_awards_verify_valid_revoked_suspended_and_expired(client):
    fetcher = InstanceClientFetcher(client)
    verdicts: dict[str, list[str]] = {}
    for award in Award.objects.all():
        report = verify(award.credential, fetcher=fetcher)
        verdicts.setdefault(report.verdict.value, []).append(award.recipient_email)
    assert set(verdicts) == {"valid", "revoked", "suspended", "expired"}
    bob = accounts.LEARNER.email
    for verdict in ("revoked", "suspended", "expired"):
        assert verdicts[verdict] == [bob], verdict
    assert set(verdicts["valid"]) == {a.email for a in accounts.LEARNERS}
    assert Award.objects.get(status="revoked").status_reason == REVOCATION_REASON
    assert Award.objects.get(status="suspended").status_reason == SUSPENSION_REASON


def test_every_award_is_in_its_learners_wallet_with_the_same_verdict():
    awards = list(Award.objects.all())
    assert len(awards) == WalletCredential.objects.count()
    for award in awards:
        held = WalletCredential.objects.get(
            owner__email=award.recipient_email, credential__id=award.credential_id
        )
        expected = {"revoked": "revoked", "suspended": "suspended"}.get(award.status, "valid")
        if award.status == "active" and award.valid_until is not None:
            expected = "expired"
        assert held.verdict == expected, award.credential["name"]


def test_bobs_public_profile_shows_only_his_valid_credentials():
    shown = wallet.public_profile(accounts.PUBLIC_PROFILE_SLUG)
    assert shown.profile.user.email == accounts.LEARNER.email
    assert shown.credentials
    assert {held.verdict for held in shown.credentials} == {"valid"}
    private = WalletCredential.objects.filter(owner=shown.profile.user, visibility="private")
    assert {held.verdict for held in private} == {"revoked", "suspended", "expired"}


def test_a_second_run_creates_nothing_and_changes_no_award(seeded):
    before = list(Award.objects.order_by("pk").values_list("credential_id", "status"))
    again = seed_demo()
    assert again.created == Counter()
    assert (again.organisations, again.definitions, again.awards) == (
        seeded.organisations,
        seeded.definitions,
        seeded.awards,
    )
    assert list(Award.objects.order_by("pk").values_list("credential_id", "status")) == before
