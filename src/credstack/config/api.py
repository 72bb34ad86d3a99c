"""The REST API: one NinjaAPI at /api/v1/ with OpenAPI 3.1 and interactive docs.

Every app error (``credstack.common.errors.CredstackError``) is rendered once, as
``{"error": {"code", "message", "details"?}}`` with the error's HTTP status; so are the
errors django-ninja raises itself (a request body that does not fit its schema, a
missing login, an unknown object), so a client reads one error shape everywhere
(``credstack.common.api.install_error_handlers``). The OpenAPI schema documents that
shape (``ApiError``) on every operation, for each status the handlers can answer it with
(:func:`document_errors`).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from credstack.accounts.api import router as accounts_router
from credstack.bulk.api import router as bulk_router
from credstack.claims.api import router as claims_router
from credstack.common.api import CredstackParser, error_components, install_error_handlers
from credstack.issuing.api import router as issuing_router
from credstack.verification.api import router as verification_router
from credstack.wallet.api import router as wallet_router

_UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})


def _error_statuses(method: str, operation: dict[str, Any]) -> dict[str, str]:
    """The statuses the error handlers can answer ``operation`` with, and when."""
    has_body = "requestBody" in operation
    parameters = operation.get("parameters") or []
    statuses: dict[str, str] = {}
    if has_body:
        statuses["400"] = "`bad_request`: the body cannot be read."
    elif any(parameter.get("in") == "query" for parameter in parameters):
        statuses["400"] = "`bad_request`: the query holds a NUL character."
    if operation.get("security"):
        statuses["401"] = "`not_authenticated`: sign in or send the API token first."
        statuses["403"] = (
            "`permission_denied`: the caller's role does not allow it (or, with a session, "
            "the CSRF token is missing)."
        )
    if any(parameter.get("in") == "path" for parameter in parameters):
        statuses["404"] = "`not_found`: no such object, or one the caller may not view."
    if method in _UNSAFE_METHODS and operation.get("security"):
        statuses["409"] = "`conflict`: the object's state does not allow it."
    if has_body or parameters:
        statuses["422"] = "`validation_failed`: the input breaks the schema or a rule."
    return statuses


def document_errors(schema: dict[str, Any]) -> None:
    """Add to every operation the error answers it can get but does not declare itself,
    with the ``ApiError`` schema (see docs/platform.md, "Errors")."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(error_components())
    reference = {"$ref": "#/components/schemas/ApiError"}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in _error_statuses(method, operation).items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )


class CredstackApi(NinjaAPI):
    """The NinjaAPI whose OpenAPI schema documents the error answers of every operation."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema


api = CredstackApi(
    title="credstack API",
    version="1",
    description=(
        "Issue, verify and revoke Open Badges 3.0 micro-credentials. "
        'Errors are `{"error": {"code", "message", "details"}}`.'
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api-v1",
    parser=CredstackParser(),
)


install_error_handlers(api)

api.add_router("", accounts_router)
# Before issuing: its /awards/{award_id}/{transition} would take the claims paths.
api.add_router("", claims_router)
api.add_router("", issuing_router)
api.add_router("", verification_router)
api.add_router("", wallet_router)
api.add_router("/bulk-jobs", bulk_router)
