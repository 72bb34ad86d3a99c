"""Bitstring Status List v1.0 bitstring: layout, encoding, expansion and its limits."""

from __future__ import annotations

import base64
import gzip
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.standards.errors import StatusListError, StatusListLengthError
from credstack.standards.status.bitstring import MIN_LENGTH, Bitstring
from tests.shared_data import read_json

SMALL = 1024


def _encoded(raw: bytes, *, prefix: str = "u") -> str:
    return prefix + base64.urlsafe_b64encode(gzip.compress(raw, mtime=0)).rstrip(b"=").decode()


def test_it_defaults_to_the_minimum_length_of_131072_entries_all_unset() -> None:
    bitstring = Bitstring()
    assert len(bitstring) == MIN_LENGTH == 131_072
    assert bitstring.to_bytes() == bytes(16 * 1024)
    assert bitstring.get(0) == bitstring.get(MIN_LENGTH - 1) == 0


def test_it_puts_index_0_in_the_most_significant_bit_of_the_first_byte() -> None:
    bitstring = Bitstring(SMALL)
    bitstring.set(0, 1)
    bitstring.set(9, 1)
    bitstring.set(SMALL - 1, 1)
    raw = bitstring.to_bytes()
    assert raw[0] == 0b1000_0000
    assert raw[1] == 0b0100_0000
    assert raw[-1] == 0b0000_0001


def test_it_reads_multi_bit_statuses_most_significant_bit_first() -> None:
    bitstring = Bitstring(SMALL, status_size=2)
    bitstring.set(1, 0b10)
    bitstring.set(2, 0b01)
    assert bitstring.to_bytes()[0] == 0b0010_0100
    assert [bitstring.get(i) for i in range(4)] == [0, 2, 1, 0]
    bitstring.set(1, 0)
    assert bitstring.get(1) == 0


def test_it_refuses_values_and_indexes_that_do_not_fit() -> None:
    bitstring = Bitstring(SMALL, status_size=2)
    with pytest.raises(ValueError, match="does not fit"):
        bitstring.set(0, 4)
    with pytest.raises(IndexError):
        bitstring.get(SMALL)
    with pytest.raises(IndexError):
        bitstring.set(-1, 1)
    with pytest.raises(TypeError):
        bitstring.get("3")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Bitstring(0)


def test_it_encodes_with_the_multibase_prefix_and_base64url_without_padding() -> None:
    encoded = Bitstring().encode()
    assert encoded.startswith("uH4sI")  # "u" + base64url of the GZIP magic number
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "==")) == bytes(16 * 1024)


def test_it_encodes_equal_bitstrings_to_equal_text() -> None:
    first, second = Bitstring(), Bitstring()
    first.set(7, 1)
    second.set(7, 1)
    assert first.encode() == second.encode()


def test_it_refuses_to_encode_a_new_list_below_the_minimum_unless_allowed() -> None:
    short = Bitstring(100_000)
    with pytest.raises(StatusListLengthError) as raised:
        short.encode()
    assert raised.value.code == "STATUS_LIST_LENGTH_ERROR"
    assert Bitstring.decode(short.encode(allow_below_minimum=True)) == short


def test_it_decodes_the_specification_example_list_as_all_unset() -> None:
    # Bitstring Status List v1.0 §2.2, Example 3 (and the W3C VC 2.0 examples).
    bitstring = Bitstring.decode(
        "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
    )
    assert len(bitstring) == MIN_LENGTH
    assert bitstring.warnings == []
    assert bitstring.to_bytes() == bytes(16 * 1024)


def test_it_decodes_1edtechs_test_list_with_only_index_23_set() -> None:
    status_list = read_json("fixtures", "1edtech-validator", "ob30", "bit-string-list", "testlist")
    bitstring = Bitstring.decode(status_list["credentialSubject"]["encodedList"])
    assert len(bitstring) == MIN_LENGTH
    assert [i for i in range(len(bitstring)) if bitstring.get(i)] == [23]


