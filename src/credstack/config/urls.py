from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from credstack.config.api import api
from credstack.issuing.instance_views import instance_did_document_view
from credstack.issuing.views import organisation_did_document

# An unknown route under /api/ answers in the API's error shape.
handler404 = "credstack.common.api.not_found"

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("orgs/<slug:slug>/did.json", organisation_did_document, name="organisation-did"),
    path(".well-known/did.json", instance_did_document_view, name="instance-did"),
    path("did.json", instance_did_document_view, name="instance-did-under-path"),
    path("", include("credstack.web.urls")),
    path("", include("credstack.verification.urls")),
    path("", include("credstack.issuing.urls")),
    path("", include("credstack.bulk.urls")),
    path("accounts/", include("credstack.accounts.urls")),
    path("", include("credstack.claims.urls")),
    path("", include("credstack.wallet.urls")),
]
