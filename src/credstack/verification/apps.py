from __future__ import annotations

from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "credstack.verification"
    label = "verification"
    verbose_name = "Verification"
