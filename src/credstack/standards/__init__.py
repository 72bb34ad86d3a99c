"""credstack's trust core: a pure library for Open Badges 3.0 / W3C Verifiable Credentials.

It imports nothing from Django or the platform's apps. Time, keys, the document loader
and network access are parameters, so callers and tests control them.
"""
