"""The elements of a micro-credential, read from a credential in plain language.

The Council Recommendation of 16 June 2022 on a European approach to micro-credentials
(Annex I) lists the mandatory elements every micro-credential states, and optional ones.
:func:`micro_credential_elements` finds each of them in an Open Badges 3.0 credential:
in OB 3.0's own fields where one exists (name, issuer Profile and its address,
awardedDate/validFrom, alignment for the EQF and national levels, creditsAvailable,
result), otherwise under the European Learning Model names credstack's issuing app gives
them (``learningOutcome``, ``assessmentType``, ``modeOfLearning``, ...; see
``credstack.issuing.achievement.eu_elements``), with or without a vocabulary prefix.

It verifies nothing and trusts nothing: it reads whatever the credential says, is
tolerant of missing, oddly shaped or foreign fields, and never raises on a credential
that is a JSON object. Open Badges 2.0 assertions and CLR 2.0 credentials give what
they have (their title, issuer, date).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

MAX_VALUES_PER_ELEMENT = 50
MAX_TEXT_LENGTH = 2000

EQF_NAMES = ("european qualifications framework", "eqf")
LEVEL_TYPES = ("ceterms:credential", "level", "qualification")


@dataclass
class Element:
    """One element: ``key`` is stable, ``label`` translated, ``values`` plain text."""

    key: str
    label: str | Promise
    values: list[str] = field(default_factory=list)
    mandatory: bool = True

    @property
    def present(self) -> bool:
        return bool(self.values)


# The Recommendation's order: mandatory first, then optional.
MANDATORY = (
    ("learner", _("Learner")),
    ("title", _("Title")),
    ("country", _("Country or region of the issuer")),
    ("awarding_body", _("Awarding body")),
    ("date_of_issue", _("Date of issue")),
    ("learning_outcomes", _("Learning outcomes")),
    ("workload", _("Notional workload")),
    ("level", _("Level (EQF or national framework)")),
    ("assessment", _("Type of assessment")),
    ("participation", _("Form of participation")),
    ("quality_assurance", _("Quality assurance")),
)
OPTIONAL = (
    ("prerequisites", _("Prerequisites")),
    ("supervision", _("Supervision and identity verification during assessment")),
    ("grade", _("Grade")),
    ("stackability", _("Integration and stackability options")),
    ("further_information", _("Further information")),
    ("skills", _("Skills and competences")),
    ("valid_until", _("Valid until")),
)

# Each element's names in a credential, most specific first. Names are matched with
# or without a vocabulary prefix ("elm:learningOutcome", "ob:...").
ALIASES: dict[str, tuple[str, ...]] = {
    "awarding_body": ("awardingBody", "awardingBodies"),
    "learning_outcomes": ("learningOutcome", "learningOutcomes", "learningOutcomeSummary"),
    "assessment": ("assessmentType", "typeOfAssessment", "assessment"),
    "participation": ("modeOfLearning", "formOfParticipation", "learningMode"),
    "quality_assurance": ("qualityAssurance", "accreditation"),
    "prerequisites": ("entryRequirement", "prerequisites", "prerequisite"),
    "supervision": (
        "supervisionAndIdentityVerification",
        "supervisionAndVerification",
        "identityVerification",
    ),
    "grading_scheme": ("gradingScheme", "gradeScheme"),
    "stackability": ("integrationStackability", "integrationOptions", "stackability"),
    "further_information": ("furtherInformation", "additionalNote"),
    "volume": ("volumeOfLearning", "notionalWorkload", "workload"),
    "ects": ("ectsCreditPoints", "ECTSCreditPoints", "creditPoint"),
    "national_framework": ("nationalFramework",),
    "national_level": ("nationalFrameworkLevel", "nqfLevel"),
    "cycle": ("cycle", "educationCycle"),
    "eqf_level": ("eqfLevel",),
}

_DURATION = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?"
    r"(?:(?P<minutes>\d+(?:\.\d+)?)M)?)?$"
)


def micro_credential_elements(credential: Mapping[str, Any] | None) -> list[Element]:
    """Every element of the Recommendation, in its order, each with the values found
    (an empty list when the credential does not state it). Mandatory ones first."""
    found = _find(credential if isinstance(credential, Mapping) else {})
    elements = [Element(key, label, found.get(key, [])) for key, label in MANDATORY]
    elements += [Element(key, label, found.get(key, []), False) for key, label in OPTIONAL]
    return elements


def achievement_of(credential: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The credential's Achievement (OB 3.0) or BadgeClass (OB 2.0, when embedded), or {}."""
    if not isinstance(credential, Mapping):
        return {}
    subject = _first_mapping(credential.get("credentialSubject"))
    achievement = subject.get("achievement") if subject else None
    if isinstance(achievement, Mapping):
        return achievement
    badge = credential.get("badge")
    return badge if isinstance(badge, Mapping) else {}


