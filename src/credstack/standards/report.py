"""The verification report: ordered checks, each with an outcome and a human message,
and an overall verdict.

Verdicts, from worst to best: ``invalid`` (malformed, tampered, bad signature, wrong
key or recipient), ``revoked``, ``suspended``, ``expired``, ``not_yet_valid``,
``could_not_check`` (something needed to decide could not be checked: an issuer's key
binding, a status list, a key that could not be fetched) and ``valid``. A credential is
``verified`` only when the verdict is ``valid``, which needs a confirmed issuer binding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    WARNING = "warning"
    NOT_CHECKED = "not_checked"


class Verdict(StrEnum):
    INVALID = "invalid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    COULD_NOT_CHECK = "could_not_check"
    VALID = "valid"


VERDICT_SUMMARIES = {
    Verdict.INVALID: "This credential is not valid.",
    Verdict.REVOKED: "This credential has been revoked by its issuer.",
    Verdict.SUSPENDED: "This credential is suspended by its issuer.",
    Verdict.EXPIRED: "This credential has expired.",
    Verdict.NOT_YET_VALID: "This credential is not valid yet.",
    Verdict.COULD_NOT_CHECK: "This credential could not be fully checked.",
    Verdict.VALID: "This credential is valid: its signature holds, the key belongs to its issuer.",
}


@dataclass
class Check:
    """One step of verification. ``name`` is one of: format, data_model, proof,
    issuer_binding, status, validity_period, recipient, endorsements."""

    name: str
    outcome: Outcome
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "check": self.name,
            "outcome": self.outcome.value,
            "message": self.message,
        }
        if self.details:
            result["details"] = self.details
        return result


@dataclass
class VerificationReport:
    format: str
    checks: list[Check]
    verdict: Verdict
    credential: dict[str, Any] | None = None
    issuer: dict[str, Any] | None = None

    @property
    def verified(self) -> bool:
        return self.verdict is Verdict.VALID

    @property
    def summary(self) -> str:
        return VERDICT_SUMMARIES[self.verdict]

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_dict(self, *, include_credential: bool = False) -> dict[str, Any]:
        result: dict[str, Any] = {
            "verified": self.verified,
            "verdict": self.verdict.value,
            "summary": self.summary,
            "format": self.format,
            "issuer": self.issuer,
            "checks": [c.to_dict() for c in self.checks],
        }
        if include_credential:
            result["credential"] = self.credential
        return result