def test_it_decodes_a_100000_entry_list_with_a_warning() -> None:
    encoded = _encoded(bytes(100_000 // 8))
    bitstring = Bitstring.decode(encoded)
    assert len(bitstring) == 100_000
    assert len(bitstring.warnings) == 1
    assert "100000 entries" in bitstring.warnings[0]


def test_it_counts_entries_of_several_bits() -> None:
    assert len(Bitstring.decode(_encoded(bytes(16 * 1024)), status_size=2)) == MIN_LENGTH // 2


def test_it_decodes_a_list_split_into_several_gzip_members() -> None:
    first, second = bytes(8 * 1024), b"\x80" + bytes(8 * 1024 - 1)
    compressed = gzip.compress(first) + gzip.compress(second)
    encoded = "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()
    bitstring = Bitstring.decode(encoded)
    assert len(bitstring) == MIN_LENGTH
    assert bitstring.get(8 * 1024 * 8) == 1


def test_it_refuses_a_gzip_bomb() -> None:
    bomb = _encoded(bytes(64 * 1024 * 1024))
    assert len(bomb) < 100_000
    with pytest.raises(StatusListError, match="decompression bomb"):
        Bitstring.decode(bomb)
    with pytest.raises(StatusListError, match="decompression bomb"):
        Bitstring.decode(_encoded(bytes(4096)), max_decompressed_bytes=1024)


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [
        (_encoded(bytes(16), prefix=""), "multibase prefix"),
        (_encoded(bytes(16), prefix="z"), "multibase prefix"),
        ("u" + base64.b64encode(gzip.compress(b"\xfb" * 999, mtime=0)).decode(), "base64url"),
        ("uH4sI*", "base64url"),
        ("uH", "base64url"),
        ("u", "no GZIP data"),
        ("u" + base64.urlsafe_b64encode(zlib.compress(bytes(16))).decode(), "not valid GZIP"),
        (
            "u" + base64.urlsafe_b64encode(gzip.compress(bytes(64), mtime=0)[:-6]).decode(),
            "truncated",
        ),
        (_encoded(b""), "empty"),
    ],
)
def test_it_refuses_a_malformed_encoded_list(encoded: str, reason: str) -> None:
    with pytest.raises(StatusListError, match=reason) as raised:
        Bitstring.decode(encoded)
    assert raised.value.code == "MALFORMED_VALUE_ERROR"


def test_it_refuses_gzip_data_whose_checksum_is_wrong() -> None:
    compressed = bytearray(gzip.compress(b"\x01" * 64))
    compressed[-8] ^= 0xFF  # CRC-32 of the member trailer
    with pytest.raises(StatusListError, match="not valid GZIP"):
        Bitstring.decode("u" + base64.urlsafe_b64encode(bytes(compressed)).decode())


def test_it_reads_the_unprefixed_encoding_of_status_list_2021() -> None:
    bitstring = Bitstring(SMALL)
    bitstring.set(5, 1)
    encoded = bitstring.encode(allow_below_minimum=True)
    assert Bitstring.decode(encoded[1:], multibase=False) == bitstring


@settings(max_examples=40, deadline=None)
@given(
    status_size=st.integers(min_value=1, max_value=8),
    data=st.data(),
)
def test_it_survives_an_encode_decode_round_trip(status_size: int, data: st.DataObject) -> None:
    length = data.draw(st.integers(min_value=1, max_value=4096), label="length")
    statuses = data.draw(
        st.dictionaries(
            st.integers(min_value=0, max_value=length - 1),
            st.integers(min_value=0, max_value=(1 << status_size) - 1),
            max_size=64,
        ),
        label="statuses",
    )
    bitstring = Bitstring(length, status_size=status_size)
    for index, value in statuses.items():
        bitstring.set(index, value)
    decoded = Bitstring.decode(bitstring.encode(allow_below_minimum=True), status_size=status_size)
    # The bytes may hold a few padding bits more than the length asked for.
    assert 0 <= len(decoded) - length < 8
    for index in range(length):
        assert decoded.get(index) == statuses.get(index, 0)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_it_raises_only_status_list_errors_for_arbitrary_text(text: str) -> None:
    try:
        bitstring = Bitstring.decode(text)
    except StatusListError:
        return
    assert Bitstring.decode(bitstring.encode(allow_below_minimum=True)) == bitstring
