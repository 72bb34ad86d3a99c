"""Signing keys, micro-credential definitions, awards and their status lists.

An award references a :class:`DefinitionVersion` (never the definition alone, so a
credential keeps describing what was awarded), a recipient (email or DID), an entry in
a revocation and a suspension status list, an idempotency key and the signed credential.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from credstack.accounts.models import Organisation
from credstack.common.errors import ConflictError
from credstack.common.fields import JsonTextField
from credstack.common.ids import new_public_id


def new_key_id() -> str:
    return new_public_id("key")


def new_definition_id() -> str:
    return new_public_id("def")


class SigningKey(models.Model):
    """An organisation's Ed25519 key. The secret is only ever stored encrypted
    (AES-256-GCM under the instance's key-encryption key, see ``key_encryption``).
    A retired key signs nothing new but stays in the DID document, so credentials it
    signed keep verifying."""

    public_id = models.CharField(max_length=32, unique=True, default=new_key_id, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="signing_keys"
    )
    algorithm = models.CharField(max_length=16, default="Ed25519", editable=False)
    public_key_multibase = models.CharField(max_length=100, unique=True, editable=False)
    encrypted_secret = models.BinaryField(editable=False)
    # Which key-encryption key sealed the secret (a fingerprint, not the key), so a
    # wrong key is named as such instead of failing as "corrupt".
    key_encryption_key_id = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(retired_at__isnull=True),
                name="one_active_signing_key_per_organisation",
            )
        ]

    @property
    def is_active(self) -> bool:
        return self.retired_at is None

    def __str__(self) -> str:
        state = "active" if self.is_active else "retired"
        return f"{self.organisation.slug} {self.public_key_multibase[:12]}… ({state})"

    def __repr__(self) -> str:  # never show the encrypted secret either
        return f"<SigningKey {self.public_id} {self.public_key_multibase}>"


class DefinitionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded by a newer version"
    RETIRED = "retired", "Retired"


# Published, superseded and retired versions are frozen: awards point at them.
FROZEN_STATUSES = frozenset(
    {DefinitionStatus.PUBLISHED, DefinitionStatus.SUPERSEDED, DefinitionStatus.RETIRED}
)


class AchievementDefinition(models.Model):
    """A micro-credential (or other achievement) an organisation awards; its content
    lives in numbered :class:`DefinitionVersion` rows."""

    public_id = models.CharField(
        max_length=32, unique=True, default=new_definition_id, editable=False
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="definitions"
    )
    published_version = models.OneToOneField(
        "DefinitionVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The version new awards use; None until the first is published.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.public_id

    def latest_version(self) -> DefinitionVersion:
        version = self.versions.order_by("-number").first()
        if version is None:
            raise ConflictError(f"definition {self.public_id} has no version")
        return version


class ParticipationForm(models.TextChoices):
    ONLINE = "online", "Online"
    ONSITE = "onsite", "On site"
    BLENDED = "blended", "Blended"
    VOLUNTEERING = "volunteering", "Volunteering"
    WORK_EXPERIENCE = "work_experience", "Work experience"


class Supervision(models.TextChoices):
    NONE = "none", "Unsupervised, no identity verification"
    SUPERVISED = "supervised", "Supervised, no identity verification"
    SUPERVISED_ONLINE_ID = (
        "supervised_online_identity",
        "Supervised with online identity verification",
    )
    SUPERVISED_ONSITE_ID = (
        "supervised_onsite_identity",
        "Supervised with on-site identity verification",
    )


class QualificationCycle(models.TextChoices):
    SHORT = "short", "Short cycle"
    FIRST = "first", "First cycle"
    SECOND = "second", "Second cycle"
    THIRD = "third", "Third cycle"


class ExpiryRule(models.TextChoices):
    NONE = "none", "Never expires"
    FIXED_DATE = "fixed_date", "Expires on a fixed date"
    MONTHS_AFTER_AWARD = "months_after_award", "Expires a number of months after the award"


class DefinitionVersion(models.Model):
    """One version of a definition: the elements of the Council Recommendation of
    16 June 2022 on micro-credentials (learner identification and date of issuing are
    filled at award) and what issuers and catalogues expect besides.

    Frozen once published: change it through ``services.update_definition``, which
    makes a new version. ``save()`` refuses to change a frozen version's content.
    """

    definition = models.ForeignKey(
        AchievementDefinition, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=DefinitionStatus.choices, default=DefinitionStatus.DRAFT
    )

    # --- EU mandatory elements -----------------------------------------------------
    title = models.CharField(max_length=300, blank=True)
    issuer_country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    issuer_region = models.CharField(max_length=100, blank=True)
    awarding_bodies = models.JSONField(
        default=list, blank=True, help_text='[{"name": ..., "url": ..., "country": ...}]'
    )
    learning_outcomes = models.JSONField(default=list, blank=True, help_text="list of strings")
    workload_ects = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    workload_hours = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    eqf_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    national_framework = models.CharField(max_length=200, blank=True)
    national_framework_level = models.CharField(max_length=50, blank=True)
    cycle = models.CharField(max_length=8, choices=QualificationCycle.choices, blank=True)
    assessment_type = models.TextField(blank=True)
    participation_form = models.CharField(
        max_length=16, choices=ParticipationForm.choices, blank=True
    )
    quality_assurance = models.TextField(blank=True)

    # --- EU optional elements ------------------------------------------------------
    prerequisites = models.TextField(blank=True)
    supervision = models.CharField(max_length=32, choices=Supervision.choices, blank=True)
    grade_scheme = models.TextField(blank=True)
    stackability = models.TextField(blank=True, help_text="integration/stackability options")
    further_information = models.TextField(blank=True)

    # --- What issuers and catalogues expect besides --------------------------------
    description = models.TextField(blank=True)
    criteria = models.TextField(blank=True, help_text="how it is earned (Markdown)")
    criteria_url = models.URLField(blank=True)
    image = models.CharField(max_length=300, blank=True, help_text="stored file name")
    alignments = models.JSONField(
        default=list, blank=True, help_text='[{"framework", "code", "name", "url"}]'
    )
    tags = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=35, default="en", help_text="BCP 47 tag")
    achievement_type = models.CharField(max_length=64, default="MicroCredential")
    expiry_rule = models.CharField(
        max_length=20, choices=ExpiryRule.choices, default=ExpiryRule.NONE
    )
    expiry_date = models.DateField(null=True, blank=True)
    expiry_months = models.PositiveSmallIntegerField(null=True, blank=True)
    price_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    price_currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217")
    delivery_information = models.TextField(blank=True)

    # --- Workflow ------------------------------------------------------------------
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    # The fields that describe the achievement (everything but identity and workflow).
    WORKFLOW_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {
            "id",
            "definition",
            "number",
            "status",
            "created_by",
            "created_at",
            "submitted_at",
            "approved_by",
            "approved_at",
            "published_at",
        }
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["definition", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["definition", "number"], name="one_version_number")
        ]

    @classmethod
    def content_field_names(cls) -> list[str]:
        return [
            field.attname
            for field in cls._meta.concrete_fields
            if field.name not in cls.WORKFLOW_FIELDS
        ]

    def content(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.content_field_names()}

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> DefinitionVersion:
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.status
        instance._stored_content = instance.content()
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_stored_status", None) in FROZEN_STATUSES and (
            self.content() != self._stored_content
        ):
            raise ConflictError(
                f"version {self.number} is published and cannot change; "
                "update the definition to make a new version",
                code="version_frozen",
            )
        super().save(*args, **kwargs)
        self._stored_status = self.status
        self._stored_content = self.content()

    def __str__(self) -> str:
        return f"{self.title or self.definition.public_id} v{self.number}"


# --- Awards and status lists -------------------------------------------------------


def new_award_id() -> str:
    return new_public_id("awd")


def new_status_list_id() -> str:
    return new_public_id("sl")


STATUS_LIST_LENGTH = 131_072
"""Entries per list: Bitstring Status List's minimum, for group privacy."""


class StatusPurpose(models.TextChoices):
    REVOCATION = "revocation", "Revocation"
    SUSPENSION = "suspension", "Suspension"


class StatusList(models.Model):
    """One Bitstring Status List of an organisation, served at ``/status/<public_id>``.

    ``bits`` holds the statuses (bit i set: entry i is revoked or suspended);
    ``allocated`` marks the entries given to awards, so an index is never reused.
    Both are raw bitstrings of ``length`` bits, index 0 the most significant bit of the
    first byte. ``credential`` is the last signed BitstringStatusListCredential.
    Change rows only through ``services`` (index allocation locks the row).
    """

    public_id = models.CharField(
        max_length=32, unique=True, default=new_status_list_id, editable=False
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="status_lists"
    )
    purpose = models.CharField(max_length=16, choices=StatusPurpose.choices)
    # The issuer id the list is signed as: it must equal the issuer of the credentials
    # pointing at it. On a did:key instance a key rotation changes the issuer, so new
    # awards go to new lists and old lists keep being signed by the key they began with.
    issuer = models.CharField(max_length=500, blank=True)
    length = models.PositiveIntegerField(default=STATUS_LIST_LENGTH)
    bits = models.BinaryField()
    allocated = models.BinaryField()
    allocated_count = models.PositiveIntegerField(default=0)
    credential = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "purpose"], name="status_list_by_purpose"),
            models.Index(fields=["issuer"], name="status_list_by_issuer"),
        ]

    @property
    def is_full(self) -> bool:
        return self.allocated_count >= self.length

    def __str__(self) -> str:
        return f"{self.public_id} ({self.purpose}, {self.allocated_count}/{self.length})"


class AwardStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    REVOKED = "revoked", "Revoked"


class Award(models.Model):
    """A credential awarded under a :class:`DefinitionVersion` to one recipient.

    ``credential`` is the signed OpenBadgeCredential exactly as issued (never changed
    afterwards); revocation and suspension live in the status lists the credential's
    ``credentialStatus`` entries point at (``revocation_list``/``revocation_index`` and
    ``suspension_list``/``suspension_index``). Written only by ``services``.
    """

    # Unique by the constraints in Meta (a unique=True CharField would get a second,
    # pattern-matching index on PostgreSQL, which no query uses).
    public_id = models.CharField(max_length=32, default=new_award_id, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="awards")
    definition_version = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="awards"
    )
    recipient_email = models.EmailField(blank=True)
    recipient_name = models.CharField(max_length=300, blank=True)
    recipient_did = models.CharField(max_length=500, blank=True)
    identity_salt = models.CharField(max_length=64, blank=True)
    # Text, not jsonb: kept byte for byte as signed, and cheaper to insert.
    credential = JsonTextField()
    credential_id = models.CharField(max_length=64)
    awarded_at = models.DateTimeField()
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    narrative = models.TextField(blank=True)
    evidence_url = models.URLField(max_length=2000, blank=True)
    grade = models.CharField(max_length=100, blank=True)

    status = models.CharField(
        max_length=16, choices=AwardStatus.choices, default=AwardStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    # Indexed by the one-award-per-bit constraints, which start with the list.
    revocation_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    revocation_index = models.PositiveIntegerField()
    suspension_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    suspension_index = models.PositiveIntegerField()

    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-awarded_at", "-pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["public_id"], name="one_award_per_public_id"),
            models.UniqueConstraint(fields=["credential_id"], name="one_award_per_credential_id"),
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="one_award_per_idempotency_key",
            ),
            models.UniqueConstraint(
                fields=["revocation_list", "revocation_index"], name="one_award_per_revocation_bit"
            ),
            models.UniqueConstraint(
                fields=["suspension_list", "suspension_index"], name="one_award_per_suspension_bit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status})"


def new_api_token_id() -> str:
    return new_public_id("tok")


class ApiTokenScope(models.TextChoices):
    ISSUE = "issue", "Issue credentials"
    STATUS = "status", "Change credential status"


class ApiToken(models.Model):
    """A bearer token for machine issuance (VC-API) on behalf of one organisation.

    Only the SHA-256 of the token is stored: the token itself (32 random bytes) is shown
    once, when it is created. A revoked token authenticates nothing.
    """

    public_id = models.CharField(
        max_length=32, unique=True, default=new_api_token_id, editable=False
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.slug}: {', '.join(self.scopes)})"

    def __repr__(self) -> str:
        return f"<ApiToken {self.public_id} {self.name}>"


