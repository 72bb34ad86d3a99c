"""Baking credentials into SVG images (Open Badges 3.0 §"Baking" SVG; Open Badges 2.0
Baking Specification).

Open Badges 3.0 declares ``xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`` on
the root ``<svg>`` and puts one ``<openbadges:credential>`` element right after the
root's start tag: the credential's JSON in a CDATA section, or a compact JWS in its
``verify`` attribute. Open Badges 2.0 used ``<openbadges:assertion>`` in the namespace
``http://openbadges.org``, with ``verify`` holding the hosted assertion's URL or a JWS
and, for a hosted assertion, its JSON in CDATA.

Images are parsed with defusedxml: entity declarations, external entities and a
DOCTYPE with an internal subset are refused (a DOCTYPE that only names the SVG 1.1
DTD, as the 1EdTech fixtures do, is accepted and never fetched). Baking edits the
text of the document, so everything else in it stays byte for byte as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from credstack.standards.baking.credential import (
    COMPACT_JWS,
    MAX_CREDENTIAL_BYTES,
    MAX_IMAGE_BYTES,
    BakedCredential,
    NotBakedError,
    credential_text,
    read_payload,
)
from credstack.standards.errors import BakingError

__all__ = [
    "OB2_NAMESPACE",
    "OB3_NAMESPACE",
    "SVG_NAMESPACE",
    "BakedCredential",
    "NotBakedError",
    "bake_svg",
    "unbake_svg",
]

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_NAMESPACE = "http://openbadges.org"
OB3_ELEMENT = f"{{{OB3_NAMESPACE}}}credential"
OB2_ELEMENT = f"{{{OB2_NAMESPACE}}}assertion"
PREFIX = "openbadges"

_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_DECLARED_ENCODING = re.compile(
    rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']"""
)


def bake_svg(
    svg: bytes | str,
    credential: Mapping[str, Any] | str,
    *,
    max_image_bytes: int = MAX_IMAGE_BYTES,
) -> bytes:
    """Return ``svg`` (UTF-8) with ``credential`` baked into it (Open Badges 3.0).

    ``credential`` is a credential (written as JSON in CDATA) or a compact JWS (written
    in the ``verify`` attribute). Any ``openbadges:credential`` or 2.0
    ``openbadges:assertion`` element already present is removed first. Raises
    BakingError for a document that is not a safe, well-formed SVG in UTF-8.
    """
    text = credential_text(credential)
    data = _as_bytes(svg)
    declared = _DECLARED_ENCODING.match(data)
    if declared and declared.group(1).decode("ascii", "replace").lower() not in _UTF8_NAMES:
        raise BakingError("only SVG documents in UTF-8 can be baked")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("only SVG documents in UTF-8 can be baked") from None
    scan = _scan(data, max_image_bytes=max_image_bytes, locate=True)
    root_qname = _qualified_name(data, scan.root_offset)
    root_end = _start_tag_end(data, scan.root_offset)
    self_closing = data[root_end - 2 : root_end] == b"/>"
    attributes_end = root_end - (2 if self_closing else 1)
    declared_uri = scan.root_namespaces.get(PREFIX)
    namespace_on_root = declared_uri is None
    namespace = f' xmlns:{PREFIX}="{OB3_NAMESPACE}"'
    local_namespace = "" if declared_uri in (None, OB3_NAMESPACE) else namespace

    if COMPACT_JWS.fullmatch(text):
        element = f'<{PREFIX}:credential{local_namespace} verify="{text}"/>'
    else:
        cdata = text.replace("]]>", "]]]]><![CDATA[>")
        element = f"<{PREFIX}:credential{local_namespace}><![CDATA[{cdata}]]></{PREFIX}:credential>"
    inner = "\n" + element + "\n"

    body = bytearray(data[root_end:])
    for start, end in sorted(scan.credential_spans, reverse=True):
        del body[start - root_end : end - root_end]

    out = bytearray(data[:attributes_end])
    if namespace_on_root:
        out += namespace.encode("utf-8")
    if self_closing:
        out += b">" + inner.encode("utf-8") + b"</" + root_qname.encode("utf-8") + b">"
    else:
        out += b">" + inner.encode("utf-8")
    out += body
    baked = bytes(out)
    _scan(baked, max_image_bytes=max(max_image_bytes, len(baked)))  # still well formed
    return baked


def unbake_svg(
    data: bytes | str,
    *,
    max_image_bytes: int = MAX_IMAGE_BYTES,
    max_credential_bytes: int = MAX_CREDENTIAL_BYTES,
) -> BakedCredential:
    """Read the credential baked into an SVG (Open Badges 3.0 or 2.0).

    Raises NotBakedError (a BakingError) if there is none, and BakingError if the
    document is larger than ``max_image_bytes``, is not well-formed XML with an
    ``svg`` root, declares entities or an internal DTD subset, holds more than one
    credential element, or holds a credential that is malformed or larger than
    ``max_credential_bytes``. Other elements (scripts included) are ignored.
    """
    scan = _scan(_as_bytes(data), max_image_bytes=max_image_bytes)
    if not scan.found:
        raise NotBakedError("the SVG carries no baked credential")
    found = scan.found[0]
    if len(found.text.encode("utf-8")) > max_credential_bytes or (
        len(found.verify.encode("utf-8")) > max_credential_bytes
    ):
        raise BakingError(f"the baked credential is larger than {max_credential_bytes} bytes")
    content = found.text.strip()
    verify = found.verify.strip()
    if found.tag == OB3_ELEMENT:
        if content and verify:
            raise BakingError(
                "the openbadges:credential element has both JSON content and a verify attribute"
            )
        return read_payload(content or verify, generation="ob3", image_format="svg")
    # Open Badges 2.0: a hosted assertion may carry both its URL and its JSON.
    return read_payload(content or verify, generation="ob2", image_format="svg")


