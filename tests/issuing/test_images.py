"""Definition images: a PNG is decoded safely, shrunk and stripped of metadata; an SVG
that could run a script or load anything from outside is refused, with a message."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageFile, PngImagePlugin

from credstack.common.errors import PermissionDeniedError, ValidationFailedError
from credstack.issuing import images
from credstack.issuing.images import MAX_SIDE, validate_and_normalise
from credstack.issuing.models import DefinitionImage

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def png(width: int, height: int, *, mode: str = "RGB", text: dict[str, str] | None = None) -> bytes:
    picture = Image.new(mode, (width, height), "#1e7b34" if mode != "P" else 0)
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    out = io.BytesIO()
    picture.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(side: int) -> bytes:
    """A valid 1-bit grey PNG of ``side`` × ``side`` white pixels: tens of kilobytes that
    decode to ``side``² pixels."""
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        images.PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


def refusal(data: bytes, filename: str = "badge.svg", **options: int) -> str:
    with pytest.raises(ValidationFailedError) as caught:
        validate_and_normalise(data, filename, **options)
    assert caught.value.problems[0].startswith("image: ")
    return caught.value.message


# --- PNG ---------------------------------------------------------------------------------


def test_it_shrinks_a_large_png_to_fit_512_pixels_keeping_its_aspect() -> None:
    data, media_type, width, height = validate_and_normalise(png(1600, 800), "wide.png")
    assert (media_type, width, height) == ("image/png", MAX_SIDE, 256)
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "PNG"
        assert stored.size == (MAX_SIDE, 256)


def test_it_keeps_a_small_png_at_its_size() -> None:
    _, _, width, height = validate_and_normalise(png(120, 90), "small.png")
    assert (width, height) == (120, 90)


def test_the_stored_png_carries_none_of_the_uploads_metadata() -> None:
    upload = png(64, 64, text={"Author": "Alice Example", "Comment": "secret draft"})
    assert b"Alice Example" in upload
    data, *_ = validate_and_normalise(upload, "badge.png")
    assert b"Alice Example" not in data
    assert b"secret draft" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert "Author" not in stored.info


def test_it_keeps_the_transparency_of_a_palette_png() -> None:
    picture = Image.new("P", (10, 10), 0)
    picture.putpalette([255, 0, 0] * 256)
    out = io.BytesIO()
    picture.save(out, format="PNG", transparency=0)
    data, *_ = validate_and_normalise(out.getvalue(), "badge.png")
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.mode == "RGBA"
        assert stored.getpixel((0, 0))[3] == 0


def test_it_refuses_a_png_that_decodes_to_too_many_pixels_before_decoding_it() -> None:
    bomb = bomb_png(5_000)
    assert len(bomb) < 20_000  # small to upload, 25 million pixels once decoded
    message = refusal(bomb, "bomb.png")
    assert "5000 × 5000" in message
    assert "16.8 million pixels" in message


def test_it_refuses_a_png_bomb_past_pillows_own_limit() -> None:
    bomb = bomb_png(12_000)  # 144 million pixels: Pillow itself warns before we look
    assert len(bomb) < 100_000
    assert "more than 16.8 million pixels" in refusal(bomb, "bomb.png")


@pytest.mark.parametrize("pillow_loads_truncated_images", [False, True])
def test_it_refuses_a_truncated_png(
    monkeypatch: pytest.MonkeyPatch, pillow_loads_truncated_images: bool
) -> None:
    # WeasyPrint (PDF certificates) switches Pillow's truncation check off for the process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", pillow_loads_truncated_images)
    whole = png(300, 300)
    for cut in (200, len(whole) - 20):
        message = refusal(whole[:cut], "cut.png")
        assert message == "The file starts like a PNG but cannot be decoded."


def test_it_refuses_a_png_whose_checksum_is_wrong() -> None:
    whole = bytearray(png(40, 40))
    whole[-20] ^= 0xFF  # inside the IDAT chunk
    assert refusal(bytes(whole), "bad.png") == "The file starts like a PNG but cannot be decoded."


def test_it_refuses_a_file_named_png_that_is_not_one() -> None:
    assert refusal(b"GIF89a....", "badge.png") == ("The file is named .png but is not a PNG image.")


def test_it_refuses_what_is_neither_png_nor_svg() -> None:
    jpeg = io.BytesIO()
    Image.new("RGB", (8, 8)).save(jpeg, format="JPEG")
    assert "Only PNG and SVG" in refusal(jpeg.getvalue(), "photo.jpg")
    assert "Only PNG and SVG" in refusal(b"%PDF-1.7 ...", "badge.pdf")


def test_it_refuses_an_empty_file() -> None:
    assert refusal(b"", "badge.png") == "The image file is empty."


def test_it_refuses_an_image_over_the_size_limit_with_both_sizes() -> None:
    message = refusal(png(400, 400), "badge.png", max_bytes=1000)
    assert "the largest accepted is 1 KB" in message


# --- SVG ---------------------------------------------------------------------------------


def test_it_accepts_a_plain_svg_as_it_is_with_its_size() -> None:
    svg = (
        SVG_OPEN + ' viewBox="0 0 200 100"><defs><linearGradient id="g"/></defs>'
        '<rect width="200" height="100" fill="url(#g)" style="stroke: url(#g)"/>'
        '<use href="#g"/></svg>'
    ).encode()
    assert validate_and_normalise(svg, "badge.svg") == (svg, "image/svg+xml", 200, 100)


def test_it_reads_an_svgs_size_from_width_and_height() -> None:
    svg = (SVG_OPEN + ' width="64px" height="32"><circle r="4"/></svg>').encode()
    assert validate_and_normalise(svg, "badge.svg")[2:] == (64, 32)


def test_it_accepts_an_embedded_png_in_an_svg() -> None:
    svg = (SVG_OPEN + '><image href="data:image/png;base64,iVBORw0KGgo="/></svg>').encode()
    assert validate_and_normalise(svg, "badge.svg")[1] == "image/svg+xml"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<script>alert(1)</script>", "<script> element"),
        ('<rect onclick="alert(1)"/>', "event handler (onclick)"),
        ("<foreignObject><p>hi</p></foreignObject>", "<foreignObject> element"),
        ('<image href="https://tracker.example/pixel.png"/>', "outside the image"),
        ('<use xlink:href="other.svg#icon"/>', "outside the image"),
        ('<image href="data:image/svg+xml;base64,PHN2Zy8+"/>', "outside the image"),
        ('<a href="javascript:alert(1)"><rect/></a>', "javascript:"),
        ('<set attributeName="href" to="#x"/>', "animates href"),
        ("<style>@import url(https://evil.example/x.css);</style>", "style sheet"),
        ('<rect style="fill: url(https://evil.example/p.svg#p)"/>', "styles load"),
        ('<rect fill="url(https://evil.example/p.svg#p)"/>', "in fill"),
    ],
)
def test_it_refuses_an_svg_that_runs_code_or_loads_from_outside(body: str, expected: str) -> None:
    message = refusal((SVG_OPEN + ">" + body + "</svg>").encode())
    assert expected in message


def test_it_refuses_an_svg_onload_on_the_root() -> None:
    message = refusal(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    assert "onload" in message


def test_it_refuses_an_svg_with_entities_or_a_dtd() -> None:
    billion_laughs = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'
    )
    assert "DTD or entities" in refusal(billion_laughs)
    external = (
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    )
    assert "DTD or entities" in refusal(external)


def test_it_refuses_an_svg_that_links_a_style_sheet() -> None:
    svg = b'<?xml-stylesheet href="https://evil.example/x.css"?><svg xmlns="http://www.w3.org/2000/svg"/>'
    assert "processing instruction (xml-stylesheet)" in refusal(svg)


def test_it_refuses_xml_that_is_not_svg_and_broken_svg() -> None:
    assert "not an SVG image" in refusal(b"<html><body/></html>")
    assert "not a well-formed SVG" in refusal(b'<svg xmlns="http://www.w3.org/2000/svg">')


# --- Storage -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_stores_an_image_once_under_its_hash(personas) -> None:
    first = images.store_image(personas.uni_a, png(700, 700), "a.png", by=personas.alice)
    again = images.store_image(personas.uni_a, png(700, 700), "b.png", by=personas.alice)
    assert first.pk == again.pk
    assert DefinitionImage.objects.count() == 1
    assert first.name == f"{first.sha256}.png"
    assert (first.width, first.height) == (MAX_SIDE, MAX_SIDE)
    assert images.stored_image(first.name) == first
    assert images.stored_image(f"{first.sha256}.svg") is None
    assert images.stored_image("../../etc/passwd") is None


@pytest.mark.django_db
def test_only_those_who_define_may_store_images(personas) -> None:
    for user in (personas.victor, personas.rita, personas.dave):
        with pytest.raises(PermissionDeniedError):
            images.store_image(personas.uni_a, png(10, 10), "a.png", by=user)
    assert not DefinitionImage.objects.exists()
