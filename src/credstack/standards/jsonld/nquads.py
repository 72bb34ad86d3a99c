"""RDF terms and quads in canonical N-Quads form (RDF 1.1 N-Quads; RDFC-1.0 §4.2).

The trust core represents a quad as a tuple of four strings, each already written in
canonical N-Quads term syntax, so canonicalization only relabels blank nodes and sorts:

* IRI: ``<https://example.com/x>``
* blank node: ``_:b0``
* literal: ``"lexical"``, ``"lexical"@en`` or ``"lexical"^^<datatype>``
  (``xsd:string`` is never written)
* graph: one of the above for a named graph, ``""`` for the default graph

:func:`parse_nquads` reads an N-Quads document into this form; :func:`serialize_quads`
writes it back.
"""

from __future__ import annotations

import re

from credstack.standards.errors import NQuadsSyntaxError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Quad = tuple[str, str, str, str]

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def _escape_char(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if code <= 0x1F or code == 0x7F:
        return f"\\u{code:04X}"
    return char


_NEEDS_ESCAPE = frozenset(_ESCAPES) | {chr(c) for c in range(0x20)} | {"\x7f"}


def escape_literal(value: str) -> str:
    """Escape a literal's lexical form as RDFC-1.0 requires (quote, backslash, controls)."""
    if not _NEEDS_ESCAPE.intersection(value):
        return value
    return "".join(_escape_char(c) for c in value)


def iri(value: str) -> str:
    return f"<{value}>"


def blank(label: str) -> str:
    return f"_:{label}"


def literal(value: str, datatype: str | None = None, language: str | None = None) -> str:
    text = f'"{escape_literal(value)}"'
    if language:
        return f"{text}@{language}"
    if datatype and datatype != XSD_STRING:
        return f"{text}^^<{datatype}>"
    return text


def is_blank(term: str) -> bool:
    return term.startswith("_:")


def serialize_quad(quad: Quad) -> str:
    subject, predicate, obj, graph = quad
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


def serialize_quads(quads: list[Quad]) -> str:
    """N-Quads text of ``quads`` in the given order, one line each."""
    return "".join(serialize_quad(q) for q in quads)


# --- Parsing (RDF 1.1 N-Quads, §5 grammar) ---------------------------------------------

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRIREF = rf"<(?:[^\x00-\x20<>\"{{}}|^`\\]|{_UCHAR})*+>"
_BLANK_NODE_LABEL = rf"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_STRING_LITERAL_QUOTE = rf"\"(?:[^\"\\\n\r]|\\[tbnrf\"'\\]|{_UCHAR})*+\""
_LANGTAG = r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"
# Possessive quantifiers (Python 3.11) keep a failing match linear in the line's length.
_WS = r"[ \t]*+"

_STATEMENT = re.compile(
    rf"{_WS}(?P<subject>{_IRIREF}|{_BLANK_NODE_LABEL})"
    rf"{_WS}(?P<predicate>{_IRIREF})"
    rf"{_WS}(?:(?P<object>{_IRIREF}|{_BLANK_NODE_LABEL})"
    rf"|(?P<lexical>{_STRING_LITERAL_QUOTE})"
    rf"(?:{_WS}\^\^{_WS}(?P<datatype>{_IRIREF})|{_WS}(?P<language>{_LANGTAG}))?)"
    rf"{_WS}(?P<graph>{_IRIREF}|{_BLANK_NODE_LABEL})?"
    rf"{_WS}\.{_WS}(?:#.*)?"
)
_NOTHING = re.compile(rf"{_WS}(?:#.*)?")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_ESCAPE_SEQUENCE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHAR_VALUES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'"}
_ECHAR_VALUES["\\"] = "\\"
_SURROGATE = re.compile("[\ud800-\udfff]")
_IRI_FORBIDDEN = re.compile(r"[\x00-\x20<>\"{}|^`\\]")
_IRI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


class _UnescapeError(ValueError):
    pass


def _unescape_match(match: re.Match[str]) -> str:
    hex_digits = match.group(1) or match.group(2)
    if hex_digits is None:
        return _ECHAR_VALUES[match.group(3)]
    code = int(hex_digits, 16)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise _UnescapeError(f"\\u escape {hex_digits} is not a Unicode scalar value")
    return chr(code)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE_SEQUENCE.sub(_unescape_match, text)


def _iri_term(token: str) -> str:
    value = _unescape(token[1:-1])
    if _IRI_FORBIDDEN.search(value):
        raise _UnescapeError(f"IRI {value!r} holds a character IRIs may not contain")
    if not _IRI_SCHEME.match(value):
        raise _UnescapeError(f"IRI {value!r} is not absolute")
    return f"<{value}>"


def _node_term(token: str) -> str:
    return token if token[0] == "_" else _iri_term(token)


def parse_nquads(text: str) -> list[Quad]:
    """Parse an RDF 1.1 N-Quads document into quads in canonical term form.

    Escapes are resolved and literals re-escaped as RDFC-1.0 writes them (so ``"\\u0041"``
    becomes ``"A"``), an ``xsd:string`` datatype is dropped, and blank node labels are kept.
    Quads keep document order; duplicates are kept (canonicalization removes them).

    Raises NQuadsSyntaxError naming the line number for anything the grammar does not
    allow, for escapes that are not Unicode scalar values and for relative IRIs.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_nquads() takes str, not {type(text).__name__}")
    quads: list[Quad] = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        match = _STATEMENT.fullmatch(line)
        if match is None:
            if _NOTHING.fullmatch(line):
                continue
            raise NQuadsSyntaxError(f"line {number}: not an N-Quads statement: {line[:120]!r}")
        if _SURROGATE.search(line):
            raise NQuadsSyntaxError(f"line {number}: holds a lone surrogate code point")
        try:
            subject = _node_term(match["subject"])
            predicate = _iri_term(match["predicate"])
            lexical = match["lexical"]
            if lexical is None:
                obj = _node_term(match["object"])
            else:
                datatype = match["datatype"]
                obj = literal(
                    _unescape(lexical[1:-1]),
                    datatype=_iri_term(datatype)[1:-1] if datatype else None,
                    language=match["language"][1:] if match["language"] else None,
                )
            graph = match["graph"]
            quads.append((subject, predicate, obj, _node_term(graph) if graph else ""))
        except _UnescapeError as error:
            raise NQuadsSyntaxError(f"line {number}: {error}") from None
    return quads
