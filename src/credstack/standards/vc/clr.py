"""Comprehensive Learner Record 2.0 data model (1EdTech CLR Standard 2.0, Appendix B).

A ClrCredential bundles the learner's credentials (``credentialSubject.
verifiableCredential``, each a complete, separately signed credential) with the
achievements the issuer expects and the associations between them.

The embedded credentials are kept as plain JSON objects: they carry their own proofs,
so they must stay byte-for-byte as their issuers signed them; ``validate_credential``
checks each of them as a credential of its own kind.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from credstack.standards.vc.envelope import (
    CREDENTIALS_V2,
    Context,
    JsonLdModel,
    OneOrMany,
    TypeSet,
    Uri,
    in_vocabulary,
    must_be,
    must_include,
    non_empty,
)
from credstack.standards.vc.ob3 import (
    OB_V3P0_CONTEXT,
    Achievement,
    CredentialEnvelope,
    EndorsementCredential,
    IdentityObject,
)

CLR_V2P0_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
CompactJwt = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
]

# The published CLR 2.0 contexts, and the draft URL still found in early CLRs.
CLR_CONTEXT_PATTERN = re.compile(
    r"^(https://purl\.imsglobal\.org/spec/clr/v2p0/context(-2\.\d\.\d)*\.json"
    r"|https://dc\.imsglobal\.org/draft/clr/v2p0/context)$"
)

ASSOCIATION_TYPES = (
    "exactMatchOf",
    "isChildOf",
    "isParentOf",
    "isPartOf",
    "isPeerOf",
    "isRelatedTo",
    "precedes",
    "replacedBy",
)

AssociationType = Annotated[
    str, in_vocabulary("AssociationType", ASSOCIATION_TYPES, extensible=False)
]


class Association(JsonLdModel):
    """B.1.1 Association: how two achievements of the CLR relate."""

    type: Annotated[TypeSet, must_be("Association")] = "Association"
    association_type: AssociationType
    source_id: Uri
    target_id: Uri


class ClrSubject(JsonLdModel):
    """B.1.3 ClrSubject: the learner, their credentials and the achievements' structure."""

    id: Uri | None = None
    type: Annotated[TypeSet, must_include("ClrSubject")] = Field(
        default_factory=lambda: ["ClrSubject"]
    )
    identifier: OneOrMany[IdentityObject] | None = None
    achievement: OneOrMany[Achievement] | None = None
    # Each a credential object, or a compact VC-JWT when the CLR is itself a VC-JWT.
    verifiable_credential: Annotated[
        OneOrMany[dict[str, Any] | CompactJwt], AfterValidator(non_empty)
    ]
    association: OneOrMany[Association] | None = None


class ClrCredential(CredentialEnvelope):
    """B.1.2 ClrCredential."""

    context: Context = Field(
        alias="@context",
        default_factory=lambda: [CREDENTIALS_V2, CLR_V2P0_CONTEXT, OB_V3P0_CONTEXT],
    )
    type: Annotated[
        TypeSet, must_include("VerifiableCredential"), must_include("ClrCredential")
    ] = Field(default_factory=lambda: ["VerifiableCredential", "ClrCredential"])
    name: str
    partial: bool | None = None
    credential_subject: ClrSubject
    endorsement: OneOrMany[EndorsementCredential] | None = None
    endorsement_jwt: OneOrMany[str] | None = None
