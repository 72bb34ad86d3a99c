"""The claim page: include with ``path("", include("credstack.claims.urls"))``."""

from __future__ import annotations

from django.urls import path

from credstack.claims import views

app_name = "claims"

urlpatterns = [
    path("claim/<str:token>/", views.claim_page, name="claim"),
]
