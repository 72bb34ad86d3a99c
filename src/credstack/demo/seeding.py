"""Seeding a demo instance: organisations, people, published micro-credentials, awards
in every state, and learners' wallets, all through the platform's services (the same
permission checks, validation and signing as real use).

:func:`seed_demo` is idempotent: everything is looked up before it is made (users by
email, organisations by slug, definitions by title, awards by idempotency key, wallet
credentials by credential id), so a second run changes nothing and a run interrupted
half-way is completed by the next.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from credstack.accounts.models import Membership, Organisation, User
from credstack.accounts.services import create_organisation, create_user, set_membership
from credstack.demo import accounts
from credstack.demo.accounts import DEMO_PASSWORD, DemoAccount
from credstack.demo.tables import (
    INDUSTRY_EXAMPLES_FILE,
    JOB_CREDENTIALS_FILE,
    IndustryExample,
    JobCredential,
    Provider,
    SeedTables,
    eqf_level_of,
    load_tables,
    price_of,
    workload_hours,
)
from credstack.issuing.identifiers import base_url
from credstack.issuing.instance_fetcher import InstanceFetcher
from credstack.issuing.models import (
    AchievementDefinition,
    Award,
    AwardStatus,
    DefinitionStatus,
    SigningKey,
)
from credstack.issuing.services import (
    approve_definition,
    create_definition,
    create_signing_key,
    issue_credential,
    publish_definition,
    revoke_credential,
    submit_definition,
    suspend_credential,
)
from credstack.wallet import services as wallet
from credstack.wallet.models import WalletCredential

# What the tables do not give, filled with plausible values marked as demo data.
PROVIDER_COUNTRY = "US"
JOB_REQUIREMENT_FRAMEWORK = "credstack demo job requirements"
SKILL_TARGET_TYPE = "ceasn:Competency"  # OB 3.0 AlignmentTargetType for a competency
DEMO_ASSESSMENT = "Online assessment of graded assignments and a final project (demo value)"
DEMO_QUALITY_ASSURANCE = (
    "The provider's internal quality assurance (demo value: the source tables do not say)"
)
REVOCATION_REASON = "Awarded in error: the final assessment had not been passed (demo)"
SUSPENSION_REASON = "Suspended while a plagiarism report is investigated (demo)"
EXPIRED_AWARD_AGE = timedelta(days=800)

UNIVERSITY_DEFINITIONS: list[dict[str, Any]] = [
    {
        "title": "Data literacy for public servants",
        "description": "Read, question and present data in public administration.",
        "criteria": "Pass the online exam and the graded data project with at least 60 %.",
        "learning_outcomes": [
            "Reads a chart or a statistical table critically",
            "Cleans and summarises a small data set with a spreadsheet",
            "Presents a data-based recommendation to decision makers",
        ],
        "workload_ects": 3,
        "eqf_level": 6,
        "cycle": "first",
        "assessment_type": "Online exam with identity check and a graded data project",
        "participation_form": "blended",
        "quality_assurance": "Internal quality assurance of Demo University (demo value)",
        "supervision": "supervised_online_identity",
        "prerequisites": "None",
        "grade_scheme": "Pass, pass with distinction",
        "stackability": "Counts towards Demo University's Public Data certificate (demo)",
        "delivery_information": "Blended: six online weeks and two days on campus (demo).",
        "price_amount": 150,
        "price_currency": "EUR",
        "skills": ["Data Analysis"],
        "tags": ["public sector"],
    },
    {
        "title": "Cyber hygiene for small businesses",
        "description": "Protect a small business's accounts, devices and data.",
        "criteria": "Complete the four practical labs and the final quiz.",
        "learning_outcomes": [
            "Sets up multi-factor authentication and a password manager for a team",
            "Recognises phishing and reports it",
            "Plans backups and restores one",
        ],
        "workload_ects": 1,
        "eqf_level": 5,
        "cycle": "short",
        "assessment_type": "Practical labs and an online quiz",
        "participation_form": "online",
        "quality_assurance": "Internal quality assurance of Demo University (demo value)",
        "expiry_rule": "months_after_award",
        "expiry_months": 12,
        "delivery_information": "Online, four weeks, free for small businesses (demo).",
        "price_amount": 0,
        "price_currency": "EUR",
        "skills": ["Cybersecurity"],
        "tags": ["small business"],
    },
]
# Left in review, for the reviewer to approve.
UNIVERSITY_DEFINITION_IN_REVIEW: dict[str, Any] = {
    "title": "Responsible AI in practice",
    "description": "Use AI tools at work within the law and the organisation's values.",
    "criteria": "Write and defend a risk assessment of an AI tool your team uses.",
    "learning_outcomes": [
        "Explains the risk classes of the EU AI Act",
        "Writes a risk assessment of an AI tool",
    ],
    "workload_ects": 2,
    "eqf_level": 6,
    "assessment_type": "Written risk assessment and an oral defence",
    "participation_form": "online",
    "quality_assurance": "Internal quality assurance of Demo University (demo value)",
    "skills": ["Artificial Intelligence"],
    "tags": ["law"],
}


@dataclass
class SeedReport:
    """What the demo holds after seeding, and what this run created (by kind)."""

    created: Counter[str] = field(default_factory=Counter)
    organisations: int = 0
    definitions: int = 0
    awards: int = 0
    wallet_credentials: int = 0
    definition_in_review: str = ""


def skill_url(job_requirement: str) -> str:
    """The catalogue page listing the micro-credentials for a job requirement: the
    alignment's targetUrl."""
    return f"{base_url()}{reverse('web:catalogue')}?{urlencode({'skill': job_requirement})}"


