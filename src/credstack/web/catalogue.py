"""The public catalogue: every organisation's published micro-credentials, filtered by
skill (job requirement), provider or tag, and each one's EU elements in plain language.

Published definitions are public by design (a credential names its achievement for
anyone to read), so reading them needs no permission; drafts, definitions in review and
retired ones are never shown. Filtering happens in Python over the published
definitions (skills and tags live in JSON lists, which SQLite cannot search): fine for
the thousands of definitions an instance holds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from credstack.accounts.models import Organisation
from credstack.common.errors import NotFoundError
from credstack.issuing.achievement import eu_elements
from credstack.issuing.models import AchievementDefinition, DefinitionVersion, ExpiryRule
from credstack.verification.elements import Element, micro_credential_elements

# Elements filled in when a credential is awarded: not part of a definition.
AWARD_ELEMENTS = frozenset({"learner", "date_of_issue", "grade", "valid_until"})


@dataclass(frozen=True)
class CatalogueEntry:
    definition: AchievementDefinition
    version: DefinitionVersion
    organisation: Organisation
    skills: list[str]

    @property
    def public_id(self) -> str:
        return self.definition.public_id

    @property
    def level(self) -> str:
        return level_text(self.version)

    @property
    def workload(self) -> str:
        return workload_text(self.version)

    @property
    def price(self) -> str:
        return price_text(self.version)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    count: int


@dataclass
class Catalogue:
    entries: list[CatalogueEntry]
    total: int
    skills: list[Choice] = field(default_factory=list)
    providers: list[Choice] = field(default_factory=list)
    tags: list[Choice] = field(default_factory=list)
    skill: str = ""
    provider: str = ""
    tag: str = ""

    @property
    def filtered(self) -> bool:
        return bool(self.skill or self.provider or self.tag)


def _published() -> QuerySet[AchievementDefinition]:
    return (
        AchievementDefinition.objects.filter(
            published_version__isnull=False, retired_at__isnull=True
        )
        .select_related("published_version", "organisation")
        .order_by("organisation__name", "published_version__title", "pk")
    )


def skills_of(version: DefinitionVersion) -> list[str]:
    """The skills (job requirements, competences) a version is aligned to, by name."""
    names = [
        str(alignment.get("name", "")).strip()
        for alignment in version.alignments
        if isinstance(alignment, dict)
    ]
    return list(dict.fromkeys(name for name in names if name))


def _entry(definition: AchievementDefinition) -> CatalogueEntry:
    version = definition.published_version
    assert version is not None
    return CatalogueEntry(definition, version, definition.organisation, skills_of(version))


def _same(first: str, second: str) -> bool:
    return first.strip().casefold() == second.strip().casefold()


def catalogue(*, skill: str = "", provider: str = "", tag: str = "") -> Catalogue:
    """The published definitions matching every filter given: ``skill`` (a skill or job
    requirement name), ``provider`` (an organisation's slug) and ``tag``, compared
    without regard to case. The choices list what each filter can take, with counts
    over the whole catalogue."""
    skill, provider, tag = skill.strip()[:200], provider.strip()[:60], tag.strip()[:200]
    everything = [_entry(definition) for definition in _published()]
    skill_counts: Counter[str] = Counter()
    tag_counts: Counter[str] = Counter()
    providers: dict[str, tuple[str, int]] = {}
    for entry in everything:
        skill_counts.update(entry.skills)
        tag_counts.update(list(dict.fromkeys(str(t) for t in entry.version.tags if str(t).strip())))
        name, count = providers.get(entry.organisation.slug, (entry.organisation.name, 0))
        providers[entry.organisation.slug] = (name, count + 1)
    entries = [
        entry
        for entry in everything
        if (not skill or any(_same(skill, name) for name in entry.skills))
        and (not provider or entry.organisation.slug == provider)
        and (not tag or any(_same(tag, str(name)) for name in entry.version.tags))
    ]
    return Catalogue(
        entries=entries,
        total=len(everything),
        skills=[Choice(n, n, c) for n, c in sorted(skill_counts.items(), key=_by_name)],
        providers=[
            Choice(slug, name, count)
            for slug, (name, count) in sorted(providers.items(), key=lambda i: i[1][0].lower())
        ],
        tags=[Choice(n, n, c) for n, c in sorted(tag_counts.items(), key=_by_name)],
        skill=skill,
        provider=provider,
        tag=tag,
    )


def _by_name(item: tuple[str, int]) -> str:
    return item[0].casefold()


def catalogue_entry(public_id: str) -> CatalogueEntry:
    """The published definition ``public_id``; NotFoundError for an unknown, unpublished
    or retired one (they are not told apart)."""
    definition = _published().filter(public_id=public_id).first()
    if definition is None:
        raise NotFoundError(_("There is no published micro-credential with this identifier."))
    return _entry(definition)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


def level_text(version: DefinitionVersion) -> str:
    if version.eqf_level is not None:
        return _("EQF level %(level)s") % {"level": version.eqf_level}
    if version.national_framework and version.national_framework_level:
        return f"{version.national_framework}: {version.national_framework_level}"
    return ""


def workload_text(version: DefinitionVersion) -> str:
    parts = []
    if version.workload_ects is not None:
        amount = _number(version.workload_ects)
        parts.append(
            ngettext("%(n)s ECTS credit", "%(n)s ECTS credits", 1 if amount == "1" else 2)
            % {"n": amount}
        )
    if version.workload_hours is not None:
        amount = _number(version.workload_hours)
        parts.append(
            ngettext("%(n)s hour", "%(n)s hours", 1 if amount == "1" else 2) % {"n": amount}
        )
    return ", ".join(parts)


def price_text(version: DefinitionVersion) -> str:
    if version.price_amount is None:
        return ""
    if version.price_amount == 0:
        return _("Free")
    amount = version.price_amount
    shown = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{version.price_currency} {shown}".strip()


def expiry_text(version: DefinitionVersion) -> str:
    if version.expiry_rule == ExpiryRule.MONTHS_AFTER_AWARD and version.expiry_months:
        return ngettext(
            "Expires %(n)s month after it is awarded",
            "Expires %(n)s months after it is awarded",
            version.expiry_months,
        ) % {"n": version.expiry_months}
    if version.expiry_rule == ExpiryRule.FIXED_DATE and version.expiry_date is not None:
        return _("Expires on %(date)s") % {"date": version.expiry_date.isoformat()}
    return _("Does not expire")


def definition_elements(entry: CatalogueEntry) -> list[Element]:
    """The EU elements of the definition in plain language, read by the verifier's own
    element reader from the Achievement the credential would carry, so the catalogue
    and a verified credential describe a micro-credential alike. Elements filled in at
    award (learner, date of issue, grade, validity) are left out."""
    version = entry.version
    achievement: dict[str, Any] = {"name": version.title, **eu_elements(version)}
    alignments: list[dict[str, Any]] = []
    if version.eqf_level is not None:
        alignments.append(
            {
                "targetName": f"EQF level {version.eqf_level}",
                "targetFramework": "European Qualifications Framework",
            }
        )
    for skill in version.alignments:
        if isinstance(skill, dict) and skill.get("name"):
            alignment = {"targetName": skill["name"]}
            if skill.get("framework"):
                alignment["targetFramework"] = skill["framework"]
            alignments.append(alignment)
    achievement["alignment"] = alignments
    if version.workload_ects is not None:
        achievement["creditsAvailable"] = _number(version.workload_ects)
    address: dict[str, Any] = {}
    if version.issuer_country:
        address["addressCountry"] = version.issuer_country
    if version.issuer_region:
        address["addressRegion"] = version.issuer_region
    credential_like: dict[str, Any] = {
        "issuer": {"name": entry.organisation.name, "address": address},
        "credentialSubject": {"achievement": achievement},
    }
    elements = [
        element
        for element in micro_credential_elements(credential_like)
        if element.key not in AWARD_ELEMENTS
    ]
    # The stored codes in words (a credential carries the codes).
    labels = {
        "participation": version.get_participation_form_display(),
        "supervision": version.get_supervision_display(),
    }
    for element in elements:
        if element.key in labels and element.values:
            element.values = [str(labels[element.key])]
    return elements
