"""Baking: carrying a credential inside its badge image (PNG, SVG).

:func:`bake` and :func:`unbake` choose the format from the image's bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credstack.standards.baking.credential import (
    MAX_CREDENTIAL_BYTES,
    MAX_IMAGE_BYTES,
    BakedCredential,
    NotBakedError,
)
from credstack.standards.baking.png import bake_png, is_png, unbake_png
from credstack.standards.baking.svg import bake_svg, unbake_svg


def bake(image: bytes, credential: Mapping[str, Any] | str) -> bytes:
    """Bake ``credential`` into a PNG or SVG ``image`` (see bake_png, bake_svg)."""
    if is_png(image):
        return bake_png(image, credential)
    return bake_svg(image, credential)


def unbake(image: bytes) -> BakedCredential:
    """The credential baked into a PNG or SVG ``image`` (see unbake_png, unbake_svg)."""
    if is_png(image):
        return unbake_png(image)
    return unbake_svg(image)


__all__ = [
    "MAX_CREDENTIAL_BYTES",
    "MAX_IMAGE_BYTES",
    "BakedCredential",
    "NotBakedError",
    "bake",
    "bake_png",
    "bake_svg",
    "unbake",
    "unbake_png",
    "unbake_svg",
]
