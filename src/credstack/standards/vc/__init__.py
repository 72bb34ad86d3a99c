"""Verifiable Credentials data models: VC Data Model 2.0/1.1, Open Badges 3.0, CLR 2.0."""

from __future__ import annotations

from credstack.standards.vc.data_model import (
    Problem,
    credential_kind,
    require_valid_credential,
    validate_credential,
    validity_period,
)

__all__ = [
    "Problem",
    "credential_kind",
    "require_valid_credential",
    "validate_credential",
    "validity_period",
]
