from __future__ import annotations

from django.contrib import admin

from credstack.issuing.models import (
    AchievementDefinition,
    ApiToken,
    Award,
    DefinitionVersion,
    SigningKey,
    StatusList,
)


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ("organisation", "public_key_multibase", "created_at", "retired_at")
    # The encrypted secret is never shown, not even encrypted.
    fields = ("public_id", "organisation", "algorithm", "public_key_multibase", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False  # keys are made by services (create/rotate), never by hand


class DefinitionVersionInline(admin.TabularInline):
    model = DefinitionVersion
    fields = ("number", "title", "status", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(AchievementDefinition)
class AchievementDefinitionAdmin(admin.ModelAdmin):
    list_display = ("public_id", "organisation", "published_version", "retired_at")
    readonly_fields = ("public_id", "published_version")
    inlines = (DefinitionVersionInline,)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Awards, status lists and tokens change only through services (which sign)."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "organisation", "recipient_email", "status", "awarded_at")
    list_filter = ("status",)
    search_fields = ("public_id", "credential_id", "recipient_email")


@admin.register(StatusList)
class StatusListAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "organisation", "purpose", "allocated_count", "updated_at")
    exclude = ("bits", "allocated")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "scopes", "last_used_at", "revoked_at")
    exclude = ("token_hash",)