def title_of(credential: Mapping[str, Any] | None) -> str | None:
    """What the credential is called: the achievement's name, else the credential's."""
    for holder in (achievement_of(credential), credential or {}):
        names = texts(holder.get("name"))
        if names:
            return names[0]
    return None


def texts(value: Any, *, limit: int = MAX_VALUES_PER_ELEMENT) -> list[str]:
    """Plain texts from a JSON value: a string, a number, a list of them, or objects
    carrying a name/title/description/narrative/value (a language map gives each text).
    """
    result: list[str] = []
    stack = [value]
    while stack and len(result) < limit:
        item = stack.pop(0)
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, str):
            text = " ".join(item.split())
            if text:
                result.append(text[:MAX_TEXT_LENGTH])
        elif isinstance(item, int | float):
            result.append(_number(item))
        elif isinstance(item, list):
            stack[0:0] = item[:limit]
        elif isinstance(item, Mapping):
            stack.insert(0, _object_text(item))
    return result


def _object_text(item: Mapping[str, Any]) -> Any:
    for key in ("name", "title", "prefLabel", "targetName", "narrative", "description", "value"):
        if key in item:
            named = texts(item[key])
            if named:
                description = texts(item.get("description")) if key != "description" else []
                if description and description[0] != named[0]:
                    return f"{named[0]}: {description[0]}"
                return named[0]
    if "@value" in item:
        return item["@value"]
    # A language map ({"en": "...", "fi": "..."}): every text it holds.
    if item and all(isinstance(k, str) and len(k) <= 8 for k in item):
        return [v for v in item.values() if isinstance(v, str)]
    return None


def _find(credential: Mapping[str, Any]) -> dict[str, list[str]]:
    achievement = achievement_of(credential)
    subject = _first_mapping(credential.get("credentialSubject")) or {}
    issuer = credential.get("issuer")
    issuer_profile = issuer if isinstance(issuer, Mapping) else {}
    creator = achievement.get("creator")
    creator_profile = creator if isinstance(creator, Mapping) else {}
    holders = (achievement, credential, subject)
    found: dict[str, list[str]] = {}

    def put(key: str, values: Iterable[str]) -> None:
        unique = list(dict.fromkeys(v for v in values if v))
        if unique:
            found[key] = unique[:MAX_VALUES_PER_ELEMENT]

    put("learner", _learner(subject))
    title = title_of(credential)
    put("title", [title] if title else [])
    put("country", _country(issuer_profile) or _country(creator_profile))
    put(
        "awarding_body",
        _lookup(holders, "awarding_body")
        or texts(issuer_profile.get("name"))
        or texts(issuer if isinstance(issuer, str) else None)
        or texts(creator_profile.get("name")),
    )
    put(
        "date_of_issue",
        _dates(credential, ("awardedDate", "validFrom", "issuanceDate", "issuedOn")),
    )
    put("learning_outcomes", _lookup(holders, "learning_outcomes"))
    put("workload", _workload(achievement, subject, holders))
    put("level", _level(achievement, holders))
    for key in (
        "assessment",
        "participation",
        "quality_assurance",
        "prerequisites",
        "supervision",
        "stackability",
        "further_information",
    ):
        put(key, _lookup(holders, key))
    put("grade", _grade(achievement, subject, holders))
    put("skills", _skills(achievement))
    put("valid_until", _dates(credential, ("validUntil", "expirationDate", "expires")))
    return found


