from __future__ import annotations

from django.contrib import admin

from credstack.issuing.models import AchievementDefinition, DefinitionVersion, SigningKey


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
