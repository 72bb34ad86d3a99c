"""The bitstring of Bitstring Status List v1.0 (§3.4 "Bitstring Generation Algorithm",
§3.5 "Bitstring Expansion Algorithm", §6.1 "Bitstring Encoding").

A status list is a list of ``length`` entries of ``status_size`` bits each, stored as
one bitstring. Index 0 is the left-most bit, i.e. the most significant bit of the first
byte; an entry of several bits is read left to right, its first bit the most significant.
``encodedList`` is the bitstring GZIP-compressed (RFC 1952), base64url-encoded without
padding (RFC 4648 §5) and prefixed with the multibase code ``u``.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib

from credstack.standards.errors import StatusListError, StatusListLengthError

MIN_LENGTH = 131_072
"""The minimum number of entries of a status list (16 KiB of single-bit entries)."""

DEFAULT_MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024
"""How large an expanded bitstring may grow before decoding refuses it (a GZIP bomb)."""

MULTIBASE_BASE64URL = "u"

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_CHUNK = 64 * 1024


class Bitstring:
    """``length`` statuses of ``status_size`` bits each, all initially 0.

    Preconditions: ``length >= 1`` and ``status_size >= 1``. A length below
    :data:`MIN_LENGTH` is allowed in memory (deployed lists exist with 100,000
    entries) but :meth:`encode` refuses it unless told otherwise.
    """

    __slots__ = ("_bits", "length", "status_size", "warnings")

    def __init__(self, length: int = MIN_LENGTH, status_size: int = 1) -> None:
        _require_positive_int("length", length)
        _require_positive_int("status_size", status_size)
        self.length = length
        self.status_size = status_size
        self._bits = bytearray(-(-length * status_size // 8))
        self.warnings: list[str] = []

    @property
    def bit_length(self) -> int:
        """The number of bits the entries use (the stored bytes may hold a few more)."""
        return self.length * self.status_size

    def __len__(self) -> int:
        return self.length

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Bitstring):
            return NotImplemented
        return (
            self.length == other.length
            and self.status_size == other.status_size
            and self._bits == other._bits
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Bitstring(length={self.length}, status_size={self.status_size})"

    def get(self, index: int) -> int:
        """The status at ``index`` (0 <= index < length), as an unsigned integer."""
        first_bit = self._first_bit(index)
        value = 0
        for bit in range(first_bit, first_bit + self.status_size):
            value = (value << 1) | ((self._bits[bit >> 3] >> (7 - (bit & 7))) & 1)
        return value

    def set(self, index: int, value: int) -> None:
        """Set the status at ``index`` to ``value`` (0 <= value < 2**status_size)."""
        if isinstance(value, bool):
            value = int(value)
        if not isinstance(value, int):
            raise TypeError(f"a status value is an int, not {type(value).__name__}")
        if not 0 <= value < (1 << self.status_size):
            raise ValueError(f"status value {value} does not fit in {self.status_size} bit(s)")
        first_bit = self._first_bit(index)
        for offset in range(self.status_size):
            bit = first_bit + offset
            mask = 1 << (7 - (bit & 7))
            if (value >> (self.status_size - 1 - offset)) & 1:
                self._bits[bit >> 3] |= mask
            else:
                self._bits[bit >> 3] &= ~mask & 0xFF

    def to_bytes(self) -> bytes:
        """The uncompressed bitstring."""
        return bytes(self._bits)

    def encode(self, *, allow_below_minimum: bool = False) -> str:
        """The ``encodedList`` value: ``u`` + base64url(GZIP(bitstring)), no padding.

        Raises StatusListLengthError if the list has fewer than :data:`MIN_LENGTH`
        entries, unless ``allow_below_minimum`` (a short list weakens group privacy).
        The GZIP header carries no timestamp, so equal bitstrings encode equally.
        """
        if self.length < MIN_LENGTH and not allow_below_minimum:
            raise StatusListLengthError(
                f"a status list needs at least {MIN_LENGTH} entries for group privacy; "
                f"this one has {self.length}"
            )
        compressed = gzip.compress(bytes(self._bits), compresslevel=9, mtime=0)
        encoded = base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")
        return MULTIBASE_BASE64URL + encoded

    @classmethod
    def decode(
        cls,
        encoded: str,
        *,
        status_size: int = 1,
        max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
        multibase: bool = True,
    ) -> Bitstring:
        """Expand an ``encodedList`` (Bitstring Expansion Algorithm).

        ``multibase=False`` reads the unprefixed base64url of StatusList2021. The
        length is the number of whole ``status_size`` entries the bytes hold. A list
        shorter than :data:`MIN_LENGTH` is returned with a message in ``warnings``.

        Raises StatusListError (code MALFORMED_VALUE_ERROR) for a missing multibase
        prefix, bad base64url, bad or truncated GZIP, an empty list, or an expansion
        beyond ``max_decompressed_bytes``.
        """
        if not isinstance(encoded, str):
            raise _malformed(f"an encoded list is a string, not {type(encoded).__name__}")
        _require_positive_int("status_size", status_size)
        _require_positive_int("max_decompressed_bytes", max_decompressed_bytes)
        if multibase:
            if not encoded.startswith(MULTIBASE_BASE64URL):
                raise _malformed(
                    "the encoded list does not start with the multibase prefix 'u' (base64url)"
                )
            encoded = encoded[1:]
        compressed = _base64url_decode(encoded)
        raw = _gunzip(compressed, max_decompressed_bytes)
        length = len(raw) * 8 // status_size
        if length == 0:
            raise _malformed("the status list is empty")
        bitstring = cls.__new__(cls)
        bitstring.length = length
        bitstring.status_size = status_size
        bitstring._bits = bytearray(raw)
        bitstring.warnings = []
        if length < MIN_LENGTH:
            bitstring.warnings.append(
                f"the status list has {length} entries, fewer than the minimum of "
                f"{MIN_LENGTH} (STATUS_LIST_LENGTH_ERROR): group privacy is weaker"
            )
        return bitstring

    def _first_bit(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"a status index is an int, not {type(index).__name__}")
        if not 0 <= index < self.length:
            raise IndexError(f"status index {index} is outside 0..{self.length - 1}")
        return index * self.status_size


def _require_positive_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} is an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")


def _malformed(message: str) -> StatusListError:
    return StatusListError(message, code="MALFORMED_VALUE_ERROR")


def _base64url_decode(text: str) -> bytes:
    if not _BASE64URL.fullmatch(text) or len(text.rstrip("=")) % 4 == 1:
        raise _malformed("the encoded list is not base64url (RFC 4648 §5)")
    unpadded = text.rstrip("=")
    try:
        return base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError) as error:
        raise _malformed(f"the encoded list is not base64url: {error}") from None


def _gunzip(compressed: bytes, limit: int) -> bytes:
    """Expand every GZIP member of ``compressed``, refusing output beyond ``limit``."""
    if not compressed:
        raise _malformed("the encoded list holds no GZIP data")
    output = bytearray()
    remaining = compressed
    while remaining:
        decompressor = zlib.decompressobj(_GZIP_WBITS)
        pending = remaining
        try:
            while True:
                chunk = decompressor.decompress(pending, min(_CHUNK, limit + 1 - len(output)))
                output += chunk
                if len(output) > limit:
                    raise _malformed(
                        f"the status list expands beyond {limit} bytes; refused as a "
                        "decompression bomb"
                    )
                pending = decompressor.unconsumed_tail
                if decompressor.eof or (not pending and not chunk):
                    break
        except zlib.error as error:
            raise _malformed(f"the encoded list is not valid GZIP: {error}") from None
        if not decompressor.eof:
            raise _malformed("the encoded list's GZIP data is truncated")
        remaining = decompressor.unused_data
    return bytes(output)