# --- What an award's public page serves besides the credential ---------------------


class CertificateState(models.TextChoices):
    PENDING = "pending", "Being rendered"
    READY = "ready", "Ready"
    FAILED = "failed", "Rendering failed"


class AwardCertificate(models.Model):
    """The PDF certificate of an award, rendered by a background job on first request.

    ``for_status`` is the award status the PDF shows (a revoked award's certificate says
    so): when the award's status changes, the PDF is rendered again. ``pdf`` is empty
    until the state is ready. Written only by ``sharing`` and ``certificates``.
    """

    award = models.OneToOneField(Award, on_delete=models.CASCADE, related_name="certificate")
    state = models.CharField(
        max_length=16, choices=CertificateState.choices, default=CertificateState.PENDING
    )
    for_status = models.CharField(max_length=16, choices=AwardStatus.choices, blank=True)
    pdf = models.BinaryField(blank=True, default=b"")
    requested_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"certificate of {self.award.public_id} ({self.state})"


class AwardVcJwt(models.Model):
    """An award's credential secured as a VC-JWT, signed once on first download.

    The token secures the credential as issued (without its Data Integrity proof) with
    a key of the credential's issuer; ``verification_method`` is the JOSE ``kid``.
    """

    award = models.OneToOneField(Award, on_delete=models.CASCADE, related_name="vc_jwt")
    token = models.TextField()
    verification_method = models.CharField(max_length=600)
    signed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"VC-JWT of {self.award.public_id}"


