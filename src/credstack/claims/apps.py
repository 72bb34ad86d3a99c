from __future__ import annotations

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "credstack.claims"
    label = "claims"
    verbose_name = "Claim links"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from credstack.claims import receivers  # noqa: F401  (connects the signal)
