"""The verifier's URLs: include with ``path("", include("credstack.verification.urls"))``.

``/verify/`` is the public page; ``/credentials/verify`` the VC-API endpoint (the same
operation is also under ``/api/v1/`` through :data:`credstack.verification.api.router`).
"""

from __future__ import annotations

from django.urls import path

from credstack.verification.api import vc_api
from credstack.verification.views import verify_page

app_name = "verification"

urlpatterns = [
    path("verify/", verify_page, name="verify"),
    path("", vc_api.urls),
]
