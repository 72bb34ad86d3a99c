"""The REST API: one NinjaAPI at /api/v1/ with OpenAPI 3.1 and interactive docs.

Every app error (``credstack.common.errors.CredstackError``) is rendered here, once, as
``{"error": {"code", "message", "details"?}}`` with the error's HTTP status.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from credstack.accounts.api import router as accounts_router
from credstack.common.errors import CredstackError
from credstack.issuing.api import router as issuing_router
from credstack.verification.api import router as verification_router
from credstack.wallet.api import router as wallet_router

api = NinjaAPI(
    title="credstack API",
    version="1",
    description=(
        "Issue, verify and revoke Open Badges 3.0 micro-credentials. "
        'Errors are `{"error": {"code", "message", "details"}}`.'
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api-v1",
)


@api.exception_handler(CredstackError)
def render_credstack_error(request: HttpRequest, error: CredstackError) -> HttpResponse:
    return api.create_response(request, error.to_dict(), status=error.http_status)


api.add_router("", accounts_router)
api.add_router("", issuing_router)
api.add_router("", verification_router)
api.add_router("", wallet_router)
