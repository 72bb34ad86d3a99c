"""Open Badges 3.0 data model (1EdTech Open Badges Specification 3.0, Appendix B.1).

Typed models of AchievementCredential (alias OpenBadgeCredential), AchievementSubject,
Achievement, Profile and the classes they hold, and of EndorsementCredential. The
classes, property names, cardinalities and vocabularies follow the specification's
model (``common_credentials.lines``, shared with CLR 2.0).

Reading: ``AchievementCredential.model_validate(document)`` checks the document's
structure (and keeps every extension property). Building: construct the models with
Python names (``valid_from=...``) and call ``to_json_ld()`` for the exact JSON.
``validate_credential`` in ``data_model`` adds the rules that depend on ``@context``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from credstack.standards.vc.envelope import (
    CREDENTIALS_V2,
    MISSING_PROPERTY,
    OBJECT_TAG,
    REFERENCE,
    URI_TAG,
    Context,
    CredentialSchema,
    CredentialStatus,
    DateText,
    DateTimeStamp,
    DateTimeText,
    JsonLdModel,
    Number,
    OneOrMany,
    RefreshService,
    SingleOrList,
    TermsOfUse,
    TypeSet,
    Uri,
    in_vocabulary,
    must_be,
    must_include,
)

OB_V3P0_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# B.1.1 AchievementCredential @context: any published 3.x.y OB context (or the first,
# unversioned one), and the draft location early OB 3.0 issuers used (1EdTech's own
# ob30/simple.jwt fixture has it).
OB_CONTEXT_PATTERN = re.compile(
    r"^(https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json"
    r"|https://imsglobal\.github\.io/openbadges-specification/context\.json)$"
)

ACHIEVEMENT_TYPES = (
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
)
ALIGNMENT_TARGET_TYPES = (
    "ceasn:Competency",
    "ceterms:Credential",
    "CFItem",
    "CFRubric",
    "CFRubricCriterion",
    "CFRubricCriterionLevel",
    "CTDL",
)
RESULT_TYPES = (
    "GradePointAverage",
    "LetterGrade",
    "Percent",
    "PerformanceLevel",
    "PredictedScore",
    "RawScore",
    "Result",
    "RubricCriterion",
    "RubricCriterionLevel",
    "RubricScore",
    "ScaledScore",
    "Status",
)
RESULT_STATUS_TYPES = (
    "Completed",
    "Enrolled",
    "Failed",
    "InProgress",
    "OnHold",
    "Provisional",
    "Withdrew",
)
IDENTIFIER_TYPES = (
    "name",
    "sourcedId",
    "systemId",
    "productId",
    "userName",
    "accountId",
    "emailAddress",
    "nationalIdentityNumber",
    "isbn",
    "issn",
    "lisSourcedId",
    "oneRosterSourcedId",
    "sisSourcedId",
    "ltiContextId",
    "ltiDeploymentId",
    "ltiToolId",
    "ltiPlatformId",
    "ltiUserId",
    "identifier",
)

AchievementType = Annotated[
    str, in_vocabulary("AchievementType", ACHIEVEMENT_TYPES, extensible=True)
]
AlignmentTargetType = Annotated[
    str, in_vocabulary("AlignmentTargetType", ALIGNMENT_TARGET_TYPES, extensible=True)
]
ResultType = Annotated[str, in_vocabulary("ResultType", RESULT_TYPES, extensible=True)]
ResultStatusType = Annotated[
    str, in_vocabulary("ResultStatusType", RESULT_STATUS_TYPES, extensible=False)
]
IdentifierType = Annotated[
    str, in_vocabulary("IdentifierTypeEnum", IDENTIFIER_TYPES, extensible=True)
]


class Image(JsonLdModel):
    """B.1.15 Image: a URI or Data URI with an optional caption."""

    id: Uri
    type: Annotated[TypeSet, must_be("Image")] = "Image"
    caption: str | None = None


ImageRef = Annotated[Annotated[Uri, URI_TAG] | Annotated[Image, OBJECT_TAG], REFERENCE]


class Criteria(JsonLdModel):
    """B.1.7 Criteria: a page (``id``) and/or a Markdown ``narrative``."""

    id: Uri | None = None
    narrative: str | None = None


class Alignment(JsonLdModel):
    """B.1.5 Alignment: a node in an educational framework."""

    type: Annotated[TypeSet, must_include("Alignment")] = Field(
        default_factory=lambda: ["Alignment"]
    )
    target_code: str | None = None
    target_description: str | None = None
    target_name: str
    target_framework: str | None = None
    target_type: AlignmentTargetType | None = None
    target_url: Uri


class IdentifierEntry(JsonLdModel):
    """B.1.13 IdentifierEntry: another identifier of a Profile or Achievement."""

    type: Annotated[TypeSet, must_be("IdentifierEntry")] = "IdentifierEntry"
    identifier: str
    identifier_type: IdentifierType


class GeoCoordinates(JsonLdModel):
    """B.1.12 GeoCoordinates."""

    type: Annotated[TypeSet, must_be("GeoCoordinates")] = "GeoCoordinates"
    latitude: Number
    longitude: Number


class Address(JsonLdModel):
    """B.1.4 Address (from 1EdTech's Common Data Model)."""

    type: Annotated[TypeSet, must_include("Address")] = Field(default_factory=lambda: ["Address"])
    address_country: str | None = None
    address_country_code: str | None = None
    address_region: str | None = None
    address_locality: str | None = None
    street_address: str | None = None
    post_office_box_number: str | None = None
    postal_code: str | None = None
    geo: GeoCoordinates | None = None


class Profile(JsonLdModel):
    """B.1.16 Profile: an issuer, creator, endorser or other party."""

    id: Uri
    type: Annotated[TypeSet, must_include("Profile")] = Field(default_factory=lambda: ["Profile"])
    name: str | None = None
    url: Uri | None = None
    phone: str | None = None
    description: str | None = None
    endorsement: OneOrMany[EndorsementCredential] | None = None
    endorsement_jwt: OneOrMany[str] | None = None
    image: ImageRef | None = None
    email: str | None = None
    address: Address | None = None
    other_identifier: OneOrMany[IdentifierEntry] | None = None
    official: str | None = None
    parent_org: Profile | None = None
    family_name: str | None = None
    given_name: str | None = None
    additional_name: str | None = None
    patronymic_name: str | None = None
    honorific_prefix: str | None = None
    honorific_suffix: str | None = None
    family_name_prefix: str | None = None
    date_of_birth: DateText | None = None


ProfileRef = Annotated[Annotated[Uri, URI_TAG] | Annotated[Profile, OBJECT_TAG], REFERENCE]


class Related(JsonLdModel):
    """B.1.17 Related: another edition or version of an Achievement."""

    id: Uri
    type: Annotated[TypeSet, must_include("Related")] = Field(default_factory=lambda: ["Related"])
    in_language: str | None = None
    version: str | None = None


class RubricCriterionLevel(JsonLdModel):
    """B.1.21 RubricCriterionLevel."""

    id: Uri
    type: Annotated[TypeSet, must_include("RubricCriterionLevel")] = Field(
        default_factory=lambda: ["RubricCriterionLevel"]
    )
    alignment: OneOrMany[Alignment] | None = None
    description: str | None = None
    level: str | None = None
    name: str
    points: str | None = None


class ResultDescription(JsonLdModel):
    """B.1.19 ResultDescription: a possible result of an Achievement."""

    id: Uri
    type: Annotated[TypeSet, must_include("ResultDescription")] = Field(
        default_factory=lambda: ["ResultDescription"]
    )
    alignment: OneOrMany[Alignment] | None = None
    allowed_value: OneOrMany[str] | None = None
    name: str
    required_level: Uri | None = None
    required_value: str | None = None
    result_type: ResultType
    rubric_criterion_level: OneOrMany[RubricCriterionLevel] | None = None
    value_max: str | None = None
    value_min: str | None = None


class Result(JsonLdModel):
    """B.1.18 Result: a result that was achieved."""

    type: Annotated[TypeSet, must_include("Result")] = Field(default_factory=lambda: ["Result"])
    achieved_level: Uri | None = None
    alignment: OneOrMany[Alignment] | None = None
    result_description: Uri | None = None
    status: ResultStatusType | None = None
    value: str | None = None


class IdentityObject(JsonLdModel):
    """B.1.14 IdentityObject: a (usually hashed) identifier of the recipient."""

    type: Annotated[TypeSet, must_be("IdentityObject")] = "IdentityObject"
    hashed: bool
    identity_hash: str
    identity_type: IdentifierType
    salt: str | None = None


class Achievement(JsonLdModel):
    """B.1.3 Achievement: what the credential recognises (a badge class)."""

    id: Uri
    type: Annotated[TypeSet, must_include("Achievement")] = Field(
        default_factory=lambda: ["Achievement"]
    )
    alignment: OneOrMany[Alignment] | None = None
    achievement_type: AchievementType | None = None
    creator: Profile | None = None
    credits_available: Number | None = None
    criteria: Criteria
    description: str
    endorsement: OneOrMany[EndorsementCredential] | None = None
    endorsement_jwt: OneOrMany[str] | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    image: ImageRef | None = None
    in_language: str | None = None
    name: str
    other_identifier: OneOrMany[IdentifierEntry] | None = None
    related: OneOrMany[Related] | None = None
    result_description: OneOrMany[ResultDescription] | None = None
    specialization: str | None = None
    tag: OneOrMany[str] | None = None
    version: str | None = None


class AchievementSubject(JsonLdModel):
    """B.1.2 AchievementSubject: the recipient and what they achieved."""

    id: Uri | None = None
    type: Annotated[TypeSet, must_include("AchievementSubject")] = Field(
        default_factory=lambda: ["AchievementSubject"]
    )
    activity_end_date: DateTimeText | None = None
    activity_start_date: DateTimeText | None = None
    credits_earned: Number | None = None
    achievement: Achievement
    identifier: OneOrMany[IdentityObject] | None = None
    image: ImageRef | None = None
    license_number: str | None = None
    narrative: str | None = None
    result: OneOrMany[Result] | None = None
    role: str | None = None
    source: Profile | None = None
    term: str | None = None

    @model_validator(mode="after")
    def _has_id_or_identifier(self) -> AchievementSubject:
        if self.id is None and not self.identifier:
            raise PydanticCustomError(
                MISSING_PROPERTY, "an AchievementSubject needs an id or at least one identifier"
            )
        return self


class Evidence(JsonLdModel):
    """B.1.11 Evidence: the work that earned the achievement."""

    id: Uri | None = None
    type: Annotated[TypeSet, must_include("Evidence")] = Field(default_factory=lambda: ["Evidence"])
    narrative: str | None = None
    name: str | None = None
    description: str | None = None
    genre: str | None = None
    audience: str | None = None


class EndorsementSubject(JsonLdModel):
    """B.1.10 EndorsementSubject: the endorsed entity and the comment."""

    id: Uri
    type: Annotated[TypeSet, must_include("EndorsementSubject")] = Field(
        default_factory=lambda: ["EndorsementSubject"]
    )
    endorsement_comment: str | None = None


class CredentialEnvelope(JsonLdModel):
    """The envelope shared by AchievementCredential, EndorsementCredential, ClrCredential.

    The dates are all optional here: whether ``validFrom`` (VC 2.0) or ``issuanceDate``
    (VC 1.1) is required depends on ``@context``, checked by ``validate_credential``.
    """

    context: Context = Field(
        alias="@context", default_factory=lambda: [CREDENTIALS_V2, OB_V3P0_CONTEXT]
    )
    id: Uri
    # Each kind narrows ``type``; declared here so that it is written after ``id``.
    type: TypeSet
    name: str | None = None
    description: str | None = None
    image: ImageRef | None = None
    awarded_date: DateTimeStamp | None = None
    issuer: ProfileRef
    valid_from: DateTimeStamp | None = None
    valid_until: DateTimeStamp | None = None
    issuance_date: DateTimeStamp | None = None
    expiration_date: DateTimeStamp | None = None
    credential_status: SingleOrList[CredentialStatus] | None = None
    credential_schema: SingleOrList[CredentialSchema] | None = None
    refresh_service: SingleOrList[RefreshService] | None = None
    terms_of_use: SingleOrList[TermsOfUse] | None = None
    # Proofs are checked by the Data Integrity verifier, not by the data model.
    proof: Any = None


class EndorsementCredential(CredentialEnvelope):
    """B.1.9 EndorsementCredential: a claim about a profile, achievement or credential."""

    type: Annotated[
        TypeSet, must_include("VerifiableCredential"), must_include("EndorsementCredential")
    ] = Field(default_factory=lambda: ["VerifiableCredential", "EndorsementCredential"])
    # Required since OB 3.0.1 (VC 2.0); the 3.0 final model (VC 1.1) had no name.
    name: str | None = None
    credential_subject: EndorsementSubject


class AchievementCredential(CredentialEnvelope):
    """B.1.1 AchievementCredential (also called OpenBadgeCredential)."""

    type: Annotated[
        TypeSet,
        must_include("VerifiableCredential"),
        must_include("AchievementCredential", "OpenBadgeCredential"),
    ] = Field(default_factory=lambda: ["VerifiableCredential", "OpenBadgeCredential"])
    credential_subject: AchievementSubject
    endorsement: OneOrMany[EndorsementCredential] | None = None
    endorsement_jwt: OneOrMany[str] | None = None
    evidence: OneOrMany[Evidence] | None = None


OpenBadgeCredential = AchievementCredential

Profile.model_rebuild()
Achievement.model_rebuild()
