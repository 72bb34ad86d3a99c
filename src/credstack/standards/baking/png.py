"""Baking credentials into PNG images (Open Badges 3.0 §"Baking" PNG; Open Badges 2.0
Baking Specification; PNG §11.3.4 ``iTXt``).

Open Badges 3.0 writes one uncompressed ``iTXt`` chunk with the keyword
``openbadgecredential`` whose text is the credential's JSON or a compact JWS. Open
Badges 2.0 used the keyword ``openbadges`` (``iTXt``: an assertion's JSON or a JWS;
earlier, ``tEXt``: a hosted assertion's URL). An image carries at most one of these.

The chunk reader here checks every chunk's length and CRC itself, so any damaged or
hostile image ends in a BakingError rather than an error from deep inside a library.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from typing import Any

from credstack.standards.baking.credential import (
    MAX_CREDENTIAL_BYTES,
    MAX_IMAGE_BYTES,
    BakedCredential,
    NotBakedError,
    credential_text,
    read_payload,
)
from credstack.standards.errors import BakingError

__all__ = [
    "OB2_KEYWORD",
    "OB3_KEYWORD",
    "PNG_SIGNATURE",
    "BakedCredential",
    "NotBakedError",
    "bake_png",
    "is_png",
    "read_chunks",
    "unbake_png",
    "write_chunks",
]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3_KEYWORD = b"openbadgecredential"
OB2_KEYWORD = b"openbadges"

_MAX_CHUNK_LENGTH = 2**31 - 1  # PNG §5.3
Chunk = tuple[bytes, bytes]


def is_png(data: bytes) -> bool:
    return bytes(data[:8]) == PNG_SIGNATURE


def bake_png(
    image: bytes, credential: Mapping[str, Any] | str, *, max_image_bytes: int = MAX_IMAGE_BYTES
) -> bytes:
    """Return ``image`` with ``credential`` baked into it (Open Badges 3.0).

    ``credential`` is a credential (written as JSON) or a compact JWS (VC-JWT). One
    uncompressed ``iTXt`` chunk with keyword ``openbadgecredential`` is placed before
    the first ``IDAT``; any credential chunk already in the image (3.0 or 2.0) is
    removed, and bytes after ``IEND`` are dropped. Raises BakingError for an image
    that is not a valid PNG, TypeError/ValueError for a credential of the wrong form.
    """
    text = credential_text(credential)
    chunks = read_chunks(image, max_image_bytes=max_image_bytes)
    kept = [chunk for chunk in chunks if not _is_credential_chunk(chunk)]
    first_idat = next((i for i, (kind, _) in enumerate(kept) if kind == b"IDAT"), None)
    if first_idat is None:
        raise BakingError("the PNG has no image data (IDAT chunk)")
    # keyword, NUL, compression flag 0, method 0, empty language tag and translated keyword
    itxt = OB3_KEYWORD + b"\x00\x00\x00\x00\x00" + text.encode("utf-8")
    kept.insert(first_idat, (b"iTXt", itxt))
    return write_chunks(kept)


def unbake_png(
    image: bytes,
    *,
    max_image_bytes: int = MAX_IMAGE_BYTES,
    max_credential_bytes: int = MAX_CREDENTIAL_BYTES,
) -> BakedCredential:
    """Read the credential baked into a PNG (Open Badges 3.0 or 2.0).

    Raises NotBakedError (a BakingError) if there is none, and BakingError if the data
    is not a PNG, is larger than ``max_image_bytes``, is truncated, fails a CRC, holds
    more than one credential chunk, or holds a credential that is malformed or
    decompresses beyond ``max_credential_bytes``.
    """
    found: list[BakedCredential] = []
    for kind, data in read_chunks(image, max_image_bytes=max_image_bytes):
        if kind == b"iTXt":
            keyword, text = _read_itxt(data, max_credential_bytes)
            if keyword == OB3_KEYWORD:
                found.append(read_payload(text, generation="ob3", image_format="png"))
            elif keyword == OB2_KEYWORD:
                found.append(read_payload(text, generation="ob2", image_format="png"))
        elif kind == b"tEXt" and data.split(b"\x00", 1)[0] == OB2_KEYWORD:
            found.append(_read_legacy_text(data))
        if len(found) > 1:
            raise BakingError("the PNG carries more than one baked credential")
    if not found:
        raise NotBakedError("the PNG carries no baked credential")
    return found[0]


def read_chunks(image: bytes, *, max_image_bytes: int = MAX_IMAGE_BYTES) -> list[Chunk]:
    """The chunks of a PNG datastream up to ``IEND``, each checked against its CRC."""
    if not isinstance(image, bytes | bytearray | memoryview):
        raise TypeError(f"a PNG image is bytes, not {type(image).__name__}")
    data = bytes(image)
    if len(data) > max_image_bytes:
        raise BakingError(f"the image is larger than {max_image_bytes} bytes")
    if not is_png(data):
        raise BakingError("the image is not a PNG (no PNG signature)")
    chunks: list[Chunk] = []
    position = len(PNG_SIGNATURE)
    while True:
        if position + 8 > len(data):
            raise BakingError("the PNG is truncated (no IEND chunk)")
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        if length > _MAX_CHUNK_LENGTH or not kind.isalpha():
            raise BakingError(f"the PNG has a malformed chunk header at byte {position}")
        end = position + 12 + length
        if end > len(data):
            raise BakingError(f"the PNG is truncated inside its {kind.decode()} chunk")
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            raise BakingError(f"the PNG's {kind.decode()} chunk at byte {position} fails its CRC")
        chunks.append((kind, body))
        position = end
        if kind == b"IEND":
            break
    if chunks[0][0] != b"IHDR":
        raise BakingError("the PNG does not start with an IHDR chunk")
    return chunks


def write_chunks(chunks: list[Chunk]) -> bytes:
    out = bytearray(PNG_SIGNATURE)
    for kind, body in chunks:
        out += struct.pack(">I", len(body)) + kind + body
        out += struct.pack(">I", zlib.crc32(kind + body))
    return bytes(out)


def _is_credential_chunk(chunk: Chunk) -> bool:
    kind, body = chunk
    keyword = body.split(b"\x00", 1)[0]
    if kind == b"iTXt":
        return keyword in (OB3_KEYWORD, OB2_KEYWORD)
    return kind == b"tEXt" and keyword == OB2_KEYWORD


def _read_itxt(data: bytes, max_credential_bytes: int) -> tuple[bytes, str]:
    """The keyword and text of an ``iTXt`` chunk (PNG §11.3.4.5)."""
    keyword, separator, rest = data.partition(b"\x00")
    if keyword not in (OB3_KEYWORD, OB2_KEYWORD):
        return keyword, ""  # not ours: other text chunks are left alone
    if not separator or len(rest) < 2:
        raise BakingError("the credential's iTXt chunk is malformed")
    compressed, method = rest[0], rest[1]
    _language, separator, rest = rest[2:].partition(b"\x00")
    _translated, separator2, text = rest.partition(b"\x00")
    if not separator or not separator2:
        raise BakingError("the credential's iTXt chunk is malformed")
    if compressed == 1 and method == 0:
        text = _inflate(text, max_credential_bytes)
    elif compressed != 0:
        raise BakingError("the credential's iTXt chunk uses an unknown compression")
    if len(text) > max_credential_bytes:
        raise BakingError(f"the baked credential is larger than {max_credential_bytes} bytes")
    try:
        return keyword, text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("the baked credential is not UTF-8 text") from None


def _read_legacy_text(data: bytes) -> BakedCredential:
    # Before Open Badges 2.0, a hosted assertion's URL was baked in a tEXt chunk.
    text = data.split(b"\x00", 1)[1] if b"\x00" in data else b""
    baked = read_payload(text.decode("latin-1"), generation="ob2", image_format="png")
    if baked.kind != "ob2-url":
        raise BakingError("the PNG's tEXt openbadges chunk does not hold a URL")
    return baked


def _inflate(data: bytes, limit: int) -> bytes:
    decompressor = zlib.decompressobj()
    try:
        inflated = decompressor.decompress(data, limit + 1)
    except zlib.error as error:
        raise BakingError(f"the credential's iTXt chunk is not valid zlib data: {error}") from None
    if len(inflated) > limit or decompressor.unconsumed_tail:
        raise BakingError(f"the baked credential decompresses beyond {limit} bytes")
    if not decompressor.eof:
        raise BakingError("the credential's iTXt chunk has truncated zlib data")
    return inflated