@dataclass
class _Found:
    tag: str
    verify: str
    text: str = ""


@dataclass
class _Scan:
    root_offset: int = -1
    root_namespaces: dict[str, str] = field(default_factory=dict)
    found: list[_Found] = field(default_factory=list)
    credential_spans: list[tuple[int, int]] = field(default_factory=list)


class _Target:
    """Receives the parser's events and notes where the elements of interest are."""

    def __init__(self, source: bytes, *, locate: bool) -> None:
        self.source = source
        self.locate = locate  # only baking needs byte offsets, and only in UTF-8
        self.scan = _Scan()
        self.parser: Any = None
        self.depth = 0
        self.pending_namespaces: dict[str, str] = {}
        self.inside: _Found | None = None
        self.inside_depth = 0
        self.inside_offset = 0

    def start_ns(self, prefix: str, uri: str) -> None:
        self.pending_namespaces[prefix or ""] = uri

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        offset = self.parser.CurrentByteIndex
        self.depth += 1
        if self.depth == 1:
            if tag != f"{{{SVG_NAMESPACE}}}svg":
                raise BakingError(
                    f"the document's root element is {tag!r}; an SVG's root is svg in the "
                    f"namespace {SVG_NAMESPACE}"
                )
            self.scan.root_offset = offset
            self.scan.root_namespaces = dict(self.pending_namespaces)
        self.pending_namespaces = {}
        if tag in (OB3_ELEMENT, OB2_ELEMENT):
            if self.scan.found:
                raise BakingError("the SVG carries more than one baked credential")
            self.inside = _Found(tag, attrib.get("verify", ""))
            self.inside_depth = self.depth
            self.inside_offset = offset
            self.scan.found.append(self.inside)

    def end(self, tag: str) -> None:
        if self.inside is not None and self.depth == self.inside_depth:
            if self.locate:
                end = _start_tag_end(self.source, self.inside_offset)
                if self.source[end - 2 : end] != b"/>":  # not an empty-element tag
                    end = self.source.index(b">", self.parser.CurrentByteIndex) + 1
                self.scan.credential_spans.append((self.inside_offset, end))
            self.inside = None
        self.depth -= 1

    def data(self, text: str) -> None:
        if self.inside is not None:
            self.inside.text += text

    def close(self) -> _Scan:
        return self.scan


class _SvgParser(DefusedXMLParser):  # type: ignore[misc]  # defusedxml is untyped
    def __init__(self, target: _Target) -> None:
        super().__init__(
            target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
        self.parser.StartDoctypeDeclHandler = self._refuse_internal_subset
        target.parser = self.parser

    def _refuse_internal_subset(
        self, name: str, sysid: str | None, pubid: str | None, has_internal_subset: int
    ) -> None:
        if has_internal_subset:
            raise BakingError("the SVG declares a DTD internal subset; refused")


def _scan(data: bytes, *, max_image_bytes: int, locate: bool = False) -> _Scan:
    if len(data) > max_image_bytes:
        raise BakingError(f"the image is larger than {max_image_bytes} bytes")
    target = _Target(data, locate=locate)
    parser = _SvgParser(target)
    try:
        parser.feed(data)
        scan: _Scan = parser.close()
    except (ParseError, ExpatError) as error:
        raise BakingError(f"the SVG is not well-formed XML: {error}") from None
    except DefusedXmlException as error:
        raise BakingError(f"the SVG uses a forbidden XML feature: {error}") from None
    except RecursionError:
        raise BakingError("the SVG is nested too deeply") from None
    except (LookupError, UnicodeError) as error:
        # The XML declaration names an encoding Python does not know, or the bytes do
        # not decode in the declared one.
        raise BakingError(f"the SVG's text encoding cannot be read: {error}") from None
    if scan.root_offset < 0:
        raise BakingError("the document has no root element")
    return scan


def _as_bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    raise TypeError(f"an SVG image is bytes or str, not {type(data).__name__}")


def _start_tag_end(data: bytes, offset: int) -> int:
    """The index just past the ``>`` closing the start tag that begins at ``offset``."""
    quote = 0
    for index in range(offset, len(data)):
        byte = data[index]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in (0x22, 0x27):  # " '
            quote = byte
        elif byte == 0x3E:  # >
            return index + 1
    raise BakingError("the SVG's start tag is not closed")


def _qualified_name(data: bytes, offset: int) -> str:
    match = re.match(rb"<([^\s/>]+)", data[offset : offset + 256])
    if match is None:
        raise BakingError("the SVG's root start tag is malformed")
    return match.group(1).decode("utf-8")
