"""VC Data Integrity proofs: the EdDSA cryptosuites and the add/verify proof algorithms."""
