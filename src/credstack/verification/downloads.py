"""A credential as files to download: JSON-LD, and images with the credential baked in.

Each download is built from the signed credential alone (the VC-JWT form needs the
issuer's key and belongs to the issuing app). Images follow Open Badges 3.0 baking, so
any OB 3.0 verifier (and credstack's own page) reads the credential back from them:

- ``svg``: a simple badge drawn here (the title and issuer on a disc), with the
  credential baked in; or the issuer's own SVG image when given;
- ``png``: the issuer's own PNG image when given, else a QR code that opens the
  verifier on the credential's public page, with the credential baked in.
"""

from __future__ import annotations

import io
import json
import re
import textwrap
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import segno
from django.http import HttpResponse

from credstack.standards import bake
from credstack.verification.elements import texts, title_of

KINDS = {
    "json": ("application/ld+json", "json"),
    "svg": ("image/svg+xml", "svg"),
    "png": ("image/png", "png"),
}
BADGE_SIZE = 400
LINE_CHARACTERS = 18
MAX_LINES = 4


def badge_svg(title: str, issuer: str | None) -> bytes:
    """A plain round badge (UTF-8 SVG) naming ``title`` and ``issuer``, ready to bake."""
    lines = textwrap.wrap(title, LINE_CHARACTERS)[:MAX_LINES] or ["Credential"]
    first_y = 200 - (len(lines) - 1) * 17
    title_lines = "".join(
        f'<text x="200" y="{first_y + 34 * i}" font-size="28" font-weight="700">'
        f"{xml_escape(line)}</text>"
        for i, line in enumerate(lines)
    )
    issuer_line = (
        f'<text x="200" y="{first_y + 34 * len(lines) + 16}" font-size="16">'
        f"{xml_escape(textwrap.shorten(issuer, 30, placeholder='…'))}</text>"
        if issuer
        else ""
    )
    label = xml_escape(title + (f", {issuer}" if issuer else ""))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BADGE_SIZE}" height="{BADGE_SIZE}" '
        f'viewBox="0 0 400 400" role="img" aria-label="{label}">'
        '<circle cx="200" cy="200" r="190" fill="#0b57d0"/>'
        '<circle cx="200" cy="200" r="172" fill="none" stroke="#ffffff" stroke-width="6"/>'
        '<g fill="#ffffff" text-anchor="middle" font-family="system-ui, sans-serif">'
        f"{title_lines}{issuer_line}</g></svg>"
    )
    return svg.encode("utf-8")


def qr_code_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def credential_file(
    credential: Mapping[str, Any],
    kind: str,
    *,
    image: bytes | None = None,
    verify_url: str | None = None,
) -> bytes:
    """The credential as a ``kind`` file (json, svg, png). ``image`` is the issuer's own
    image of that kind to bake into; a PNG without ``image`` needs ``verify_url`` (the
    QR code's link). Raises ValueError for an unknown kind or a missing ``verify_url``;
    the trust core's BakingError for an image that cannot be baked."""
    if kind == "json":
        return json.dumps(credential, indent=2, ensure_ascii=False).encode("utf-8")
    if kind == "svg":
        if image is None:
            issuer = credential.get("issuer")
            issuer_names = texts(issuer.get("name")) if isinstance(issuer, Mapping) else []
            title = title_of(credential) or "Credential"
            image = badge_svg(title, issuer_names[0] if issuer_names else None)
        return bake(image, credential)
    if kind == "png":
        if image is None:
            if verify_url is None:
                raise ValueError("a PNG without an image of its own needs verify_url")
            image = qr_code_png(verify_url)
        return bake(image, credential)
    raise ValueError(f"unknown download kind {kind!r}; choose one of {', '.join(KINDS)}")


def download_response(
    credential: Mapping[str, Any],
    kind: str,
    *,
    image: bytes | None = None,
    verify_url: str | None = None,
) -> HttpResponse:
    """An attachment response with :func:`credential_file`, named after the title."""
    media_type, extension = KINDS.get(kind, ("", ""))
    body = credential_file(credential, kind, image=image, verify_url=verify_url)
    return attachment_response(body, media_type, filename=download_filename(credential, extension))


def download_filename(credential: Mapping[str, Any], extension: str) -> str:
    """``<title in lower-case ASCII words joined by hyphens>.<extension>``."""
    stem = re.sub(r"[^a-z0-9]+", "-", (title_of(credential) or "credential").lower()).strip("-")
    return f"{stem[:60].strip('-') or 'credential'}.{extension}"


def attachment_response(body: bytes, media_type: str, *, filename: str) -> HttpResponse:
    """``body`` to save as ``filename`` (an ASCII name, see :func:`download_filename`)."""
    response = HttpResponse(body, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
