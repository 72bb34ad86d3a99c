"""Users, organisations and memberships.

A learner is a user without a membership; an employer is a member of an organisation
of kind ``company``; the platform administrator is a superuser. Organisations and users
are addressed from outside by their opaque ``public_id``, never by primary key.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from credstack.common.ids import new_public_id


def new_user_id() -> str:
    return new_public_id("usr")


def new_organisation_id() -> str:
    return new_public_id("org")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("a user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person; the email address is the login."""

    public_id = models.CharField(max_length=32, unique=True, default=new_user_id, editable=False)
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can log into the admin site.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email


class OrganisationKind(models.TextChoices):
    UNIVERSITY = "university", "University or higher education institution"
    TRAINING_PROVIDER = "training_provider", "Training provider"
    COMPANY = "company", "Company or employer"
    PROFESSIONAL_BODY = "professional_body", "Professional body"
    MOOC_PLATFORM = "mooc_platform", "MOOC platform"
    QUALITY_ASSURANCE_BODY = "quality_assurance_body", "Quality-assurance body"


class Organisation(models.Model):
    """An issuer, an employer, or any body whose members act together."""

    public_id = models.CharField(
        max_length=32, unique=True, default=new_organisation_id, editable=False
    )
    name = models.CharField(max_length=200)
    # The slug is part of the organisation's did:web, so it never changes once keys exist.
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. FI")
    region = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    description = models.TextField(blank=True)
    accreditation_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMINISTRATOR = "administrator", "Administrator"
    ISSUER = "issuer", "Issuer"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_role_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.organisation}"
