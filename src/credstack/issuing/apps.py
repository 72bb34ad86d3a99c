from __future__ import annotations

from django.apps import AppConfig


class IssuingConfig(AppConfig):
    name = "credstack.issuing"
    label = "issuing"
    verbose_name = "Issuing"
    default_auto_field = "django.db.models.BigAutoField"
