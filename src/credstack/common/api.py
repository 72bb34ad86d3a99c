"""What the project's NinjaAPIs share: the one error shape, as a schema for the OpenAPI
documents and as the exception handlers that answer with it, and a request parser that
refuses text no database can store.

``credstack.config.api`` documents the error shape on every operation for the statuses
its handlers answer; an operation declares it itself (``response={404: ApiError, …}``)
for an error the general rules do not foresee, such as a 404 for an id read from the
body. The VC-API's own NinjaAPIs at the site's root install the same handlers.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.datastructures import MultiValueDict
from django.views.defaults import page_not_found
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from credstack.common.errors import (
    CredstackError,
    NotAuthenticatedError,
    NotFoundError,
    ValidationFailedError,
)
from credstack.common.text import unstorable_text


class ApiErrorBody(Schema):
    code: str = Field(..., description="Stable, for programs: not_found, validation_failed…")
    message: str = Field(..., description="For people.")
    details: dict[str, Any] | None = Field(
        None, description="validation_failed: `problems`, every problem found at once."
    )


class ApiError(Schema):
    error: ApiErrorBody


def error_components() -> dict[str, Any]:
    """``ApiError`` and ``ApiErrorBody`` as OpenAPI component schemas."""
    schema = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
    return {"ApiError": schema, **schema.pop("$defs", {})}


def _refuse_unstorable(value: Any, message: str) -> None:
    problems = unstorable_text(value)
    if problems:
        raise ValidationFailedError(message, problems, code="unstorable_text")


class CredstackParser(Parser):
    """ninja's parser, refusing a body, query or form that holds a NUL character or a
    lone surrogate (``credstack.common.text``) with 422 ``unstorable_text``, naming
    each place."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        # JSON can only carry a NUL or a lone surrogate as a \u escape.
        if b"\\u" in request.body:
            _refuse_unstorable(data, "the request body holds text that cannot be stored")
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_unstorable(parsed, "the request holds text that cannot be stored")
        return parsed


_HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    405: "method_not_allowed",
    429: "throttled",
}


def _problem(error: dict[str, Any]) -> str:
    # ninja's locations look like ("body", "payload", "eqf_level"); the field is what counts.
    location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
    return f"{'.'.join(location) or 'request'}: {error.get('msg', 'invalid')}"


def install_error_handlers(api: NinjaAPI, *, not_authenticated: str = "sign in first") -> None:
    """Answer every app error (CredstackError) and every error django-ninja raises itself
    (a request that does not fit the schema, an unparsable body, a missing login, an
    unknown object) with ``{"error": {"code", "message", "details"?}}``."""

    def render_credstack_error(request: HttpRequest, error: CredstackError) -> HttpResponse:
        return api.create_response(request, error.to_dict(), status=error.http_status)

    def render_validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        problems = [_problem(item) for item in error.errors if isinstance(item, dict)]
        return render_credstack_error(
            request, ValidationFailedError("the request does not fit the API's schema", problems)
        )

    def render_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        # ninja wraps whatever the parser raises in "Cannot parse request body"; the
        # parser's own error says what is wrong.
        if isinstance(error.__cause__, CredstackError):
            return render_credstack_error(request, error.__cause__)
        if error.status_code == 401:
            app_error: CredstackError = NotAuthenticatedError(not_authenticated)
        else:
            app_error = CredstackError(
                error.message, code=_HTTP_ERROR_CODES.get(error.status_code, "error")
            )
            app_error.http_status = error.status_code
        return render_credstack_error(request, app_error)

    def render_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return render_credstack_error(request, NotFoundError(str(error) or "not found"))

    api.add_exception_handler(CredstackError, render_credstack_error)
    api.add_exception_handler(ValidationError, render_validation_error)
    api.add_exception_handler(HttpError, render_http_error)
    api.add_exception_handler(Http404, render_not_found)


API_PATH_PREFIXES = ("/api/", "/credentials/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404 (``handler404``): in the error shape under the API's paths, where a
    client reads JSON, Django's page elsewhere."""
    if request.path_info.startswith(API_PATH_PREFIXES):
        return JsonResponse(NotFoundError("no such route").to_dict(), status=404)
    return page_not_found(request, exception)
