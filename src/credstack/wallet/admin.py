from __future__ import annotations

from typing import ClassVar

from django.contrib import admin

from credstack.wallet.models import Collection, Profile, WalletCredential


@admin.register(WalletCredential)
class WalletCredentialAdmin(admin.ModelAdmin):
    list_display = ("public_id", "owner", "title", "issuer_name", "verdict", "visibility")
    list_filter = ("verdict", "visibility", "arrival", "format")
    search_fields = ("public_id", "title", "issuer_name", "owner__email")
    # The learner's data: readable for support, changed only through the services.
    exclude = ("original",)
    readonly_fields: ClassVar[list[str]] = [
        f.name for f in WalletCredential._meta.fields if f.name != "original"
    ]


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("public_id", "owner", "name", "is_public")
    search_fields = ("public_id", "name", "owner__email")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("slug", "user", "display_name", "is_public")
    search_fields = ("slug", "display_name", "user__email")
