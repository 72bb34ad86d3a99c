"""Baking credentials into PNG images: the 1EdTech baked fixtures, round trips, Open
Badges 2.0 images, and damaged or hostile images."""

from __future__ import annotations

import base64
import io
import json
import struct
import zlib
from typing import Any

import png
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.standards.baking import (
    BakedCredential,
    NotBakedError,
    bake,
    bake_png,
    unbake,
    unbake_png,
)
from credstack.standards.baking.png import read_chunks, write_chunks
from credstack.standards.errors import BakingError
from tests.shared_data import fixture_path, read_bytes, read_json

OB30 = ("fixtures", "1edtech-validator", "ob30")
JWS = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZTppc3N1ZXIifQ.c2lnbmF0dXJl"


def _tiny_png() -> bytes:
    out = io.BytesIO()
    png.Writer(width=3, height=2, greyscale=True).write(out, [[0, 128, 255], [255, 128, 0]])
    return out.getvalue()


def _pixels(image: bytes) -> list[list[int]]:
    _width, _height, rows, _info = png.Reader(bytes=image).read()
    return [list(row) for row in rows]


def _itxt(keyword: bytes, text: bytes, *, compressed: bool = False) -> tuple[bytes, bytes]:
    body = zlib.compress(text) if compressed else text
    return (b"iTXt", keyword + b"\x00" + bytes([int(compressed), 0]) + b"\x00\x00" + body)


def _with_chunks(image: bytes, *extra: tuple[bytes, bytes]) -> bytes:
    chunks = read_chunks(image)
    return write_chunks([chunks[0], *extra, *chunks[1:]])


