"""The project's URLs plus a public credential page for the browser tests: the issuing
app has no awards yet, so the page shows whatever credential the test puts here."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path

from credstack.config.urls import urlpatterns as project_urlpatterns
from credstack.verification.sharing import Download, render_credential_page

shown: dict[str, Any] = {}


def credential_page(request: HttpRequest) -> HttpResponse:
    public_url = request.build_absolute_uri()
    return render_credential_page(
        request,
        shown["credential"],
        public_url=public_url,
        base_url=request.build_absolute_uri("/"),
        downloads=[Download("JSON-LD", "/c/demo.json", "application/ld+json")],
    )


urlpatterns = [*project_urlpatterns, path("c/demo", credential_page)]