class DefinitionImage(models.Model):
    """An image of a definition, checked and normalised by ``images.store_image`` and
    kept in the database (so app servers need no shared disk). A version's ``image``
    names it as ``<sha256>.<ext>``; it is served at ``/media/<sha256>.<ext>``."""

    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    media_type = models.CharField(max_length=32, editable=False)
    bytes = models.BinaryField(editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    @property
    def extension(self) -> str:
        return "svg" if self.media_type == "image/svg+xml" else "png"

    @property
    def name(self) -> str:
        """The stored name a definition version's ``image`` holds."""
        return f"{self.sha256}.{self.extension}"

    def __str__(self) -> str:
        return self.name


class InstanceSigningKey(models.Model):
    """The instance's own Ed25519 key: it signs what the instance compiles in its own
    name on a user's behalf (a learner's CLR export), never an organisation's credential.
    Sealed like :class:`SigningKey`; a retired key stays in the instance's DID document.
    Written only by ``instance_identity``."""

    algorithm = models.CharField(max_length=16, default="Ed25519", editable=False)
    public_key_multibase = models.CharField(max_length=100, unique=True, editable=False)
    encrypted_secret = models.BinaryField(editable=False)
    key_encryption_key_id = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["algorithm"],
                condition=models.Q(retired_at__isnull=True),
                name="one_active_instance_key_per_algorithm",
            )
        ]

    def __str__(self) -> str:
        state = "active" if self.retired_at is None else "retired"
        return f"instance {self.public_key_multibase[:12]}… ({state})"

    def __repr__(self) -> str:  # never show the encrypted secret either
        return f"<InstanceSigningKey {self.public_key_multibase}>"