def skill_alignment(job_requirement: str) -> dict[str, str]:
    return {
        "name": job_requirement,
        "url": skill_url(job_requirement),
        "type": SKILL_TARGET_TYPE,
        "framework": JOB_REQUIREMENT_FRAMEWORK,
    }


def _demo_note(provider: Provider, file: str, source: str) -> str:
    return (
        f"Demo data. The title, the provider and what the description and delivery say "
        f"come from the seed table {file} ({source}); workload, level, learning outcomes, "
        "assessment and quality assurance are made-up demo values. Not issued by or on "
        f"behalf of {provider.name}."
    )


def job_credential_fields(
    credential: JobCredential, provider: Provider, industries: list[str]
) -> dict[str, Any]:
    """A published definition's content for a row of table 2."""
    fields: dict[str, Any] = {
        "title": credential.title,
        "description": (
            f"{credential.title}, offered by {provider.name}: a micro-credential for the "
            f"job requirement {credential.job_requirement}."
        ),
        "criteria": "Complete the programme's graded assignments and its final assessment.",
        "learning_outcomes": [
            f"Applies the methods taught in {credential.title} to "
            f"{credential.job_requirement.lower()} tasks at work",
            f"Explains the main concepts of {credential.job_requirement.lower()} to colleagues",
        ],
        "workload_hours": workload_hours(credential.completion_time),
        "eqf_level": eqf_level_of(credential.title),
        "assessment_type": DEMO_ASSESSMENT,
        "participation_form": "online",
        "quality_assurance": DEMO_QUALITY_ASSURANCE,
        "supervision": "none",
        "further_information": _demo_note(provider, JOB_CREDENTIALS_FILE, credential.source),
        "delivery_information": (
            f"Online. Completion time: {credential.completion_time}. "
            f"Cost: {credential.cost} (as the source table gives them)."
        ),
        "alignments": [skill_alignment(credential.job_requirement)],
        "tags": list(dict.fromkeys([credential.job_requirement, *industries])),
    }
    price = price_of(credential.cost)
    if price is not None:
        fields["price_amount"] = price
        fields["price_currency"] = "USD"
    return fields


def industry_example_fields(example: IndustryExample, provider: Provider) -> dict[str, Any]:
    """A published definition's content for a micro-credential of table 3."""
    return {
        "title": example.credential_title,
        "description": (
            f"{example.credential_title}, offered by {provider.name}: a micro-credential "
            f"the source table gives for the {example.industry.lower()} industry."
        ),
        "criteria": "Complete the programme's graded assignments and its final assessment.",
        "learning_outcomes": [
            f"Applies what {example.credential_title} teaches in {example.industry.lower()} work",
            "Completes the programme's assessed work independently",
        ],
        "workload_hours": workload_hours(""),
        "eqf_level": eqf_level_of(example.credential_title),
        "assessment_type": DEMO_ASSESSMENT,
        "participation_form": "online",
        "quality_assurance": DEMO_QUALITY_ASSURANCE,
        "supervision": "none",
        "further_information": _demo_note(provider, INDUSTRY_EXAMPLES_FILE, example.source),
        "delivery_information": "Online. The source table gives no duration or cost.",
        "tags": [example.industry],
    }


