"""JSON Canonicalization Scheme (JCS, RFC 8785), as the eddsa-jcs-2022 cryptosuite uses it.

The serialization itself is the ``rfc8785`` package's; this module decides what counts as
JSON and turns every refusal into :class:`CanonicalizationError`.
"""

from __future__ import annotations

from typing import Any

import rfc8785

from credstack.standards.errors import CanonicalizationError

__all__ = ["canonicalize_json"]

_INTEGER_TOO_LARGE = (
    "JCS cannot represent an integer beyond 2**53 - 1 in magnitude: JSON numbers are "
    "IEEE-754 doubles (RFC 8785 §3.2.2.3)"
)


def canonicalize_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of the JSON value ``value``.

    ``value`` is what ``json.loads`` returns: dict with str keys, list, str, int, float,
    bool or None (tuples are taken as arrays). Raises CanonicalizationError for what JSON
    or JCS cannot represent: NaN and infinities, integers beyond IEEE-754 double precision
    (magnitude above 2**53 - 1), non-string keys, strings holding lone surrogates, other
    Python types, and nesting too deep (or cyclic) to walk.
    """
    try:
        return rfc8785.dumps(value)
    except rfc8785.IntegerDomainError:
        raise CanonicalizationError(_INTEGER_TOO_LARGE) from None
    except rfc8785.FloatDomainError:
        raise CanonicalizationError(
            "JCS cannot represent NaN or an infinite number (RFC 8785 §3.2.2.3)"
        ) from None
    except rfc8785.CanonicalizationError as error:
        raise CanonicalizationError(f"JCS cannot represent this value: {error}") from None
    except UnicodeError:
        # rfc8785 sorts keys by their UTF-16 form, which a lone surrogate does not have.
        raise CanonicalizationError(
            "JCS cannot represent this value: a key holds a lone surrogate (no UTF-8 form)"
        ) from None
    except ValueError:
        # Raised by int.__str__ while rfc8785 words its IntegerDomainError for an integer
        # of more than 4300 digits; nothing else in rfc8785 raises a plain ValueError.
        raise CanonicalizationError(_INTEGER_TOO_LARGE) from None
    except RecursionError:
        raise CanonicalizationError("the JSON value is nested too deeply or is cyclic") from None
