from __future__ import annotations

from django.apps import AppConfig


class BulkConfig(AppConfig):
    name = "credstack.bulk"
    label = "bulk"
    verbose_name = "Bulk awarding"
    default_auto_field = "django.db.models.BigAutoField"
