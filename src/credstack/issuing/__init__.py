"""Issuing: signing keys, micro-credential definitions (and, next, awards and revocation)."""
