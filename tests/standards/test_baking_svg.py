"""Baking credentials into SVG images: the 1EdTech baked fixtures, round trips, Open
Badges 2.0 images, and hostile XML."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.standards.baking import (
    BakedCredential,
    NotBakedError,
    bake,
    bake_svg,
    unbake,
    unbake_png,
    unbake_svg,
)
from credstack.standards.errors import BakingError
from tests.shared_data import fixture_path, read_bytes, read_json

OB30 = ("fixtures", "1edtech-validator", "ob30")
JWS = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZTppc3N1ZXIifQ.c2lnbmF0dXJl"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>'
OB3_NS = 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'
HOSTED = "https://issuer.example/a/1"
ROOT = f"<svg xmlns='http://www.w3.org/2000/svg' {OB3_NS}>"


def _ob2(inner: str, verify: str | None = None) -> str:
    attribute = f' verify="{verify}"' if verify else ""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        f"<openbadges:assertion{attribute}>{inner}</openbadges:assertion><g/></svg>"
    )


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


# --- the 1EdTech baked fixtures ---


def test_it_unbakes_1edtechs_json_svg_to_the_same_credential_as_its_png() -> None:
    baked = unbake_svg(read_bytes(*OB30, "simple-json.svg"))
    assert (baked.kind, baked.image_format) == ("ob3-json", "svg")
    assert isinstance(baked.payload, dict)
    assert baked.payload == unbake_png(read_bytes(*OB30, "simple-json.png")).payload
    simple = read_json(*OB30, "simple.json")
    assert {k: v for k, v in baked.payload.items() if k != "proof"} == {
        k: v for k, v in simple.items() if k != "proof"
    }


@pytest.mark.parametrize(
    ("name", "png_name"),
    [("simple-jwt.svg", "simple-jwt.png"), ("simple-jwt_v1.svg", "simple-jwt_v1.png")],
)
def test_it_unbakes_1edtechs_jwt_svgs_to_a_compact_jws(name: str, png_name: str) -> None:
    baked = unbake_svg(read_bytes(*OB30, name))
    assert (baked.kind, baked.image_format) == ("ob3-jwt", "svg")
    assert isinstance(baked.payload, str) and len(baked.payload.split(".")) == 3
    png_claims = _claims(str(unbake_png(read_bytes(*OB30, png_name)).payload))
    claims = _claims(baked.payload)
    credential_id = claims["vc"]["id"] if "vc" in claims else claims["id"]
    assert credential_id == (png_claims["vc"]["id"] if "vc" in png_claims else png_claims["id"])


def test_it_accepts_the_fixtures_doctype_that_only_names_the_svg_dtd() -> None:
    data = read_bytes(*OB30, "simple-json.svg")
    assert b"<!DOCTYPE svg PUBLIC" in data
    assert unbake(data).kind == "ob3-json"


def test_it_rebakes_a_fixture_replacing_its_credential_and_keeping_the_rest() -> None:
    original = read_bytes(*OB30, "simple-jwt.svg")
    rebaked = bake_svg(original, {"id": "urn:uuid:2"})
    assert unbake_svg(rebaked) == BakedCredential("ob3-json", {"id": "urn:uuid:2"}, "svg")
    assert rebaked.count(b"openbadges:credential") == 2  # start and end tag of one element
    assert rebaked.count(OB3_NS.encode()) == 1
    tail = original[original.index(b"<g>") :]
    assert rebaked.endswith(tail)


# --- baking ---


def test_it_bakes_json_in_cdata_right_after_the_root_start_tag() -> None:
    credential = read_json(*OB30, "simple.json")
    baked = bake_svg(SVG, credential)
    text = baked.decode("utf-8")
    root_end = text.index(">") + 1
    assert OB3_NS in text[:root_end]
    assert text[root_end:].lstrip().startswith("<openbadges:credential><![CDATA[{")
    assert unbake_svg(baked).payload == credential
    assert text.endswith('<circle r="4"/></svg>')


def test_it_bakes_a_jws_in_the_verify_attribute() -> None:
    baked = bake_svg(SVG.encode(), JWS)
    assert f'<openbadges:credential verify="{JWS}"/>'.encode() in baked
    assert unbake(baked) == BakedCredential("ob3-jwt", JWS, "svg")


def test_it_bakes_an_svg_whose_root_is_an_empty_element() -> None:
    baked = bake_svg('<svg xmlns="http://www.w3.org/2000/svg" width="1"/>', JWS)
    assert unbake_svg(baked).payload == JWS
    assert baked.endswith(b"</svg>")


def test_it_bakes_a_prefixed_svg_root() -> None:
    svg = '<s:svg xmlns:s="http://www.w3.org/2000/svg"/>'
    assert bake_svg(svg, JWS).endswith(b"</s:svg>")
    assert unbake_svg(bake_svg(svg, JWS)).payload == JWS


def test_it_keeps_cdata_terminators_inside_the_json_intact() -> None:
    credential = {"id": "urn:uuid:1", "name": "a ]]> b", "description": "<script>x</script>"}
    assert unbake_svg(bake(SVG.encode(), credential)).payload == credential


def test_it_replaces_an_open_badges_2_assertion_whose_prefix_is_taken() -> None:
    old = _ob2("", verify="https://issuer.example/a/1")
    baked = bake_svg(old, JWS)
    assert b"openbadges:assertion" not in baked
    assert unbake_svg(baked) == BakedCredential("ob3-jwt", JWS, "svg")


def test_it_does_not_add_a_script_and_ignores_one_when_unbaking() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
        '<script href="https://evil.example/x.js"/></svg>'
    )
    baked = bake_svg(svg, {"id": "urn:uuid:1"})
    assert baked.count(b"<script") == 2
    assert unbake_svg(baked).payload == {"id": "urn:uuid:1"}


def test_it_refuses_to_bake_a_document_not_in_utf8() -> None:
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?>' + SVG.replace("/>", ' title="é"/>')
    with pytest.raises(BakingError, match="UTF-8"):
        bake_svg(latin.encode("latin-1"), JWS)


def test_it_refuses_to_bake_into_a_document_that_is_not_svg() -> None:
    with pytest.raises(BakingError, match="root is svg in the namespace"):
        bake_svg("<html><body/></html>", JWS)


# --- Open Badges 2.0 ---


@pytest.mark.parametrize(
    ("svg", "kind", "payload"),
    [
        (_ob2(f'<![CDATA[{{"id": "{HOSTED}"}}]]>', verify=HOSTED), "ob2-json", {"id": HOSTED}),
        (_ob2("", verify=HOSTED), "ob2-url", HOSTED),
        (_ob2("", verify=JWS), "ob2-jws", JWS),
    ],
    ids=["hosted-json", "hosted-url", "signed"],
)  # fmt: skip
def test_it_unbakes_open_badges_2_svgs(svg: str, kind: str, payload: Any) -> None:
    assert unbake_svg(svg) == BakedCredential(kind, payload, "svg")  # type: ignore[arg-type]


# --- refusals ---


def test_it_refuses_an_svg_with_two_credentials() -> None:
    twice = SVG.replace(
        "<circle", f'<openbadges:credential {OB3_NS} verify="{JWS}"/><circle'
    ).replace("</svg>", f'<openbadges:credential {OB3_NS} verify="{JWS}"/></svg>')
    with pytest.raises(BakingError, match="more than one"):
        unbake_svg(twice)
    with pytest.raises(BakingError, match="more than one"):
        unbake_svg(bake_svg(_ob2("", verify=JWS), JWS).replace(b"<g/>", _ob2_element()))


def _ob2_element() -> bytes:
    return f'<x:assertion xmlns:x="http://openbadges.org" verify="{JWS}"/>'.encode()


def test_it_refuses_a_credential_with_both_json_and_a_verify_attribute() -> None:
    svg = SVG.replace(
        "<circle",
        f'<openbadges:credential {OB3_NS} verify="{JWS}">{{}}</openbadges:credential><circle',
    )
    with pytest.raises(BakingError, match="both"):
        unbake_svg(svg)


def test_it_says_when_an_svg_carries_no_credential() -> None:
    with pytest.raises(NotBakedError):
        unbake_svg(SVG)


EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
<openbadges:credential>&xxe;</openbadges:credential></svg>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>"""

