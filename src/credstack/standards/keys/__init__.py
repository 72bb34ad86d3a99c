"""Keys and identifiers: Multikey, did:key, did:web and verification method retrieval."""
