"""The issuing app's public URLs: include with ``path("", include("credstack.issuing.urls"))``.

``/status/<id>`` serves status list credentials; ``/credentials/issue`` and
``/credentials/status`` are the W3C VC-API issuer endpoints (also under ``/api/v1/``,
where the OpenAPI schema documents them).
"""

from __future__ import annotations

from django.urls import path

from credstack.issuing.vc_api import vc_api
from credstack.issuing.views import status_list_credential

app_name = "issuing"

urlpatterns = [
    path("status/<str:public_id>", status_list_credential, name="status-list"),
    path("", vc_api.urls),
]