EXTERNAL_DTD_SUBSET = """<?xml version="1.0"?>
<!DOCTYPE svg SYSTEM "https://evil.example/svg.dtd" [<!ELEMENT svg ANY>]>
<svg xmlns="http://www.w3.org/2000/svg"/>"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY % remote SYSTEM "https://evil.example/x.dtd"> %remote;]>
<svg xmlns="http://www.w3.org/2000/svg"/>"""


@pytest.mark.parametrize(
    "svg",
    [EXTERNAL_ENTITY, BILLION_LAUGHS, EXTERNAL_DTD_SUBSET, PARAMETER_ENTITY],
    ids=["external-entity", "billion-laughs", "internal-subset", "parameter-entity"],
)
def test_it_refuses_dtd_entities_and_external_references(svg: str) -> None:
    with pytest.raises(BakingError):
        unbake_svg(svg)
    with pytest.raises(BakingError):
        bake_svg(svg, JWS)


def test_it_refuses_an_undeclared_entity_reference() -> None:
    with pytest.raises(BakingError, match="not well-formed"):
        unbake_svg(SVG.replace("<circle", "&xxe;<circle"))


def test_it_refuses_an_svg_above_the_size_cap() -> None:
    data = read_bytes(*OB30, "simple-json.svg")
    with pytest.raises(BakingError, match="larger than"):
        unbake_svg(data, max_image_bytes=len(data) - 1)


