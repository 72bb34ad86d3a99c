"""A definition version as an Open Badges 3.0 Achievement (OB 3.0 §B.1.3).

This module is the one seam between definitions and the signed credential:

- :func:`definition_to_achievement` fills the OB 3.0 fields that exist for an element
  (name, description, criteria, image, alignment for the EQF/NQF level and the skills,
  creditsAvailable for ECTS, inLanguage, tag, achievementType, creator Profile with the
  issuer's country and region);
- :func:`eu_elements` lists the Council Recommendation's elements OB 3.0 has no field
  for, under stable names. The next step maps these names to European Learning Model
  IRIs through an inline JSON-LD context and adds them to the Achievement; until then
  they are not put into the credential (an undefined term would make safe-mode
  canonicalization refuse the credential).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from credstack.accounts.models import Organisation
from credstack.issuing.identifiers import base_url, issuer_id
from credstack.issuing.models import DefinitionVersion

EQF_FRAMEWORK = "European Qualifications Framework"
EQF_LEVEL_URL = "http://data.europa.eu/snb/eqf/{level}"


def achievement_id(version: DefinitionVersion) -> str:
    """A stable URL for the version: awards keep pointing at what they were given for."""
    return f"{base_url()}/definitions/{version.definition.public_id}/v{version.number}"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def organisation_profile(organisation: Organisation) -> dict[str, Any]:
    """An organisation as an OB 3.0 Profile: issuer id, name, and url and email if known."""
    profile: dict[str, Any] = {
        "id": issuer_id(organisation),
        "type": ["Profile"],
        "name": organisation.name,
    }
    if organisation.website:
        profile["url"] = organisation.website
    if organisation.email:
        profile["email"] = organisation.email
    return profile


def _creator(version: DefinitionVersion) -> dict[str, Any]:
    profile = organisation_profile(version.definition.organisation)
    address: dict[str, Any] = {"type": ["Address"]}
    if version.issuer_country:
        address["addressCountryCode"] = version.issuer_country
    if version.issuer_region:
        address["addressRegion"] = version.issuer_region
    if len(address) > 1:
        profile["address"] = address
    return profile


def _alignments(version: DefinitionVersion) -> list[dict[str, Any]]:
    alignments: list[dict[str, Any]] = []
    if version.eqf_level is not None:
        alignments.append(
            {
                "type": ["Alignment"],
                "targetName": f"EQF level {version.eqf_level}",
                "targetUrl": EQF_LEVEL_URL.format(level=version.eqf_level),
                "targetFramework": EQF_FRAMEWORK,
                "targetCode": str(version.eqf_level),
            }
        )
    for skill in version.alignments:
        alignment: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": skill["name"],
            "targetUrl": skill["url"],
        }
        for source, target in (
            ("framework", "targetFramework"),
            ("code", "targetCode"),
            ("description", "targetDescription"),
            ("type", "targetType"),
        ):
            if skill.get(source):
                alignment[target] = skill[source]
        alignments.append(alignment)
    return alignments


def definition_to_achievement(version: DefinitionVersion) -> dict[str, Any]:
    """The OB 3.0 Achievement JSON for ``version`` (to embed in an AchievementSubject).

    Precondition: the organisation has a signing key, or the instance has a did:web
    (the creator Profile carries the issuer's identifier); otherwise ConflictError.
    """
    achievement: dict[str, Any] = {
        "id": achievement_id(version),
        "type": ["Achievement"],
        "achievementType": version.achievement_type or "MicroCredential",
        "name": version.title,
        "description": version.description or version.title,
        "criteria": {"narrative": version.criteria or version.description or version.title},
        "creator": _creator(version),
        "inLanguage": version.language,
        "version": str(version.number),
    }
    if version.criteria_url:
        achievement["criteria"]["id"] = version.criteria_url
    if version.image:
        achievement["image"] = {"id": f"{base_url()}/media/{version.image}", "type": "Image"}
    alignments = _alignments(version)
    if alignments:
        achievement["alignment"] = alignments
    if version.workload_ects is not None:
        achievement["creditsAvailable"] = _number(version.workload_ects)
    if version.tags:
        achievement["tag"] = list(version.tags)
    return achievement


def eu_elements(version: DefinitionVersion) -> dict[str, Any]:
    """The EU elements with no OB 3.0 field, by stable name (empty ones left out).

    Seam for the next step: each name gets a European Learning Model IRI in an inline
    JSON-LD context, then these go into the Achievement.
    """
    elements: dict[str, Any] = {
        "awardingBody": version.awarding_bodies,
        "learningOutcome": version.learning_outcomes,
        "volumeOfLearning": (
            f"PT{_number(version.workload_hours)}H" if version.workload_hours is not None else None
        ),
        "nationalFramework": version.national_framework or None,
        "nationalFrameworkLevel": version.national_framework_level or None,
        "cycle": version.cycle or None,
        "assessmentType": version.assessment_type or None,
        "modeOfLearning": version.participation_form or None,
        "qualityAssurance": version.quality_assurance or None,
        "entryRequirement": version.prerequisites or None,
        "supervisionAndIdentityVerification": version.supervision or None,
        "gradingScheme": version.grade_scheme or None,
        "integrationStackability": version.stackability or None,
        "furtherInformation": version.further_information or None,
    }
    return {name: value for name, value in elements.items() if value not in (None, [], "")}
