"""The W3C VC-API verification endpoint: ``POST /credentials/verify`` (public).

The body is ``{"verifiableCredential": <credential object or VC-JWT string>,
"options": {...}}``. The answer is the VC-API verification result (``verified``,
``checks``, ``warnings``, ``errors``) plus credstack's ``verdict``, ``summary``,
``format``, ``issuer`` and ``results`` (every check with its outcome and message).

:func:`verification_router` builds a new Router each call, because a ninja Router
belongs to one API: the project mounts one under ``/api/v1/`` (documented in its
OpenAPI schema) and :data:`vc_api` serves the same operation at the VC-API path
``/credentials/verify``.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from ninja import Field, NinjaAPI, Router, Schema

from credstack.common.api import install_error_handlers
from credstack.standards.report import Outcome, VerificationReport
from credstack.verification import services
from credstack.verification.services import SubmissionError

KNOWN_OPTIONS = frozenset({"checks", "challenge", "domain", "recipient"})
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


class VerifyOptions(Schema):
    recipient: str | None = Field(
        None,
        description=(
            "credstack extension: an email address or identifier the credential must "
            "have been issued to (its hashed IdentityObject is compared)."
        ),
    )
    checks: list[str] | None = Field(
        None, description="VC-API: accepted and ignored; credstack always runs every check."
    )


class VerifyCredentialRequest(Schema):
    verifiableCredential: dict[str, Any] | str = Field(  # noqa: N815 (VC-API's name)
        ...,
        description="The credential: a JSON object with a Data Integrity proof, or a VC-JWT.",
    )
    options: VerifyOptions | None = None


class Problem(Schema):
    type: str
    title: str
    detail: str


class CheckResult(Schema):
    check: str
    outcome: Literal["passed", "failed", "warning", "not_checked"]
    message: str
    details: dict[str, Any] | None = None


class VerifyCredentialResponse(Schema):
    verified: bool
    verdict: Literal[
        "invalid", "revoked", "suspended", "expired", "not_yet_valid", "could_not_check", "valid"
    ]
    summary: str
    format: str
    issuer: dict[str, Any] | None
    checks: list[str] = Field(..., description="VC-API: the checks that passed.")
    warnings: list[Problem]
    errors: list[Problem]
    results: list[CheckResult] = Field(..., description="Every check, in order, with its outcome.")


class ErrorBody(Schema):
    code: str
    message: str


class ErrorResponse(Schema):
    error: ErrorBody


def _inline_definitions(model: type[Schema]) -> dict[str, Any]:
    """``model``'s JSON schema with its ``$defs`` written in place: the schema sits inside
    the OpenAPI document, where ``#/$defs/…`` would point at the document's root."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref", "")
            if isinstance(reference, str) and reference.startswith("#/$defs/"):
                return resolve(definitions[reference.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return dict(resolve(schema))


def verification_result(report: VerificationReport) -> dict[str, Any]:
    """The VC-API verification result for ``report`` (see the module's docstring)."""

    def problems(*outcomes: Outcome) -> list[dict[str, str]]:
        return [
            {
                "type": f"https://credstack.org/problems#{check.name}",
                "title": f"{check.name}: {check.outcome.value}",
                "detail": check.message,
            }
            for check in report.checks
            if check.outcome in outcomes
        ]

    base = report.to_dict()
    return {
        "verified": report.verified,
        "verdict": base["verdict"],
        "summary": base["summary"],
        "format": base["format"],
        "issuer": base["issuer"],
        "checks": [c.name for c in report.checks if c.outcome is Outcome.PASSED],
        "warnings": problems(Outcome.WARNING, Outcome.NOT_CHECKED),
        "errors": problems(Outcome.FAILED),
        # Every result has its details, null when there are none, as the schema says.
        "results": [{**check, "details": check.get("details")} for check in base["checks"]],
    }


def _parse_body(request: HttpRequest) -> tuple[Any, str | None]:
    limit = services.max_submission_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise SubmissionError("the Content-Length header is not a number") from None
    if length > limit:
        raise services.too_large_error(limit)
    body = request.body
    if len(body) > limit:
        raise services.too_large_error(limit)
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise SubmissionError(f"the request body is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise SubmissionError('the request body must be a JSON object {"verifiableCredential": …}')
    credential = document.get("verifiableCredential")
    if not isinstance(credential, dict | str) or not credential:
        raise SubmissionError(
            "verifiableCredential is required: a credential object or a VC-JWT string"
        )
    options = document.get("options", {})
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise SubmissionError("options must be a JSON object")
    recipient = options.get("recipient")
    if recipient is not None and not isinstance(recipient, str):
        raise SubmissionError("options.recipient must be a string")
    return credential, recipient


def verification_router() -> Router:
    """A Router with ``POST /credentials/verify`` (public, no authentication)."""
    router = Router(tags=["verification"])

    @router.post(
        "/credentials/verify",
        auth=None,
        response={
            200: VerifyCredentialResponse,
            400: ErrorResponse,
            413: ErrorResponse,
            422: ErrorResponse,
            429: ErrorResponse,
        },
        summary="Verify a credential (W3C VC-API)",
        description=(
            "Verifies an Open Badges 3.0 / CLR 2.0 / W3C VC credential with a Data Integrity "
            "proof, or a VC-JWT, from any issuer: signature, issuer key, revocation and "
            "suspension (Bitstring Status List), validity period. `verified` is true only "
            f"for a valid credential. Bodies over {services.size_label(services.DEFAULT_MAX_BYTES)}"
            " (by default) are refused with 413; malformed ones with 400; more than "
            f"{services.DEFAULT_RATE_LIMIT} requests a minute (by default) from one address "
            "with 429."
        ),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": _inline_definitions(VerifyCredentialRequest)}
                },
            }
        },
    )
    def verify_credential(request: HttpRequest) -> Any:
        try:
            services.check_rate_limit(services.client_address(request))
        except services.RateLimitedError as error:
            response = JsonResponse(error.to_dict(), status=error.http_status)
            response["Retry-After"] = str(error.retry_after)
            return response
        credential, recipient = _parse_body(request)
        report = services.verify_credential_document(credential, recipient=recipient)
        # Returned as a response, so that ninja does not validate the result against
        # VerifyCredentialResponse on every call (a third of the endpoint's own time);
        # the tests check that the result conforms to it.
        return JsonResponse(verification_result(report), content_type=JSON_CONTENT_TYPE)

    return router


router = verification_router()

# The VC-API path at the site's root, without a schema of its own (the operation is
# documented in /api/v1/openapi.json). Its errors are rendered like the main API's.
vc_api = NinjaAPI(
    title="credstack VC-API",
    version="1",
    urls_namespace="vc-api",
    openapi_url=None,
    docs_url=None,
)
vc_api.add_router("", verification_router())


install_error_handlers(vc_api)