def test_it_refuses_a_credential_above_the_credential_cap() -> None:
    data = read_bytes(*OB30, "simple-jwt.svg")
    with pytest.raises(BakingError, match="larger than"):
        unbake_svg(data, max_credential_bytes=100)


@pytest.mark.parametrize(
    "svg",
    [
        "",
        "not xml",
        "<svg xmlns='http://www.w3.org/2000/svg'>",
        "<svg>no namespace</svg>",
        f"{ROOT}<openbadges:credential>[1]</openbadges:credential></svg>",
        f"{ROOT}<openbadges:credential/></svg>",
        f"{ROOT}<openbadges:credential verify='{HOSTED}'/></svg>",
    ],
    ids=["empty", "text", "unclosed", "no-namespace", "json-array", "empty-credential", "ob3-url"],
)  # fmt: skip
def test_it_refuses_malformed_documents_and_credentials(svg: str) -> None:
    with pytest.raises(BakingError):
        unbake_svg(svg)


# --- fuzzing: only BakedCredential or BakingError ---


def _unbake_or_baking_error(data: bytes | str) -> None:
    try:
        baked = unbake_svg(data)
    except BakingError:
        return
    assert isinstance(baked, BakedCredential)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=512), st.text(max_size=512)))
def test_it_only_raises_baking_errors_for_random_input(data: bytes | str) -> None:
    _unbake_or_baking_error(data)


FIXTURE_SVGS = [
    fixture_path("ob30", name).read_bytes()
    for name in ("simple-json.svg", "simple-jwt.svg", "simple-jwt_v1.svg")
]


@settings(max_examples=200, deadline=None)
@given(
    which=st.sampled_from(range(len(FIXTURE_SVGS))),
    position=st.integers(min_value=0, max_value=2**20),
    byte=st.integers(min_value=0, max_value=255),
    cut=st.booleans(),
)
def test_it_only_raises_baking_errors_for_mutated_fixtures(
    which: int, position: int, byte: int, cut: bool
) -> None:
    image = bytearray(FIXTURE_SVGS[which])
    position %= len(image)
    if cut:
        del image[position:]
    else:
        image[position] = byte
    _unbake_or_baking_error(bytes(image))
    try:
        baked = bake_svg(bytes(image), JWS)
    except BakingError:
        return
    assert unbake_svg(baked).payload == JWS


def test_it_refuses_an_svg_that_declares_an_unknown_encoding() -> None:
    # Found by fuzzing the verifier: expat raised LookupError from the XML declaration.
    svg = b'<?xml version="1.0" encoding="utf-S"?><svg xmlns="http://www.w3.org/2000/svg"/>'
    with pytest.raises(BakingError, match="encoding"):
        unbake_svg(svg)
