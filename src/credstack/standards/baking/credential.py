"""What a baked image carries: the credential found in it and how it was written.

Open Badges 3.0 (§"Baking") bakes either the credential's JSON (secured by an embedded
proof) or a VC-JWT (a compact JWS). Open Badges 2.0 (Baking Specification) bakes an
assertion's JSON, a signed assertion (a compact JWS) or, in old images, the URL of a
hosted assertion.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from credstack.standards.errors import BakingError

Kind = Literal["ob3-json", "ob3-jwt", "ob2-json", "ob2-url", "ob2-jws"]
ImageFormat = Literal["png", "svg"]

MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""Images larger than this are refused before they are parsed."""

MAX_CREDENTIAL_BYTES = 4 * 1024 * 1024
"""A baked credential's text may not be (or decompress to) more than this."""

COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_HOSTED_URL = re.compile(r"https?://\S+", re.IGNORECASE)


class NotBakedError(BakingError):
    """The image is well formed but carries no Open Badges credential."""

    code = "NOT_BAKED"


@dataclass(frozen=True)
class BakedCredential:
    """A credential found in an image: ``payload`` is the JSON object for the "-json"
    kinds and the text (a compact JWS or a URL) for the others."""

    kind: Kind
    payload: dict[str, Any] | str
    image_format: ImageFormat


def credential_text(credential: Mapping[str, Any] | str) -> str:
    """The text to bake: a credential's JSON, or a compact JWS (VC-JWT) as given.

    Raises TypeError for another type and ValueError for a string that is not a
    compact JWS or a credential that cannot be written as JSON.
    """
    if isinstance(credential, str):
        if not COMPACT_JWS.fullmatch(credential):
            raise ValueError("a credential given as text must be a compact JWS (VC-JWT)")
        return credential
    if isinstance(credential, Mapping):
        try:
            return json.dumps(
                credential, ensure_ascii=False, allow_nan=False, separators=(",", ":")
            )
        except (TypeError, ValueError) as error:
            raise ValueError(f"the credential cannot be written as JSON: {error}") from None
    raise TypeError(f"a credential is a dict or a compact JWS, not {type(credential).__name__}")


def read_payload(
    text: str, *, generation: Literal["ob3", "ob2"], image_format: ImageFormat
) -> BakedCredential:
    """Classify the text found in an image; raises BakingError if it is none of the forms."""
    stripped = text.strip()
    if stripped.startswith("{"):
        kind: Kind = "ob3-json" if generation == "ob3" else "ob2-json"
        return BakedCredential(kind, parse_json_object(stripped), image_format)
    if COMPACT_JWS.fullmatch(stripped):
        return BakedCredential(
            "ob3-jwt" if generation == "ob3" else "ob2-jws", stripped, image_format
        )
    if generation == "ob2" and _HOSTED_URL.fullmatch(stripped):
        return BakedCredential("ob2-url", stripped, image_format)
    expected = "JSON or a compact JWS" if generation == "ob3" else "JSON, a JWS or a URL"
    raise BakingError(f"the baked credential is not {expected}")


def parse_json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise BakingError(f"the baked credential is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise BakingError("the baked credential is not a JSON object")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