def university_fields(template: dict[str, Any]) -> dict[str, Any]:
    fields = {key: value for key, value in template.items() if key != "skills"}
    fields["alignments"] = [skill_alignment(name) for name in template.get("skills", [])]
    fields["tags"] = list(dict.fromkeys([*template.get("skills", []), *template["tags"]]))
    fields["further_information"] = (
        "Demo data: Demo University and this micro-credential are made up for the demo."
    )
    return fields


@contextmanager
def quiet_and_self_verifying() -> Iterator[None]:
    """While seeding: mail kept in memory (no award email reaches the console or an SMTP
    server), background jobs not logged one by one, and this instance's own documents
    read from the database, since no server answers yet."""
    from credstack.verification.services import verification_fetcher

    fetcher = verification_fetcher()
    if not isinstance(fetcher, InstanceFetcher):
        fetcher = InstanceFetcher(fetcher)
    jobs_log = logging.getLogger("huey")
    level = jobs_log.level
    jobs_log.setLevel(max(level, logging.WARNING))  # one line per award's email job
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            CREDSTACK_VERIFICATION_FETCHER=fetcher,
        ):
            yield
    finally:
        jobs_log.setLevel(level)


def seed_demo(*, tables: SeedTables | None = None, now: datetime | None = None) -> SeedReport:
    """Fill the instance with the demo's data (idempotent, one transaction).

    Preconditions: a migrated database and a key-encryption key (signing keys are made).
    Returns what the instance holds and what this run created.
    """
    seeder = _Seeder(tables or load_tables(), now or timezone.now())
    with quiet_and_self_verifying(), transaction.atomic():
        seeder.run()
    return seeder.report


