"""The platform's one error base.

Services raise these; the API's exception handler renders every one of them the same
way (``{"error": {"code": ..., "message": ..., "details": ...}}`` with ``http_status``),
so views never turn exceptions into strings themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class CredstackError(Exception):
    """Base of every error the platform's apps raise on purpose."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return {"error": body}


class PermissionDeniedError(CredstackError):
    """The user may not do this to this organisation's objects."""

    code = "permission_denied"
    http_status = 403


class NotAuthenticatedError(CredstackError):
    code = "not_authenticated"
    http_status = 401


class NotFoundError(CredstackError):
    code = "not_found"
    http_status = 404


class ConflictError(CredstackError):
    """The request is valid but the object's current state does not allow it."""

    code = "conflict"
    http_status = 409


class ValidationFailedError(CredstackError):
    """Input that breaks a business rule; ``problems`` lists every one found."""

    code = "validation_failed"
    http_status = 422

    def __init__(self, message: str, problems: Sequence[str] = (), *, code: str | None = None):
        super().__init__(message, code=code, details={"problems": list(problems)})
        self.problems = list(problems)


class ServiceUnavailableError(CredstackError):
    """The instance is missing something it needs (e.g. the key-encryption key)."""

    code = "service_unavailable"
    http_status = 503