def _jws_payload(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


# --- the 1EdTech baked fixtures ---


def test_it_unbakes_1edtechs_json_png_to_the_simple_credential() -> None:
    baked = unbake_png(read_bytes(*OB30, "simple-json.png"))
    assert (baked.kind, baked.image_format) == ("ob3-json", "png")
    assert isinstance(baked.payload, dict)
    simple = read_json(*OB30, "simple.json")
    # The baked copy is simple.json signed again (another key and time): only the proof differs.
    assert {k: v for k, v in baked.payload.items() if k != "proof"} == {
        k: v for k, v in simple.items() if k != "proof"
    }
    assert baked.payload["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"


@pytest.mark.parametrize(
    ("name", "credential_id"),
    [("simple-jwt.png", "http://example.com/credentials/3527"), ("simple-jwt_v1.png", None)],
)
def test_it_unbakes_1edtechs_jwt_pngs_to_a_compact_jws(
    name: str, credential_id: str | None
) -> None:
    baked = unbake_png(read_bytes(*OB30, name))
    assert (baked.kind, baked.image_format) == ("ob3-jwt", "png")
    assert isinstance(baked.payload, str)
    header, _payload, signature = baked.payload.split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["alg"] == "RS256"
    assert signature
    claims = _jws_payload(baked.payload)
    if credential_id is None:  # the VC 1.1 form: the credential sits in the "vc" claim
        assert claims["vc"]["id"] == "http://example.edu/credentials/3732"
    else:
        assert claims["id"] == credential_id


def test_it_unbakes_through_the_format_neutral_recipe() -> None:
    assert unbake(read_bytes(*OB30, "simple-json.png")) == unbake_png(
        read_bytes(*OB30, "simple-json.png")
    )


def test_it_rebakes_a_baked_fixture_replacing_its_credential() -> None:
    rebaked = bake_png(read_bytes(*OB30, "simple-jwt.png"), JWS)
    assert unbake_png(rebaked) == BakedCredential("ob3-jwt", JWS, "png")
    keywords = [body.split(b"\x00")[0] for kind, body in read_chunks(rebaked) if kind == b"iTXt"]
    assert keywords == [b"openbadgecredential"]


# --- baking ---


def test_it_bakes_one_uncompressed_itxt_chunk_before_the_image_data() -> None:
    credential = read_json(*OB30, "simple.json")
    baked = bake_png(_tiny_png(), credential)
    kinds = [kind for kind, _ in read_chunks(baked)]
    assert kinds.count(b"iTXt") == 1
    assert kinds.index(b"iTXt") < kinds.index(b"IDAT")
    body = next(body for kind, body in read_chunks(baked) if kind == b"iTXt")
    assert body.startswith(b"openbadgecredential\x00\x00\x00\x00\x00{")
    assert json.loads(body.split(b"\x00", 5)[5]) == credential
    assert _pixels(baked) == _pixels(_tiny_png())


@pytest.mark.parametrize(
    ("credential", "kind"),
    [({"id": "urn:uuid:1", "name": "Ünïcødé ✓"}, "ob3-json"), (JWS, "ob3-jwt")],
)
def test_it_round_trips_a_credential(credential: dict[str, Any] | str, kind: str) -> None:
    baked = unbake_png(bake(_tiny_png(), credential))
    assert (baked.kind, baked.payload, baked.image_format) == (kind, credential, "png")


def test_it_replaces_an_open_badges_2_credential_when_baking() -> None:
    old = _with_chunks(_tiny_png(), _itxt(b"openbadges", b"https://issuer.example/a/1"))
    assert unbake_png(bake_png(old, JWS)).kind == "ob3-jwt"


def test_it_refuses_to_bake_text_that_is_not_a_compact_jws() -> None:
    with pytest.raises(ValueError, match="compact JWS"):
        bake_png(_tiny_png(), "not a token")
    with pytest.raises(TypeError):
        bake_png(_tiny_png(), 42)  # type: ignore[arg-type]


def test_it_refuses_to_bake_into_something_that_is_not_a_png() -> None:
    with pytest.raises(BakingError, match="not a PNG"):
        bake_png(b"GIF89a...", JWS)


# --- Open Badges 2.0 ---


@pytest.mark.parametrize(
    ("chunk", "kind", "payload"),
    [
        (_itxt(b"openbadges", b'{"id": "https://issuer.example/a/1"}'), "ob2-json", {"id": "https://issuer.example/a/1"}),
        (_itxt(b"openbadges", JWS.encode()), "ob2-jws", JWS),
        (_itxt(b"openbadges", b"https://issuer.example/a/1"), "ob2-url", "https://issuer.example/a/1"),
        ((b"tEXt", b"openbadges\x00https://issuer.example/a/1"), "ob2-url", "https://issuer.example/a/1"),
    ],
    ids=["json", "jws", "url", "legacy-text-url"],
)  # fmt: skip
def test_it_unbakes_open_badges_2_images(
    chunk: tuple[bytes, bytes], kind: str, payload: dict[str, Any] | str
) -> None:
    baked = unbake_png(_with_chunks(_tiny_png(), chunk))
    assert (baked.kind, baked.payload) == (kind, payload)


def test_it_reads_a_compressed_credential_chunk_within_the_cap() -> None:
    image = _with_chunks(_tiny_png(), _itxt(b"openbadgecredential", JWS.encode(), compressed=True))
    assert unbake_png(image).payload == JWS


# --- refusals ---


def test_it_refuses_an_image_with_two_credential_chunks() -> None:
    image = _with_chunks(
        bake_png(_tiny_png(), JWS), _itxt(b"openbadgecredential", b'{"id": "urn:x"}')
    )
    with pytest.raises(BakingError, match="more than one"):
        unbake_png(image)


def test_it_refuses_an_image_with_a_3_0_and_a_2_0_credential() -> None:
    image = _with_chunks(bake_png(_tiny_png(), JWS), _itxt(b"openbadges", JWS.encode()))
    with pytest.raises(BakingError, match="more than one"):
        unbake_png(image)


def test_it_says_when_an_image_carries_no_credential() -> None:
    with pytest.raises(NotBakedError) as raised:
        unbake_png(_tiny_png())
    assert isinstance(raised.value, BakingError)


def test_it_refuses_a_compressed_chunk_that_decompresses_beyond_the_cap() -> None:
    bomb = _itxt(b"openbadgecredential", b"{" + b" " * (8 * 1024 * 1024), compressed=True)
    image = _with_chunks(_tiny_png(), bomb)
    assert len(image) < 64 * 1024
    with pytest.raises(BakingError, match="decompresses beyond"):
        unbake_png(image)


def test_it_refuses_an_image_above_the_size_cap() -> None:
    image = read_bytes(*OB30, "simple-json.png")
    with pytest.raises(BakingError, match="larger than"):
        unbake_png(image, max_image_bytes=len(image) - 1)
    with pytest.raises(BakingError, match="larger than"):
        unbake_png(_tiny_png() + bytes(11 * 1024 * 1024))


def test_it_refuses_a_chunk_whose_crc_does_not_match() -> None:
    image = bytearray(read_bytes(*OB30, "simple-json.png"))
    position = image.index(b"openbadgecredential") + 40
    image[position] ^= 0x01
    with pytest.raises(BakingError, match="CRC"):
        unbake_png(bytes(image))


@pytest.mark.parametrize("keep", [0, 7, 8, 20, 33, 1000, -13, -1])
def test_it_refuses_a_truncated_image(keep: int) -> None:
    image = read_bytes(*OB30, "simple-json.png")
    with pytest.raises(BakingError):
        unbake_png(image[:keep])


@pytest.mark.parametrize(
    "body",
    [
        b"openbadgecredential",  # no separator
        b"openbadgecredential\x00\x02\x00\x00\x00{}",  # unknown compression flag
        b"openbadgecredential\x00\x00\x00\x00\x00\xff\xfe",  # not UTF-8
        b"openbadgecredential\x00\x00\x00\x00\x00[1, 2]",  # JSON, not an object
        b'openbadgecredential\x00\x00\x00\x00\x00{"a": NaN}',  # not JSON
        b"openbadgecredential\x00\x00\x00\x00\x00https://issuer.example/a/1",  # 2.0 only
        b"openbadgecredential\x00\x00\x00\x00\x00" + b"[" * 100_000,  # deep nesting
    ],
)
def test_it_refuses_a_malformed_credential_chunk(body: bytes) -> None:
    with pytest.raises(BakingError):
        unbake_png(_with_chunks(_tiny_png(), (b"iTXt", body)))


def test_it_refuses_a_chunk_length_beyond_the_png_limit() -> None:
    image = bytearray(_tiny_png())
    struct.pack_into(">I", image, 8, 0xFFFF_FFF0)  # IHDR length beyond 2**31 - 1
    with pytest.raises(BakingError, match="malformed chunk header"):
        unbake_png(bytes(image))


# --- fuzzing: only BakedCredential or BakingError ---


def _unbake_or_baking_error(data: bytes) -> None:
    try:
        baked = unbake_png(data)
    except BakingError:
        return
    assert isinstance(baked, BakedCredential)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_it_only_raises_baking_errors_for_random_bytes(data: bytes) -> None:
    _unbake_or_baking_error(data)
    _unbake_or_baking_error(b"\x89PNG\r\n\x1a\n" + data)


FIXTURE_PNGS = [
    fixture_path("ob30", name).read_bytes() for name in ("simple-json.png", "simple-jwt.png")
]


@settings(max_examples=150, deadline=None)
@given(
    which=st.sampled_from(range(len(FIXTURE_PNGS))),
    position=st.integers(min_value=0, max_value=2**24),
    byte=st.integers(min_value=0, max_value=255),
    cut=st.booleans(),
)
def test_it_only_raises_baking_errors_for_mutated_fixtures(
    which: int, position: int, byte: int, cut: bool
) -> None:
    image = bytearray(FIXTURE_PNGS[which])
    position %= len(image)
    if cut:
        del image[position:]
    else:
        image[position] = byte
    _unbake_or_baking_error(bytes(image))


@settings(max_examples=100, deadline=None)
@given(position=st.integers(min_value=8, max_value=2**24), byte=st.integers(0, 255))
def test_it_only_raises_baking_errors_for_mutated_credential_chunks(
    position: int, byte: int
) -> None:
    # A mutation that also fixes the CRC reaches the credential parser itself.
    chunks = read_chunks(FIXTURE_PNGS[0])
    index = next(i for i, (kind, _) in enumerate(chunks) if kind == b"iTXt")
    body = bytearray(chunks[index][1])
    body[position % len(body)] = byte
    chunks[index] = (b"iTXt", bytes(body))
    _unbake_or_baking_error(write_chunks(chunks))
