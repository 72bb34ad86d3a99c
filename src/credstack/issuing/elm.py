"""The EU micro-credential elements OB 3.0 has no field for, in European Learning Model
(ELM 3) terms, and the inline JSON-LD context that defines them.

Every credential the issuing app signs carries :data:`ELM_CONTEXT` as the third
``@context`` entry (after VC 2.0 and OB 3.0.3), so any JSON-LD processor can expand the
terms offline; no unknown context URL is ever fetched. The JSON names are those of
:func:`credstack.issuing.achievement.eu_elements` (the verifier's element reader knows
them); docs/elm-mapping.md explains each mapping.

Values are plain-language literals where ELM's range is a class (Note, Accreditation,
GradingScheme) or a concept scheme credstack does not encode: a reader gets the text the
issuer wrote, and the predicate names the ELM property it is.
"""

from __future__ import annotations

from typing import Any

ELM = "http://data.europa.eu/snb/model/elm/"
XSD_DURATION = "http://www.w3.org/2001/XMLSchema#duration"
FOAF_HOMEPAGE = "http://xmlns.com/foaf/0.1/homepage"

# term -> ELM property (or class) and, where it matters, how its value is read.
ELM_TERMS: dict[str, dict[str, str]] = {
    "awardingBody": {"@id": ELM + "awardingBody"},
    "Organisation": {"@id": ELM + "Organisation"},
    "homepage": {"@id": FOAF_HOMEPAGE, "@type": "@id"},
    "countryCode": {"@id": ELM + "countryCode"},
    "learningOutcome": {"@id": ELM + "learningOutcome"},
    "volumeOfLearning": {"@id": ELM + "volumeOfLearning", "@type": XSD_DURATION},
    "EQFLevel": {"@id": ELM + "EQFLevel", "@type": "@id"},
    "nationalFramework": {"@id": ELM + "framework"},
    "nationalFrameworkLevel": {"@id": ELM + "NQFLevel"},
    "cycle": {"@id": ELM + "educationLevel"},
    "assessmentType": {"@id": ELM + "provenBy"},
    "modeOfLearning": {"@id": ELM + "mode"},
    "qualityAssurance": {"@id": ELM + "accreditation"},
    "entryRequirement": {"@id": ELM + "entryRequirement"},
    "supervisionAndIdentityVerification": {"@id": ELM + "idVerification"},
    "gradingScheme": {"@id": ELM + "gradingScheme"},
    "integrationStackability": {"@id": ELM + "additionalNote"},
    "furtherInformation": {"@id": ELM + "additionalNote"},
}

ELM_CONTEXT: dict[str, Any] = {"elm": ELM, **ELM_TERMS}
"""The inline context: a JSON object, embedded as is in each credential's ``@context``."""

EQF_LEVEL_IRI = "http://data.europa.eu/snb/eqf/{level}"


def awarding_body_node(body: dict[str, Any]) -> dict[str, Any]:
    """An awarding body as stored on a definition (``name``, ``url``, ``country``) as an
    ELM Organisation node."""
    node: dict[str, Any] = {"type": "Organisation", "name": body.get("name", "")}
    if body.get("url"):
        node["homepage"] = body["url"]
    if body.get("country"):
        node["countryCode"] = body["country"]
    return node
