"""JSON-LD for the trust core: pinned contexts, RDF conversion, canonicalization."""
