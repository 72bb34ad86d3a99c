from __future__ import annotations

from django.contrib import admin

from credstack.claims.models import ClaimLink, RecipientEmailChange


class ReadOnlyAdmin(admin.ModelAdmin):
    """Claim links and address changes are written only by the claims services."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ClaimLink)
class ClaimLinkAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "award", "email", "kind", "sent_at", "claimed_at", "expires_at")
    list_filter = ("kind",)
    search_fields = ("public_id", "award__public_id", "email")
    exclude = ("token_hash",)


@admin.register(RecipientEmailChange)
class RecipientEmailChangeAdmin(ReadOnlyAdmin):
    list_display = ("award", "old_email", "new_email", "changed_by", "changed_at", "reissued_as")
    search_fields = ("award__public_id", "old_email", "new_email")
