"""Open Badges 2.0 (IMS Global / 1EdTech): verification of hosted and signed assertions."""

from __future__ import annotations

from credstack.standards.ob2.verification import (
    Ob2Check,
    Ob2Result,
    recipient_matches,
    verify_ob2_assertion,
)

__all__ = ["Ob2Check", "Ob2Result", "recipient_matches", "verify_ob2_assertion"]
