from __future__ import annotations

from django.apps import AppConfig


class IssuingConfig(AppConfig):
    name = "credstack.issuing"
    label = "issuing"
    verbose_name = "Issuing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from credstack.issuing.instance_fetcher import InstanceFetcher
        from credstack.verification.services import serve_instance_documents

        # Public verification (the verifier page, the VC-API, the wallet) reads this
        # instance's own status lists, DID documents and awards from the database.
        serve_instance_documents(InstanceFetcher)
