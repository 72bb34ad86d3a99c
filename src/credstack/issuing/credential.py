"""The unsigned Open Badges 3.0 OpenBadgeCredential of an award (OB 3.0 §B.1.1).

Pure construction: no database writes, no signing. ``services.issue_credential``
validates, signs and stores what :func:`build_credential` returns.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from credstack.issuing.achievement import (
    definition_to_achievement,
    eu_elements,
    organisation_profile,
)
from credstack.issuing.elm import ELM_CONTEXT, EQF_LEVEL_IRI, awarding_body_node
from credstack.issuing.models import DefinitionVersion, ExpiryRule
from credstack.standards.jsonld.document_loader import CREDENTIALS_V2, OB_V3P0_CONTEXT
from credstack.standards.vc.identity import identity_object_for_email

OPEN_BADGE_CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]


@dataclass(frozen=True)
class Recipient:
    """Who receives the award: an email (hashed with ``salt`` into an IdentityObject)
    or a DID the learner supplied; ``name`` is put in the credential when given."""

    email: str = ""
    did: str = ""
    name: str = ""
    salt: str = ""


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expiry_of(version: DefinitionVersion, awarded_at: datetime) -> datetime | None:
    """validUntil from the definition's expiry rule: none, the end (UTC) of a fixed
    date, or N calendar months after the award."""
    if version.expiry_rule == ExpiryRule.FIXED_DATE and version.expiry_date is not None:
        return _end_of_day(version.expiry_date)
    if version.expiry_rule == ExpiryRule.MONTHS_AFTER_AWARD and version.expiry_months:
        return _add_months(awarded_at, version.expiry_months)
    return None


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def issuer_profile(version: DefinitionVersion) -> dict[str, Any]:
    """The issuer Profile: id, name, url, email and address with the country."""
    organisation = version.definition.organisation
    profile = organisation_profile(organisation)
    country = version.issuer_country or organisation.country
    region = version.issuer_region or organisation.region
    if country or region:
        address: dict[str, Any] = {"type": ["Address"]}
        if country:
            address["addressCountry"] = country
            address["addressCountryCode"] = country
        if region:
            address["addressRegion"] = region
        profile["address"] = address
    return profile


def achievement_with_eu_elements(version: DefinitionVersion) -> dict[str, Any]:
    """The OB 3.0 Achievement plus the EU elements OB 3.0 lacks, in ELM terms."""
    achievement = definition_to_achievement(version)
    elements = eu_elements(version)
    if "awardingBody" in elements:
        elements["awardingBody"] = [awarding_body_node(body) for body in elements["awardingBody"]]
    if version.eqf_level is not None:
        elements["EQFLevel"] = EQF_LEVEL_IRI.format(level=version.eqf_level)
    achievement.update(elements)
    return achievement


def build_credential(
    version: DefinitionVersion,
    *,
    credential_id: str,
    recipient: Recipient,
    awarded_at: datetime,
    valid_until: datetime | None,
    credential_status: list[dict[str, Any]],
    narrative: str = "",
    evidence_url: str = "",
    grade: str = "",
    issuer: dict[str, Any] | None = None,
    achievement: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential.

    Preconditions: ``recipient`` has an email and a salt, or a DID; datetimes are
    timezone-aware; ``credential_id`` is a ``urn:uuid:`` URN. ``issuer`` and
    ``achievement``, when given, are what :func:`issuer_profile` and
    :func:`achievement_with_eu_elements` return for ``version`` (a batch makes them
    once); they are put in the credential as they are, not copied.
    """
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if recipient.did:
        subject["id"] = recipient.did
    if recipient.email:
        subject["identifier"] = [identity_object_for_email(recipient.email, recipient.salt)]
    if recipient.name:
        subject["name"] = recipient.name
    subject["achievement"] = (
        achievement if achievement is not None else achievement_with_eu_elements(version)
    )
    if version.workload_ects is not None:
        subject["creditsEarned"] = subject["achievement"]["creditsAvailable"]
    if grade:
        subject["result"] = [{"type": ["Result"], "value": grade}]

    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3P0_CONTEXT, ELM_CONTEXT],
        "id": credential_id,
        "type": list(OPEN_BADGE_CREDENTIAL_TYPES),
        "name": version.title,
        "issuer": issuer if issuer is not None else issuer_profile(version),
        "validFrom": _timestamp(awarded_at),
        "awardedDate": _timestamp(awarded_at),
    }
    if valid_until is not None:
        credential["validUntil"] = _timestamp(valid_until)
    credential["credentialSubject"] = subject
    if narrative or evidence_url:
        evidence: dict[str, Any] = {"type": ["Evidence"]}
        if evidence_url:
            evidence["id"] = evidence_url
        if narrative:
            evidence["narrative"] = narrative
        credential["evidence"] = [evidence]
    credential["credentialStatus"] = credential_status
    return credential
