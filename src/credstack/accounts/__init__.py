"""People and organisations: users (email login), organisations, memberships, permissions."""