def _first_mapping(value: Any) -> Mapping[str, Any] | None:
    if isinstance(value, Mapping):
        return value
    if isinstance(value, list):
        return next((v for v in value if isinstance(v, Mapping)), None)
    return None


def _lookup(holders: Iterable[Mapping[str, Any]], element: str) -> list[str]:
    names = ALIASES[element]
    for holder in holders:
        for key, value in holder.items():
            if not isinstance(key, str):
                continue
            local = key.rsplit(":", 1)[-1].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            if local in names:
                found = texts(value)
                if found:
                    return found
    return []


def _learner(subject: Mapping[str, Any]) -> list[str]:
    values = texts(subject.get("name"))
    identifiers = subject.get("identifier")
    for identity in identifiers if isinstance(identifiers, list) else [identifiers]:
        if not isinstance(identity, Mapping):
            continue
        kind = identity.get("identityType")
        kind_text = kind if isinstance(kind, str) else "identifier"
        if identity.get("hashed") is True:
            values.append(
                str(_("identified by a hashed %(kind)s") % {"kind": _identity(kind_text)})
            )
        elif isinstance(identity.get("identityHash"), str):
            values.append(f"{_identity(kind_text)}: {identity['identityHash']}")
    recipient = subject.get("id")
    if isinstance(recipient, str) and recipient:
        values.append(recipient.removeprefix("mailto:"))
    return values


def _identity(kind: str) -> str:
    labels = {
        "emailAddress": _("email address"),
        "studentId": _("student number"),
        "nationalIdentityNumber": _("national identity number"),
        "phoneNumber": _("phone number"),
    }
    return str(labels.get(kind, kind))


def _country(profile: Mapping[str, Any]) -> list[str]:
    address = profile.get("address")
    if not isinstance(address, Mapping):
        return []
    country = texts(address.get("addressCountry")) or texts(address.get("addressCountryCode"))
    code = texts(address.get("addressCountryCode"))
    if country and code and country[0] != code[0]:
        country = [f"{country[0]} ({code[0]})"]
    region = texts(address.get("addressRegion"))
    locality = texts(address.get("addressLocality"))
    return [", ".join(part[0] for part in (locality, region, country) if part)] if country else []


def _dates(credential: Mapping[str, Any], keys: Iterable[str]) -> list[str]:
    for key in keys:
        value = credential.get(key)
        if isinstance(value, str) and value.strip():
            return [_readable_date(value.strip())]
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**11:
            return [_readable_date(datetime.fromtimestamp(value).isoformat())]
    return []


