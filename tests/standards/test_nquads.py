from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.standards.errors import NQuadsSyntaxError
from credstack.standards.jsonld.nquads import (
    blank,
    iri,
    literal,
    parse_nquads,
    serialize_quads,
)
from tests.shared_data import read_text, standards_path

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_it_parses_a_triple_and_a_quad_into_canonical_terms() -> None:
    text = (
        '<urn:ex:s> <urn:ex:p> "v"@en-GB .\n'
        "_:b0 <urn:ex:p> <urn:ex:o> <urn:ex:g> .\n"
        '_:b0 <urn:ex:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> _:g .\n'
    )
    assert parse_nquads(text) == [
        ("<urn:ex:s>", "<urn:ex:p>", '"v"@en-GB', ""),
        ("_:b0", "<urn:ex:p>", "<urn:ex:o>", "<urn:ex:g>"),
        ("_:b0", "<urn:ex:p>", f'"1"^^<{XSD}integer>', "_:g"),
    ]


def test_it_drops_the_xsd_string_datatype() -> None:
    quads = parse_nquads(f'<urn:ex:s> <urn:ex:p> "v"^^<{XSD}string> .')
    assert quads[0][2] == '"v"'


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        (r'"\u0041"', '"A"'),
        (r'"\U0001F303"', '"\U0001f303"'),
        (r'"\t\b\n\r\f\"\'\\"', r'"\t\b\n\r\f\"' + "'" + r'\\"'),
        (r'"\u0000\u001f\u007f\u0080"', '"\\u0000\\u001F\\u007F\x80"'),
        (r'"\u000b\u000e"', r'"\u000B\u000E"'),
        ('"tab\there"', r'"tab\there"'),
        ('"∞"', '"∞"'),
    ],
)
def test_it_reescapes_literals_as_rdfc_1_0_writes_them(written: str, canonical: str) -> None:
    assert parse_nquads(f"<urn:ex:s> <urn:ex:p> {written} .")[0][2] == canonical


def test_it_resolves_escapes_in_iris() -> None:
    quads = parse_nquads(r'<urn:ex:\u0065\u0078> <urn:ex:p> "d"^^<urn:ex:\u0064\u0074> .')
    assert quads == [("<urn:ex:ex>", "<urn:ex:p>", '"d"^^<urn:ex:dt>', "")]


def test_it_skips_comments_blank_lines_and_extra_whitespace() -> None:
    text = (
        "# a comment\n"
        "\n"
        "   \t\n"
        "<urn:ex:s>\t<urn:ex:p>   <urn:ex:o> . # trailing comment\r\n"
        "<urn:ex:s><urn:ex:p>_:o.\r"
        '<urn:ex:s> <urn:ex:p> "#not a comment" .\n'
        '<urn:ex:s> <urn:ex:p> "Alice" @en .\n'
        f'<urn:ex:s> <urn:ex:p> "2"  ^^  <{XSD}integer> .'
    )
    assert parse_nquads(text) == [
        ("<urn:ex:s>", "<urn:ex:p>", "<urn:ex:o>", ""),
        ("<urn:ex:s>", "<urn:ex:p>", "_:o", ""),
        ("<urn:ex:s>", "<urn:ex:p>", '"#not a comment"', ""),
        ("<urn:ex:s>", "<urn:ex:p>", '"Alice"@en', ""),
        ("<urn:ex:s>", "<urn:ex:p>", f'"2"^^<{XSD}integer>', ""),
    ]


def test_it_keeps_dots_inside_blank_node_labels() -> None:
    assert parse_nquads("_:a.b <urn:ex:p> _:c.d .")[0] == ("_:a.b", "<urn:ex:p>", "_:c.d", "")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("<urn:ex:s> <urn:ex:p> <urn:ex:o>", 1),
        ('<urn:ex:s> <urn:ex:p> "o" .\n"s" <urn:ex:p> <urn:ex:o> .', 2),
        ("<urn:ex:s> _:p <urn:ex:o> .", 1),
        ('\n\n<urn:ex:s> <urn:ex:p> "unterminated .', 3),
        (r'<urn:ex:s> <urn:ex:p> "bad \q escape" .', 1),
        ("<urn:ex:s> <urn:ex:p> <has space> .", 1),
        ("<relative> <urn:ex:p> <urn:ex:o> .", 1),
        (r"<urn:ex:\u0020> <urn:ex:p> <urn:ex:o> .", 1),
        (r'<urn:ex:s> <urn:ex:p> "\ud800" .', 1),
        (r'<urn:ex:s> <urn:ex:p> "\U00110000" .', 1),
        ('<urn:ex:s> <urn:ex:p> "o"@ .', 1),
        ('<urn:ex:s> <urn:ex:p> "o" "g" .', 1),
        ("<urn:ex:s> <urn:ex:p> <urn:ex:o> <urn:ex:g> <urn:ex:x> .", 1),
        ("_:a. <urn:ex:p> <urn:ex:o> .", 1),
        # W3C rdf-tests (rdf11/rdf-n-triples) nt-syntax-bad-bnode-01 and -02: no colons.
        ("_::a  <http://example/p> <http://example/o> .", 1),
        ("_:abc:def  <http://example/p> <http://example/o> .", 1),
    ],
)
def test_it_rejects_bad_syntax_with_the_line_number(text: str, line: int) -> None:
    with pytest.raises(NQuadsSyntaxError, match=f"^line {line}:"):
        parse_nquads(text)


def test_it_refuses_bytes_as_a_caller_mistake() -> None:
    with pytest.raises(TypeError):
        parse_nquads(b"<urn:ex:s> <urn:ex:p> <urn:ex:o> .")  # type: ignore[arg-type]


_CANONICAL_FORMS = sorted(
    path.name for path in standards_path("vectors", "w3c-rdf-canon", "rdfc10").glob("*-rdfc10.nq")
)


@pytest.mark.parametrize("name", _CANONICAL_FORMS)
def test_it_reads_every_canonical_form_of_the_w3c_suite_back_to_the_same_text(name: str) -> None:
    text = read_text("vectors", "w3c-rdf-canon", "rdfc10", name)
    assert serialize_quads(parse_nquads(text)) == text


_lexical = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
_iri = st.from_regex(r"urn:ex:[a-z0-9]{1,8}", fullmatch=True).map(iri)
_blank = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True).map(blank)
_literal = st.one_of(
    _lexical.map(literal),
    st.tuples(_lexical, st.from_regex(r"[a-z]{2}(-[A-Z]{2})?", fullmatch=True)).map(
        lambda pair: literal(pair[0], language=pair[1])
    ),
    st.tuples(_lexical, st.sampled_from([f"{XSD}integer", f"{XSD}string", "urn:ex:dt"])).map(
        lambda pair: literal(pair[0], datatype=pair[1])
    ),
)
_quad = st.tuples(
    st.one_of(_iri, _blank),
    _iri,
    st.one_of(_iri, _blank, _literal),
    st.one_of(st.just(""), _iri, _blank),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_quad, max_size=8))
def test_it_reads_back_what_serialize_quads_writes(quads: list[tuple[str, str, str, str]]) -> None:
    assert parse_nquads(serialize_quads(quads)) == quads
