"""The legacy ``Ed25519Signature2020`` suite (W3C CCG), verified because many
credentials in the wild carry it. It is the RDFC form of eddsa-rdfc-2022 under its own
proof type, with no ``cryptosuite`` property."""

from __future__ import annotations

from credstack.standards.dataintegrity.eddsa import Cryptosuite
from credstack.standards.dataintegrity.eddsa_rdfc_2022 import (
    canonical_nquads,
    canonical_nquads_in_utf16_order,
)

ED25519_SIGNATURE_2020 = Cryptosuite(
    name="Ed25519Signature2020",
    proof_type="Ed25519Signature2020",
    canonicalize=canonical_nquads,
    alternative_canonicalize=canonical_nquads_in_utf16_order,
)