def _readable_date(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value[:64]
    if moment.hour == moment.minute == moment.second == 0:
        return moment.strftime("%d %B %Y").lstrip("0")
    return moment.strftime("%d %B %Y, %H:%M %Z").lstrip("0").strip()


def _workload(
    achievement: Mapping[str, Any],
    subject: Mapping[str, Any],
    holders: Iterable[Mapping[str, Any]],
) -> list[str]:
    holders = list(holders)
    values: list[str] = []
    ects = _lookup(holders, "ects")
    credits = texts(achievement.get("creditsAvailable"))
    for amount in ects or credits:
        values.append(
            ngettext("%(n)s ECTS credit", "%(n)s ECTS credits", _plural(amount)) % {"n": amount}
        )
    earned = texts(subject.get("creditsEarned"))
    if earned and earned != (ects or credits):
        values.append(str(_("%(n)s credits earned") % {"n": earned[0]}))
    for volume in _lookup(holders, "volume"):
        values.append(_duration(volume))
    return values


def _plural(amount: str) -> int:
    try:
        return 1 if float(amount) == 1 else 2
    except ValueError:
        return 2


def _duration(value: str) -> str:
    match = _DURATION.match(value)
    if not match or not any(match.groupdict().values()):
        return value
    hours = float(match["hours"] or 0) + 24 * float(match["days"] or 0)
    hours += float(match["minutes"] or 0) / 60
    amount = _number(hours)
    return str(ngettext("%(n)s hour", "%(n)s hours", _plural(amount)) % {"n": amount})


def _alignments(achievement: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    alignments = achievement.get("alignment")
    if isinstance(alignments, Mapping):
        alignments = [alignments]
    if not isinstance(alignments, list):
        return []
    return [a for a in alignments if isinstance(a, Mapping)]


def _is_level(alignment: Mapping[str, Any]) -> bool:
    framework = " ".join(texts(alignment.get("targetFramework"))).lower()
    name = " ".join(texts(alignment.get("targetName"))).lower()
    kind = " ".join(texts(alignment.get("targetType"))).lower()
    return (
        any(n in framework for n in EQF_NAMES)
        or "qualifications framework" in framework
        or name.startswith(("eqf level", "nqf level"))
        or (kind in LEVEL_TYPES and "level" in name)
    )


def _level(achievement: Mapping[str, Any], holders: Iterable[Mapping[str, Any]]) -> list[str]:
    holders = list(holders)
    values: list[str] = []
    for alignment in _alignments(achievement):
        if not _is_level(alignment):
            continue
        name = texts(alignment.get("targetName"))
        framework = texts(alignment.get("targetFramework"))
        if name and framework and framework[0].lower() not in name[0].lower():
            values.append(f"{name[0]} ({framework[0]})")
        elif name:
            values.append(name[0])
    for level in _lookup(holders, "eqf_level"):
        values.append(str(_("EQF level %(level)s") % {"level": level}))
    national = _lookup(holders, "national_framework")
    national_level = _lookup(holders, "national_level")
    if national or national_level:
        national_name = national[0] if national else str(_("national framework"))
        if national_level:
            values.append(f"{national_name}: {national_level[0]}")
        else:
            values.append(national_name)
    for cycle in _lookup(holders, "cycle"):
        values.append(str(_("cycle: %(cycle)s") % {"cycle": cycle}))
    return values


def _skills(achievement: Mapping[str, Any]) -> list[str]:
    values = []
    for alignment in _alignments(achievement):
        if _is_level(alignment):
            continue
        name = texts(alignment.get("targetName"))
        framework = texts(alignment.get("targetFramework"))
        if name:
            values.append(f"{name[0]} ({framework[0]})" if framework else name[0])
    return values


def _grade(
    achievement: Mapping[str, Any],
    subject: Mapping[str, Any],
    holders: Iterable[Mapping[str, Any]],
) -> list[str]:
    descriptions = achievement.get("resultDescription")
    by_id = {
        d.get("id"): d
        for d in (descriptions if isinstance(descriptions, list) else [descriptions])
        if isinstance(d, Mapping)
    }
    values: list[str] = []
    results = subject.get("result")
    for result in results if isinstance(results, list) else [results]:
        if not isinstance(result, Mapping):
            continue
        value = texts(result.get("value")) or texts(result.get("achievedLevel"))
        if not value:
            continue
        description = by_id.get(result.get("resultDescription"))
        if isinstance(description, Mapping):
            name = texts(description.get("name"))
            maximum = texts(description.get("valueMax"))
            text = f"{name[0]}: {value[0]}" if name else value[0]
            values.append(f"{text} / {maximum[0]}" if maximum else text)
        else:
            values.append(value[0])
    scheme = _lookup(holders, "grading_scheme")
    if scheme:
        values.append(str(_("grading scheme: %(scheme)s") % {"scheme": scheme[0]}))
    return values


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
