from __future__ import annotations

from django.contrib import admin

from credstack.accounts.models import Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "display_name", "is_staff", "is_superuser", "date_joined")
    search_fields = ("email", "display_name")
    readonly_fields = ("public_id", "password", "last_login", "date_joined")
    exclude = ("groups", "user_permissions")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "country")
    search_fields = ("name", "slug")
    readonly_fields = ("public_id",)
    inlines = (MembershipInline,)
