"""RDF terms and quads in canonical N-Quads form (RDF 1.1 N-Quads; RDFC-1.0 §4.2).

The trust core represents a quad as a tuple of four strings, each already written in
canonical N-Quads term syntax, so canonicalization only relabels blank nodes and sorts:

* IRI: ``<https://example.com/x>``
* blank node: ``_:b0``
* literal: ``"lexical"``, ``"lexical"@en`` or ``"lexical"^^<datatype>``
  (``xsd:string`` is never written)
* graph: one of the above for a named graph, ``""`` for the default graph
"""

from __future__ import annotations

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
