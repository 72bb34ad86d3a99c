"""Definition images: checked, normalised and stored in the database.

:func:`validate_and_normalise` is pure (bytes in, bytes out): a PNG is decoded with a
guard against decompression bombs, shrunk to fit :data:`MAX_SIDE` pixels (keeping its
aspect) and re-encoded, which drops every metadata chunk; an SVG is parsed without
DTDs or entities and refused if it could run a script or load anything from outside.

:func:`store_image` keeps the result as a :class:`DefinitionImage` addressed by its
SHA-256, served at ``/media/<sha256>.<ext>`` (the name a definition version's ``image``
holds).
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import warnings
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import XMLParser as DefusedXMLParser
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from credstack.accounts.models import Organisation, User
from credstack.accounts.permissions import Action, require
from credstack.common.errors import ValidationFailedError
from credstack.issuing.models import DefinitionImage

MAX_SIDE = 512
"""The largest width and height of a stored PNG, in pixels."""

MAX_SOURCE_PIXELS = 4096 * 4096
"""The most pixels an uploaded PNG may declare: a few kilobytes of PNG can claim
gigabytes of pixels, so the size in the header is checked before anything is decoded."""

DEFAULT_MAX_BYTES = 2 * 1024 * 1024

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG = "image/png"
SVG = "image/svg+xml"
EXTENSIONS = {PNG: "png", SVG: "svg"}

SVG_NAMESPACE = "http://www.w3.org/2000/svg"

# Elements that run code or embed other documents.
_FORBIDDEN_ELEMENTS = frozenset(
    {"script", "foreignobject", "handler", "listener", "iframe", "embed", "object"}
)
_ANIMATION_ELEMENTS = frozenset({"set", "animate", "animatemotion", "animatetransform"})
# A reference inside the document, or an embedded raster image (never an SVG, which
# could carry a document of its own).
_SAFE_REFERENCE = re.compile(r"#.*|data:image/(png|jpeg|gif|webp)[;,].*", re.IGNORECASE | re.DOTALL)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)\s*([^'\")]*)", re.IGNORECASE)


@dataclass(frozen=True)
class NormalisedImage:
    data: bytes
    media_type: str
    width: int | None
    height: int | None

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.media_type]


def max_image_bytes() -> int:
    return int(getattr(settings, "CREDSTACK_IMAGE_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(size)s MB") % {"size": f"{size / (1024 * 1024):.3g}"}
    return _("%(size)s KB") % {"size": f"{max(1, size // 1024)}"}


def _refuse(message: str) -> ValidationFailedError:
    return ValidationFailedError(message, [f"image: {message}"], code="invalid_image")


def validate_and_normalise(
    data: bytes, filename: str = "", *, max_bytes: int | None = None
) -> tuple[bytes, str, int | None, int | None]:
    """Check an uploaded PNG or SVG and return ``(bytes, media_type, width, height)``.

    The PNG returned is re-encoded (at most :data:`MAX_SIDE` pixels a side, no
    metadata); an SVG is returned as uploaded once it is found safe, with the size its
    ``width``/``height`` or ``viewBox`` gives (None when it gives none). Raises
    ValidationFailedError with one message saying what is wrong.
    """
    image = normalise(data, filename, max_bytes=max_bytes)
    return image.data, image.media_type, image.width, image.height


def normalise(data: bytes, filename: str = "", *, max_bytes: int | None = None) -> NormalisedImage:
    """:func:`validate_and_normalise` as a :class:`NormalisedImage`."""
    limit = max_image_bytes() if max_bytes is None else max_bytes
    if not data:
        raise _refuse(_("The image file is empty."))
    if len(data) > limit:
        raise _refuse(
            _("The image is %(size)s; the largest accepted is %(limit)s.")
            % {"size": size_label(len(data)), "limit": size_label(limit)}
        )
    if data.startswith(PNG_SIGNATURE):
        return _normalise_png(data)
    if _looks_like_svg(data, filename):
        return _check_svg(data)
    if filename.lower().endswith(".png"):
        raise _refuse(_("The file is named .png but is not a PNG image."))
    raise _refuse(_("Only PNG and SVG images are accepted; this file is neither."))


# --- PNG ------------------------------------------------------------------------------


def _normalise_png(data: bytes) -> NormalisedImage:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as source:
                width, height = source.size
                if width * height > MAX_SOURCE_PIXELS:
                    raise _refuse(
                        _(
                            "The PNG declares %(width)s × %(height)s pixels; "
                            "the most accepted is %(limit)s million pixels."
                        )
                        % {
                            "width": width,
                            "height": height,
                            "limit": f"{MAX_SOURCE_PIXELS / 1_000_000:.1f}",
                        }
                    )
                # Chunk structure and checksums up to IEND: Pillow's own truncation check
                # is a process-wide switch WeasyPrint turns off when it is imported.
                source.verify()
            with Image.open(io.BytesIO(data), formats=["PNG"]) as source:
                source.load()
                picture = _without_palette(source)
    except ValidationFailedError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _("The PNG declares more than %(limit)s million pixels, the most accepted.")
            % {"limit": f"{MAX_SOURCE_PIXELS / 1_000_000:.1f}"}
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, struct.error):
        raise _refuse(_("The file starts like a PNG but cannot be decoded.")) from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image carries none of the source's text, EXIF, ICC or timestamp chunks.
    clean = Image.new(picture.mode, picture.size)
    clean.paste(picture)
    output = io.BytesIO()
    clean.save(output, format="PNG", optimize=True)
    return NormalisedImage(output.getvalue(), PNG, clean.width, clean.height)


def _without_palette(source: Image.Image) -> Image.Image:
    """The decoded image in a mode PNG stores and resizing handles well."""
    has_alpha = source.mode in ("RGBA", "LA", "PA") or "transparency" in source.info
    if source.mode in ("RGB", "RGBA", "L", "LA") and "transparency" not in source.info:
        return source.copy()
    return source.convert("RGBA" if has_alpha else "RGB")


# --- SVG ------------------------------------------------------------------------------


def _looks_like_svg(data: bytes, filename: str) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return filename.lower().endswith(".svg") or head.startswith((b"<?xml", b"<svg", b"<!--"))


class _RecordingTarget:
    """An ElementTree builder that also remembers processing instructions (an
    ``xml-stylesheet`` one would load a style sheet from elsewhere)."""

    def __init__(self) -> None:
        self.builder = TreeBuilder()
        self.instructions: list[str] = []

    def start(self, tag: str, attributes: dict[str, str]) -> Any:
        return self.builder.start(tag, attributes)

    def end(self, tag: str) -> Any:
        return self.builder.end(tag)

    def data(self, text: str) -> None:
        self.builder.data(text)

    def pi(self, target: str, text: str | None = None) -> None:
        self.instructions.append(target)

    def close(self) -> Any:
        return self.builder.close()


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _check_svg(data: bytes) -> NormalisedImage:
    target = _RecordingTarget()
    parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True)
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise _refuse(
            _("The SVG declares a DTD or entities, which are refused: remove the DOCTYPE.")
        ) from None
    except (ParseError, ValueError):
        raise _refuse(_("The file is not a well-formed SVG image.")) from None
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise _refuse(_("The file is XML but not an SVG image (its root is not <svg>)."))
    if target.instructions:
        raise _refuse(
            _("The SVG holds a processing instruction (%(name)s), which is refused.")
            % {"name": target.instructions[0]}
        )
    for element in root.iter():
        problem = _element_problem(element)
        if problem is not None:
            raise _refuse(problem)
    width, height = _svg_size(root.attrib)
    return NormalisedImage(data, SVG, width, height)


def _element_problem(element: Any) -> str | None:
    name = _local(element.tag)
    if name in _FORBIDDEN_ELEMENTS:
        return _("The SVG contains a <%(element)s> element, which is refused.") % {
            "element": element.tag.rsplit("}", 1)[-1]
        }
    if name == "style" and _css_problem(element.text or ""):
        return _("The SVG's style sheet loads something from outside the image.")
    for attribute, value in element.attrib.items():
        attribute_name = _local(attribute)
        if attribute_name.startswith("on"):
            return _("The SVG has an event handler (%(attribute)s), which is refused.") % {
                "attribute": attribute_name
            }
        if "javascript:" in re.sub(r"\s", "", value).lower():
            return _("The SVG contains a javascript: address, which is refused.")
        if attribute_name in ("href", "src") and not _SAFE_REFERENCE.fullmatch(value.strip()):
            return _(
                "The SVG refers to something outside the image (%(reference)s); only "
                "references inside it (#…) and embedded PNG, JPEG, GIF or WebP images are "
                "accepted."
            ) % {"reference": value.strip()[:80]}
        if attribute_name == "style" and _css_problem(value):
            return _("The SVG's styles load something from outside the image.")
        if "url(" in value.lower() and _css_problem(value):
            return _("The SVG refers to something outside the image in %(attribute)s.") % {
                "attribute": attribute_name
            }
    if name in _ANIMATION_ELEMENTS:
        animated = _local(element.attrib.get("attributeName", ""))
        if animated in ("href", "src") or animated.startswith("on"):
            return _("The SVG animates %(attribute)s, which is refused.") % {"attribute": animated}
    return None


def _css_problem(css: str) -> bool:
    if "@import" in css.lower():
        return True
    return any(
        not _SAFE_REFERENCE.fullmatch(match.group(2).strip()) for match in _CSS_URL.finditer(css)
    )


_LENGTH = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*")


def _svg_size(attributes: dict[str, str]) -> tuple[int | None, int | None]:
    width = _LENGTH.fullmatch(attributes.get("width", ""))
    height = _LENGTH.fullmatch(attributes.get("height", ""))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = re.split(r"[\s,]+", attributes.get("viewBox", "").strip())
    if len(box) == 4:
        try:
            return round(float(box[2])), round(float(box[3]))
        except ValueError:
            pass
    return None, None


# --- Storage --------------------------------------------------------------------------


def store_image(
    organisation: Organisation, data: bytes, filename: str = "", *, by: User
) -> DefinitionImage:
    """Check, normalise and keep an image for one of ``organisation``'s definitions;
    returns the stored row (the same row for the same normalised bytes).

    Raises PermissionDeniedError (needs ``define``), ValidationFailedError.
    """
    require(by, organisation, Action.DEFINE)
    image = normalise(data, filename)
    digest = hashlib.sha256(image.data).hexdigest()
    existing = DefinitionImage.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return DefinitionImage.objects.create(
                sha256=digest,
                media_type=image.media_type,
                bytes=image.data,
                width=image.width,
                height=image.height,
            )
    except IntegrityError:  # stored meanwhile by a concurrent upload of the same image
        return DefinitionImage.objects.get(sha256=digest)


_STORED_NAME = re.compile(r"(?P<sha256>[0-9a-f]{64})\.(?P<extension>png|svg)")


def stored_image(name: str) -> DefinitionImage | None:
    """The image a definition's ``image`` field names (``<sha256>.<ext>``), or None."""
    match = _STORED_NAME.fullmatch(name or "")
    if match is None:
        return None
    image = DefinitionImage.objects.filter(sha256=match["sha256"]).first()
    if image is None or image.extension != match["extension"]:
        return None
    return image
