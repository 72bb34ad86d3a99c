from __future__ import annotations

from typing import Any

from django.contrib import admin

from credstack.bulk.models import BulkJob


@admin.register(BulkJob)
class BulkJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are made, run and cancelled by the services (API, command line)."""

    list_display = ("public_id", "organisation", "status", "total_rows", "issued_count")
    list_filter = ("status",)
    search_fields = ("public_id", "file_name")
    # The uploaded file holds learners' personal data: it is not shown here.
    fields = (
        "public_id",
        "organisation",
        "definition_version",
        "uploaded_by",
        "started_by",
        "status",
        "file_name",
        "file_size",
        "file_sha256",
        "total_rows",
        "invalid_rows",
        "already_awarded_rows",
        "issued_count",
        "failed_count",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "heartbeat_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
