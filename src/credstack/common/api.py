"""What the project's NinjaAPIs share: the one error shape as a schema, for the OpenAPI
documents.

``credstack.config.api`` documents it on every operation for the statuses its error
handlers answer; an operation declares it itself (``response={404: ApiError, …}``) for
an error the general rules do not foresee, such as a 404 for an id read from the body.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


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
