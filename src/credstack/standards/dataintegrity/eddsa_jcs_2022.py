"""The ``eddsa-jcs-2022`` cryptosuite (vc-di-eddsa §3.4): JSON Canonicalization Scheme."""

from __future__ import annotations

from credstack.standards.dataintegrity.eddsa import Cryptosuite
from credstack.standards.jcs import canonicalize_json

EDDSA_JCS_2022 = Cryptosuite(
    name="eddsa-jcs-2022",
    proof_type="DataIntegrityProof",
    canonicalize=canonicalize_json,
    proof_carries_context=True,
)