class _Seeder:
    def __init__(self, tables: SeedTables, now: datetime) -> None:
        self.tables = tables
        self.now = now
        self.report = SeedReport()
        self.password_hash = ""

    # --- People and organisations ---------------------------------------------------

    def user(self, account: DemoAccount, *, superuser: bool = False) -> User:
        existing = User.objects.filter(email=account.email).first()
        if existing is not None:
            return existing
        self.report.created["users"] += 1
        user = create_user(account.email, None, display_name=account.name, superuser=superuser)
        # One shared password hashed once: Argon2 takes a deliberate 0.3 s a hash, which
        # for every account would be most of the demo's start-up.
        if not self.password_hash:
            self.password_hash = make_password(DEMO_PASSWORD)
        user.password = self.password_hash
        user.save(update_fields=["password"])
        return user

    def organisation(
        self, *, name: str, slug: str, kind: str, country: str, owner: User, **profile: Any
    ) -> Organisation:
        existing = Organisation.objects.filter(slug=slug).first()
        if existing is not None:
            return existing
        self.report.created["organisations"] += 1
        return create_organisation(
            name=name, slug=slug, kind=kind, country=country, owner=owner, **profile
        )

    def member(self, organisation: Organisation, user: User, role: str, *, by: User) -> None:
        if not Membership.objects.filter(organisation=organisation, user=user).exists():
            set_membership(organisation, user, role, by=by)

    def signing_key(self, organisation: Organisation, *, by: User) -> None:
        if not SigningKey.objects.filter(
            organisation=organisation, retired_at__isnull=True
        ).exists():
            create_signing_key(organisation, by=by, now=self.now)
            self.report.created["signing keys"] += 1

    # --- Definitions ----------------------------------------------------------------

    def definition(
        self,
        organisation: Organisation,
        fields: dict[str, Any],
        *,
        author: User,
        reviewer: User,
        publish: bool = True,
    ) -> AchievementDefinition:
        """The organisation's definition titled ``fields["title"]``, taken as far as
        published (or, with ``publish=False``, in review)."""
        definition = (
            AchievementDefinition.objects.filter(
                organisation=organisation, versions__title=fields["title"]
            )
            .order_by("pk")
            .first()
        )
        if definition is None:
            definition = create_definition(organisation, fields, by=author, now=self.now)
            self.report.created["definitions"] += 1
        status = definition.latest_version().status
        if status == DefinitionStatus.DRAFT:
            submit_definition(definition, by=author, now=self.now)
            status = DefinitionStatus.IN_REVIEW
        if publish and status == DefinitionStatus.IN_REVIEW:
            approve_definition(definition, by=reviewer, now=self.now)
            status = DefinitionStatus.APPROVED
        if publish and status == DefinitionStatus.APPROVED:
            publish_definition(definition, by=author, now=self.now)
        definition.refresh_from_db()
        return definition

    # --- Awards and wallets -----------------------------------------------------------

    def award(
        self,
        definition: AchievementDefinition,
        learner: DemoAccount,
        *,
        by: User,
        days_ago: int,
    ) -> Award:
        version = definition.published_version
        assert version is not None, "awards are made from published definitions"
        key = f"demo:{learner.email}:{definition.public_id}"
        existing = Award.objects.filter(
            organisation=definition.organisation, idempotency_key=key
        ).first()
        if existing is not None:
            return existing
        self.report.created["awards"] += 1
        return issue_credential(
            version,
            recipient_email=learner.email,
            recipient_name=learner.name,
            by=by,
            awarded_at=self.now - timedelta(days=days_ago),
            idempotency_key=key,
            now=self.now,
        )

    def revoke(self, award: Award, *, by: User) -> None:
        if award.status != AwardStatus.REVOKED:
            revoke_credential(award, reason=REVOCATION_REASON, by=by, now=self.now)

    def suspend(self, award: Award, *, by: User) -> None:
        if award.status == AwardStatus.ACTIVE:
            suspend_credential(award, reason=SUSPENSION_REASON, by=by, now=self.now)

    def hold(self, user: User, award: Award, *, public: bool = False) -> WalletCredential:
        """Put ``award`` into ``user``'s wallet, as the learner claiming it would."""
        held = WalletCredential.objects.filter(
            owner=user, credential__id=award.credential_id
        ).first()
        if held is None:
            held = wallet.add_issued_credential(user, award.credential, now=self.now).credential
            self.report.created["wallet credentials"] += 1
        if public and not held.is_public:
            wallet.set_visibility(user, held, "public")
        return held

    # --- The whole demo -------------------------------------------------------------

    def run(self) -> None:
        self.user(accounts.ADMINISTRATOR, superuser=True)
        learners = {account.email: self.user(account) for account in accounts.LEARNERS}

        employer = self.user(accounts.EMPLOYER)
        self.organisation(
            name=accounts.EMPLOYER_NAME,
            slug=accounts.EMPLOYER_SLUG,
            kind="company",
            country="FI",
            owner=employer,
            description="A made-up employer of the demo, hiring data analysts.",
        )

        university, university_staff = self.seed_university()
        university_definitions = [
            self.definition(
                university,
                university_fields(template),
                author=university_staff["issuer"],
                reviewer=university_staff["reviewer"],
            )
            for template in UNIVERSITY_DEFINITIONS
        ]
        in_review = self.definition(
            university,
            university_fields(UNIVERSITY_DEFINITION_IN_REVIEW),
            author=university_staff["issuer"],
            reviewer=university_staff["reviewer"],
            publish=False,
        )
        self.report.definition_in_review = in_review.public_id

        provider_owners: dict[str, User] = {}
        provider_organisations: dict[str, Organisation] = {}
        for provider in self.tables.providers:
            owner = self.user(accounts.provider_account(provider.slug, provider.name))
            provider_owners[provider.slug] = owner
            provider_organisations[provider.slug] = self.seed_provider(provider, owner)

        job_definitions: list[tuple[AchievementDefinition, User]] = []
        for credential in self.tables.job_credentials:
            provider = self.tables.provider_named(credential.provider)
            if provider is None:
                continue  # a provider table 1 does not list: no organisation to issue it
            fields = job_credential_fields(
                credential, provider, self.tables.industries_of(credential)
            )
            owner = provider_owners[provider.slug]
            definition = self.definition(
                provider_organisations[provider.slug], fields, author=owner, reviewer=owner
            )
            job_definitions.append((definition, owner))
        for example in self.tables.catalogue_examples():
            provider = self.tables.provider_named(example.credential_provider)
            assert provider is not None  # catalogue_examples keeps known providers only
            owner = provider_owners[provider.slug]
            self.definition(
                provider_organisations[provider.slug],
                industry_example_fields(example, provider),
                author=owner,
                reviewer=owner,
            )

        self.seed_awards(university_definitions, university_staff["issuer"], job_definitions)
        self.seed_wallets(learners)

        self.report.organisations = Organisation.objects.count()
        self.report.definitions = AchievementDefinition.objects.filter(
            published_version__isnull=False
        ).count()
        self.report.awards = Award.objects.count()
        self.report.wallet_credentials = WalletCredential.objects.count()

    def seed_university(self) -> tuple[Organisation, dict[str, User]]:
        owner = self.user(accounts.UNIVERSITY_OWNER)
        university = self.organisation(
            name=accounts.UNIVERSITY_NAME,
            slug=accounts.UNIVERSITY_SLUG,
            kind="university",
            country="FI",
            region="Uusimaa",
            description="A made-up university of the demo.",
            owner=owner,
        )
        staff = {"owner": owner}
        for account in (accounts.ISSUER, accounts.REVIEWER):
            staff[account.role] = self.user(account)
            self.member(university, staff[account.role], account.role, by=owner)
        self.signing_key(university, by=owner)
        return university, staff

    def seed_provider(self, provider: Provider, owner: User) -> Organisation:
        organisation = self.organisation(
            name=provider.name + accounts.PROVIDER_NAME_SUFFIX,
            slug=provider.slug,
            kind=provider.kind,
            country=PROVIDER_COUNTRY,
            owner=owner,
            description=(
                f"Demo organisation made from table 1 of the seed data ({provider.source}): "
                f"{provider.platform_type}, {provider.courses} courses, "
                f"{provider.specializations} specializations, course length "
                f"{provider.course_length}, average cost {provider.average_cost}. "
                f"Not the real {provider.name}: nothing here is issued by or for it."
            ),
        )
        self.signing_key(organisation, by=owner)
        return organisation

    def seed_awards(
        self,
        university_definitions: list[AchievementDefinition],
        university_issuer: User,
        job_definitions: list[tuple[AchievementDefinition, User]],
    ) -> None:
        """Bob gets one credential in each state; every other learner two valid ones."""
        data_literacy, cyber_hygiene = university_definitions
        bob = accounts.LEARNER
        self.award(data_literacy, bob, by=university_issuer, days_ago=40)
        self.award(
            cyber_hygiene, bob, by=university_issuer, days_ago=EXPIRED_AWARD_AGE.days
        )  # its definition expires 12 months after the award: long expired
        plan: list[tuple[DemoAccount, int]] = [(bob, 0), (bob, 1), (bob, 2)]
        for number, learner in enumerate(accounts.LEARNERS[1:]):
            plan += [(learner, 3 + 2 * number), (learner, 4 + 2 * number)]
        made: list[tuple[Award, User]] = []
        for position, (learner, index) in enumerate(plan):
            if index < len(job_definitions):
                definition, issuer = job_definitions[index]
                award = self.award(definition, learner, by=issuer, days_ago=10 + 9 * position)
                made.append((award, issuer))
        if len(made) > 2:
            self.revoke(made[1][0], by=made[1][1])
            self.suspend(made[2][0], by=made[2][1])

    def seed_wallets(self, learners: dict[str, User]) -> None:
        """Each learner's awards in their wallet; Bob's valid ones on his public profile."""
        for award in Award.objects.filter(recipient_email__in=learners).order_by("awarded_at"):
            user = learners[award.recipient_email]
            expired = award.valid_until is not None and award.valid_until <= self.now
            public = (
                user.email == accounts.LEARNER.email
                and award.status == AwardStatus.ACTIVE
                and not expired
            )
            self.hold(user, award, public=public)
        bob = learners[accounts.LEARNER.email]
        profile = wallet.get_profile(bob)
        if profile is None or not profile.is_public:
            wallet.update_profile(
                bob,
                slug=accounts.PUBLIC_PROFILE_SLUG,
                display_name=accounts.LEARNER.name,
                headline="Data analyst in training (a demo learner)",
                is_public=True,
                now=self.now,
            )
