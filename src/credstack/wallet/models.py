"""What a learner holds: credentials, collections of them, and a public profile.

Every object is addressed from outside by its opaque ``public_id``. Nothing here saves
itself with side effects: :mod:`credstack.wallet.services` owns every write.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credstack.common.ids import new_public_id


def new_wallet_credential_id() -> str:
    return new_public_id("wcr")


def new_collection_id() -> str:
    return new_public_id("col")


class Arrival(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    # Reserved for awards made on this instance (the issuing app's next step).
    ISSUED_HERE = "issued_here", _("Issued here")


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private")
    PUBLIC = "public", _("Public")


class WalletCredential(models.Model):
    """One credential a learner holds, kept exactly as it arrived.

    ``original`` holds the bytes received (JSON or VC-JWT text in UTF-8, or a baked PNG or
    SVG image) with ``media_type``; ``credential`` is the credential JSON the verifier read
    from it, for display. ``content_hash`` is the SHA-256 of the credential's JSON
    canonicalization (RFC 8785), so one credential imported twice, even once as JSON and
    once baked in an image, is held once.
    """

    public_id = models.CharField(
        max_length=32, unique=True, default=new_wallet_credential_id, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet_credentials"
    )
    arrival = models.CharField(max_length=16, choices=Arrival.choices, default=Arrival.IMPORTED)
    original = models.BinaryField()
    media_type = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255, blank=True)
    source_url = models.URLField(max_length=2048, blank=True)
    format = models.CharField(max_length=32, help_text="The verifier's format label.")
    kind = models.CharField(max_length=32, blank=True)
    credential = models.JSONField()
    title = models.CharField(max_length=500, blank=True)
    issuer_id = models.CharField(max_length=2048, blank=True)
    issuer_name = models.CharField(max_length=500, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    report = models.JSONField(null=True, blank=True)
    verdict = models.CharField(max_length=32, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["owner", "content_hash"], name="wallet_credential_held_once"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.public_id

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class Collection(models.Model):
    """A named, ordered selection of a learner's credentials."""

    public_id = models.CharField(
        max_length=32, unique=True, default=new_collection_id, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet_collections"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    credentials = models.ManyToManyField(
        WalletCredential, through="CollectionItem", related_name="collections"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    credential = models.ForeignKey(WalletCredential, on_delete=models.CASCADE)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["collection", "credential"], name="credential_once_per_collection"
            )
        ]


class Profile(models.Model):
    """A learner's public page at ``/u/<slug>/``: shown only when ``is_public``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet_profile"
    )
    slug = models.SlugField(max_length=60, unique=True)
    display_name = models.CharField(max_length=200, blank=True)
    headline = models.CharField(max_length=300, blank=True)
    is_public = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.slug
