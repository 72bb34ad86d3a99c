"""A compiled JSON-LD to RDF path for documents that use only the pinned contexts.

JSON-LD 1.1 Processing Algorithms §5.1 (Context Processing), §5.2 (Create Term
Definition), §5.3 (IRI Expansion), §5.5 (Expansion), §5.6 (Value Expansion), §7.1 (Node
Map Generation) and §8.1/§8.2 (Deserialize JSON-LD to RDF, Object to RDF Conversion),
specialised for credentials.

The contexts credstack signs with are pinned, and most of their terms are ``@protected``.
Their term definitions are computed once per ``@context`` list by pyld's Context Processing
(so protection, type-scoped and property-scoped contexts follow the specification), then
turned into small lookup tables. :func:`to_rdf_compiled` walks the JSON with those tables
and emits quads directly, without building the expanded form or a node map.

Inline context objects in a ``@context`` (the platform's ELM context, for one) are
compiled the same way when they use only simple term definitions (see
:func:`_compilable_inline_context`); the list is recognised by its JSON serialisation.

It covers only what it handles with certainty and returns ``None`` for anything else (an
inline context using ``@base``, ``@language``, ``@import``, scoped contexts and the like,
an unknown term, a relative IRI, ``@reverse``, ``@nest``, ``@json``, language and index
maps, ``null``, a keyword it does not know, ...). ``None`` means "use the general path"
(``jsonld/to_rdf.py``), which either produces the same dataset or raises the safe-mode
error. Producing a different dataset would be a bug.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from credstack.standards.jsonld.document_loader import document_loader, is_pinned
from credstack.standards.jsonld.nquads import Quad, escape_literal

__all__ = ["to_rdf_compiled"]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = f"<{RDF}type>"
_RDF_FIRST = f"<{RDF}first>"
_RDF_REST = f"<{RDF}rest>"
_RDF_NIL = f"<{RDF}nil>"
_XSD_STRING = f"{XSD}string"
_XSD_DOUBLE = f"{XSD}double"
_INTEGER_SUFFIX = f"^^<{XSD}integer>"
_DOUBLE_SUFFIX = f"^^<{XSD}double>"
_BOOLEAN_SUFFIX = f"^^<{XSD}boolean>"

# Integers beyond 2**53 are not exact in JavaScript processors; larger numbers fall back.
_MAX_EXACT_INTEGER = 2**53

# Node objects nested deeper fall back (each level is at most two JSON levels, and the
# general path refuses documents nested 100 levels deep).
_MAX_NODE_DEPTH = 40

# An absolute IRI as jsonld.js and pyld recognise it (scheme ":" no whitespace), narrowed
# to characters that are legal in an N-Quads IRIREF, so nothing dubious gets through.
_ABSOLUTE_IRI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\\x00-\x20\x7f\ud800-\udfff]*\Z"
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_NEEDS_ESCAPE = re.compile(r"[\x00-\x1f\"\\\x7f]")
# A string that cannot be written between quotes as it is.
_SPECIAL_STRING = re.compile('[\x00-\x1f"\\\\\x7f\ud800-\udfff]')
_LANGUAGE_TAG = re.compile(r"[a-z]{1,8}(?:-[a-z0-9]{1,8})*\Z")
_BLANK_LABEL = re.compile(r"_:[^\s\ud800-\udfff]+\Z")

# Caches keyed by document content (context lists, type lists) stop growing at this size;
# beyond it such documents fall back.
_CACHE_LIMIT = 1024
# Longest @context list compiled (credentials use two to five).
_MAX_CONTEXT_URLS = 8
# Context lists holding inline context objects are compiled up to this many at a time
# (top-level and embedded together, ~0.4 MB each with the states they lead to); when
# full, they are all forgotten and compiled again when next seen, so invented contexts
# can neither grow memory without bound nor lock the platform's own out of the fast path.
_INLINE_CACHE_LIMIT = 64
# Longest JSON serialisation of such a list compiled.
_MAX_INLINE_CONTEXT_CHARS = 65536
# How many of them are recognised by comparison, before serialising (see context_key).
_RECENT_INLINE_CONTEXTS = 4

# A member that is not there (None is JSON null).
_ABSENT = object()

# Term kinds.
_PROPERTY = 0
_ID = 1
_TYPE = 2
_UNSUPPORTED = 3

# Coercions (the term's @type mapping).
_PLAIN = 0
_COERCE_ID = 1
_COERCE_VOCAB = 2
_COERCE_DATATYPE = 3

# How a node object's key is handled on the hot path (see _Emitter.node).
_FAST_FAIL = 0  # a term or keyword the compiled path does not handle
_FAST_SKIP = 1  # @id, @type (and their aliases), @context: handled before the properties
_FAST_LITERAL = 2  # a string becomes a plain literal or one of the term's datatype
_FAST_ID = 3  # a string is an IRI (@type: @id)
_FAST_GENERAL = 4  # containers, scoped contexts, @vocab and xsd:string coercions

# Containers other than @set (which changes nothing in RDF).
_NO_CONTAINER = 0
_GRAPH = 1
_LIST = 2


class _FallbackError(Exception):
    """The document uses something the compiled path does not handle; use the general one."""


class _Term:
    """A term definition reduced to what emitting quads needs."""

    __slots__ = (
        "coercion",
        "container",
        "datatype_suffix",
        "fast",
        "iri",
        "kind",
        "predicate",
        "scoped",
        "vocab_term",
    )

    def __init__(self, mapping: Mapping[str, Any] | None) -> None:
        self.kind = _UNSUPPORTED
        self.fast = _FAST_FAIL
        self.iri = ""
        self.predicate = ""
        self.coercion = _PLAIN
        self.datatype_suffix = ""
        self.container = _NO_CONTAINER
        self.scoped: Any = None
        # The term's IRI as a vocabulary-relative value (a type name, an @vocab value).
        self.vocab_term = ""
        if mapping is None:
            return
        iri = mapping.get("@id")
        if isinstance(iri, str) and _ABSOLUTE_IRI.match(iri):
            self.vocab_term = f"<{iri}>"
        # Kept even when the term is not usable as a property: as a type name its
        # type-scoped context still applies. A null scoped context is False in pyld.
        self.scoped = mapping.get("@context")
        if not _is_supported_mapping(mapping):
            return
        if iri == "@id":
            self.kind = _ID
            self.fast = _FAST_SKIP
            return
        if iri == "@type":
            self.kind = _TYPE
            self.fast = _FAST_SKIP
            return
        if not isinstance(iri, str) or not _ABSOLUTE_IRI.match(iri):
            return
        type_mapping = mapping.get("@type")
        if type_mapping is None or type_mapping == "@none":
            self.coercion = _PLAIN
        elif type_mapping == "@id":
            self.coercion = _COERCE_ID
        elif type_mapping == "@vocab":
            self.coercion = _COERCE_VOCAB
        elif (
            isinstance(type_mapping, str)
            and type_mapping != _XSD_DOUBLE
            and _ABSOLUTE_IRI.match(type_mapping)
        ):
            self.coercion = _COERCE_DATATYPE
            # An xsd:string literal is written plain (see _Emitter.ambiguous_literals).
            self.datatype_suffix = "" if type_mapping == _XSD_STRING else f"^^<{type_mapping}>"
        else:
            return
        containers = set(mapping.get("@container") or ()) - {"@set"}
        if not containers:
            self.container = _NO_CONTAINER
        elif containers == {"@graph"}:
            self.container = _GRAPH
        elif containers == {"@list"}:
            self.container = _LIST
        else:
            return
        self.iri = iri
        self.predicate = f"<{iri}>"
        self.kind = _PROPERTY
        self.fast = _FAST_GENERAL
        if self.container == _NO_CONTAINER and self.scoped is None:
            if self.coercion == _PLAIN or (
                self.coercion == _COERCE_DATATYPE and self.datatype_suffix
            ):
                self.fast = _FAST_LITERAL
            elif self.coercion == _COERCE_ID:
                self.fast = _FAST_ID


def _is_supported_mapping(mapping: Mapping[str, Any]) -> bool:
    if mapping.get("reverse"):
        return False
    return not any(key in mapping for key in ("@language", "@direction", "@nest", "@index"))


class _State:
    """An active context (a pyld one underneath) with its compiled lookup tables.

    Transitions to type-scoped and property-scoped contexts are computed on first use and
    cached on the state they start from.
    """

    __slots__ = (
        "_embedded",
        "_lock",
        "_property_scoped",
        "_type_scoped",
        "_typed",
        "ctx",
        "id_keys",
        "keys",
        "previous",
        "terms",
        "type_keys",
        "vocab",
    )

    def __init__(self, ctx: dict[str, Any], previous: _State | None) -> None:
        self.ctx = ctx
        self.previous = previous
        self.terms: dict[str, _Term] = {
            term: _Term(mapping) for term, mapping in ctx["mappings"].items()
        }
        self.id_keys = frozenset(
            {"@id"} | {term for term, t in self.terms.items() if t.kind == _ID}
        )
        self.type_keys = frozenset(
            {"@type"} | {term for term, t in self.terms.items() if t.kind == _TYPE}
        )
        # What each key of a node object means: its term, or a keyword handled elsewhere.
        self.keys: dict[str, _Term] = dict(self.terms)
        for keyword, kind in (("@id", _ID), ("@type", _TYPE), ("@context", _ID)):
            marker = _Term(None)
            marker.kind = kind
            marker.fast = _FAST_SKIP
            self.keys[keyword] = marker
        vocab = ctx.get("@vocab")
        self.vocab: str | None = vocab if isinstance(vocab, str) else None
        self._typed: dict[Any, tuple[tuple[str, ...], _State]] = {}
        self._type_scoped: dict[str, tuple[Any, _State | None]] = {}
        self._property_scoped: dict[str, tuple[Any, _State | None]] = {}
        self._embedded: dict[tuple[str, ...], tuple[Any, _State | None]] = {}
        self._lock = threading.Lock()

    def typed(self, type_names: Any) -> tuple[tuple[str, ...], _State]:
        """The type IRIs of a node typed ``type_names`` and its state after type scoping."""
        if type_names.__class__ is str:
            names: tuple[str, ...] = (type_names,)
        elif type_names.__class__ is list:
            names = tuple(type_names)
        else:
            raise _FallbackError
        try:
            return self._typed[names]  # only lists of strings are ever stored
        except (KeyError, TypeError):
            pass
        if not all(name.__class__ is str for name in names):
            raise _FallbackError
        types = tuple(_expand_iri(self, name, vocab=True) for name in names)
        if any(t[0] == "_" for t in types):
            raise _FallbackError  # blank-node types are not compiled
        state = self
        scoped = [n for n in names if (t := self.terms.get(n)) is not None and t.scoped is not None]
        for name in sorted(scoped):
            state = state.type_scoped(name, self.terms[name].scoped)
        if state.type_keys != self.type_keys:
            raise _FallbackError  # a type-scoped context redefines what "type" means
        result = (types, state)
        if len(self._typed) < _CACHE_LIMIT:
            self._typed[names] = result
        return result

    def type_scoped(self, type_name: str, local_context: Any) -> _State:
        """The state after applying ``type_name``'s type-scoped context (not propagated)."""
        return self._transition(
            self._type_scoped, type_name, local_context, propagate=False, reset=False
        )

    def property_scoped(self, key: str, local_context: Any) -> _State:
        """The state after applying ``key``'s property-scoped context."""
        return self._transition(
            self._property_scoped, key, local_context, propagate=True, reset=True
        )

    def embedded(self, context: Any) -> _State:
        """The state after an embedded ``@context``: pinned URLs and inline objects."""
        urls = _context_urls(context)
        if urls is not None:
            return self._transition(self._embedded, urls, urls, propagate=True, reset=False)
        if not _holds_an_object(context):
            raise _FallbackError  # unknown URLs, null, ...: nothing worth compiling
        state = _inline_state(self, context)
        if state is None:
            raise _FallbackError
        return state

    def _transition(
        self,
        cache: dict[Any, tuple[Any, _State | None]],
        key: Any,
        local_context: Any,
        *,
        propagate: bool,
        reset: bool,
    ) -> _State:
        cached = cache.get(key)
        if cached is None or (cached[0] is not local_context and cached[0] != local_context):
            if len(cache) >= _CACHE_LIMIT:
                raise _FallbackError
            with self._lock:
                state = _process(
                    self.ctx, local_context, propagate=propagate, override_protected=reset
                )
                cached = (local_context, state)
                cache[key] = cached
        if cached[1] is None:
            raise _FallbackError
        return cached[1]


_states_lock = threading.RLock()
# pyld returns the same context object for the same processing, so states are shared by
# identity; each entry keeps its context alive so ids are never reused.
_states_by_context: dict[int, _State] = {}
_initial_states: dict[tuple[str, ...], _State | None] = {}


def _state_for(ctx: dict[str, Any]) -> _State:
    with _states_lock:
        state = _states_by_context.get(id(ctx))
        if state is None or state.ctx is not ctx:
            previous_ctx = ctx.get("previousContext")
            previous = _state_for(previous_ctx) if previous_ctx is not None else None
            state = _State(ctx, previous)
            _states_by_context[id(ctx)] = state
        return state


# Contexts resolved through the frozen loader only: pyld's module-wide cache is shared with
# callers that may load other documents under the same URLs.
_resolved_contexts: Any = None


def _pyld_options() -> dict[str, Any]:
    global _resolved_contexts
    from cachetools import LRUCache
    from pyld.context_resolver import ContextResolver

    if _resolved_contexts is None:
        _resolved_contexts = LRUCache(maxsize=100)
    return {
        "base": None,
        "processingMode": "json-ld-1.1",
        "documentLoader": document_loader,
        "contextResolver": ContextResolver(_resolved_contexts, document_loader),
    }


def _process(
    ctx: dict[str, Any] | None,
    local_context: Any,
    *,
    propagate: bool = True,
    override_protected: bool = False,
) -> _State | None:
    """Context Processing by pyld; None when it fails (the general path will report it)."""
    from pyld import jsonld

    processor = jsonld.JsonLdProcessor()
    options = _pyld_options()
    try:
        active = ctx if ctx is not None else processor._get_initial_context(options)
        processed = processor._process_context(
            active,
            list(local_context) if isinstance(local_context, tuple) else local_context,
            options,
            override_protected=override_protected,
            propagate=propagate,
        )
    except Exception:  # any failure here means "not for the fast path"
        return None
    if processed.get("@language") is not None or processed.get("@direction") is not None:
        return None
    return _state_for(processed)


def _context_urls(context: Any) -> tuple[str, ...] | None:
    """The URLs of a ``@context`` made only of pinned context URLs, else None."""
    urls: tuple[str, ...]
    if isinstance(context, str):
        urls = (context,)
    elif isinstance(context, list) and context and all(isinstance(u, str) for u in context):
        urls = tuple(context)
    else:
        return None
    if len(urls) > _MAX_CONTEXT_URLS or not all(is_pinned(url) for url in urls):
        return None
    return urls


def _initial_state(context: Any) -> _State | None:
    # Only lists that passed _context_urls are ever stored, so a hit needs no new check.
    if context.__class__ is list:
        try:
            return _initial_states[tuple(context)]
        except KeyError:
            pass
        except TypeError:  # an inline context object (or something that is not a URL)
            return _inline_state(None, context)
    elif context.__class__ is dict:
        return _inline_state(None, context)
    urls = _context_urls(context)
    if urls is None:
        return None
    try:
        return _initial_states[urls]
    except KeyError:
        pass
    with _states_lock:
        if urls not in _initial_states:
            if len(_initial_states) >= _CACHE_LIMIT:
                return None  # documents keep inventing context lists; not worth compiling
            _initial_states[urls] = _process(None, list(urls))
        return _initial_states[urls]


# --- Inline context objects ---------------------------------------------------------------

# Context lists holding inline objects, compiled at the top level (parent None) or as an
# embedded context in a node whose state is the parent, by (id(parent), context_key).
# Each entry keeps its parent alive, so ids are never reused. Only this index and
# _states_by_context refer to the states that start from these lists.
_inline_states: dict[tuple[int, str], tuple[_State | None, _State | None]] = {}


def _inline_state(parent: _State | None, context: Any) -> _State | None:
    """The state after ``context`` (which holds inline objects); None if not compiled."""
    key = context_key(context)
    if key is None:
        return None
    entry = _inline_states.get((id(parent), key))
    if entry is not None and entry[0] is parent:
        return entry[1]
    with _states_lock:
        entry = _inline_states.get((id(parent), key))
        if entry is None or entry[0] is not parent:
            if len(_inline_states) >= _INLINE_CACHE_LIMIT:
                # Start again rather than refuse new lists; the states of the forgotten
                # ones are freed (the states of URL lists stay reachable from theirs).
                _inline_states.clear()
                _states_by_context.clear()
            ctx = parent.ctx if parent is not None else None
            entry = (parent, _process_inline(ctx, key))
            _inline_states[(id(parent), key)] = entry
        return entry[1]


def _holds_an_object(context: Any) -> bool:
    if context.__class__ is dict:
        return True
    return context.__class__ is list and any(entry.__class__ is dict for entry in context)


def _process_inline(ctx: dict[str, Any] | None, key: str) -> _State | None:
    """Context Processing of the ``@context`` serialised as ``key``, if it is compilable.

    pyld is given a fresh copy: its context resolver keeps the inline objects it sees,
    and the caller's objects may change after this call.
    """
    local_context = json.loads(key)
    if not _compilable_local_context(local_context):
        return None
    state = _process(ctx, local_context)
    if state is not None:
        _remember_recent(json.loads(key), key)  # a snapshot of its own, never pyld's
    return state


# A serialisation that names a JSON value exactly (sorted keys: pyld's context resolver
# already treats objects with the same members in another order as the same context).
_KEY_ENCODER = json.JSONEncoder(allow_nan=False, sort_keys=True, separators=(",", ":"))

# Recently compiled context lists with inline objects: (snapshot, the paths and types of
# its numbers and booleans, key). Replaced whole, never changed in place.
_recent_inline_contexts: tuple[tuple[Any, tuple[tuple[tuple[Any, ...], type], ...], str], ...]
_recent_inline_contexts = ()


def context_key(context: Any) -> str | None:
    """A string naming the JSON value ``context`` exactly; None if it is not one.

    A context equal to one compiled recently is recognised without serialising it again
    (about 20 times faster for the platform's ELM context). Python's ``==`` takes ``1``,
    ``1.0`` and ``True`` for one another, so the types of numbers and booleans are
    compared too.
    """
    for snapshot, scalars, key in _recent_inline_contexts:
        if context == snapshot and _same_scalar_types(context, scalars):
            return key
    try:
        key = _KEY_ENCODER.encode(context)
    except (TypeError, ValueError, RecursionError):
        return None  # not JSON (a non-string key, NaN, ...): the general path reports it
    return key if len(key) <= _MAX_INLINE_CONTEXT_CHARS else None


def _remember_recent(snapshot: Any, key: str) -> None:
    global _recent_inline_contexts
    scalars = tuple(_scalar_types(snapshot, ()))
    others = tuple(entry for entry in _recent_inline_contexts if entry[2] != key)
    _recent_inline_contexts = ((snapshot, scalars, key), *others)[:_RECENT_INLINE_CONTEXTS]


def _scalar_types(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], type]]:
    """The path and type of every number and boolean in the JSON value ``value``."""
    if value.__class__ is dict:
        for name, item in value.items():
            yield from _scalar_types(item, (*path, name))
    elif value.__class__ is list:
        for index, item in enumerate(value):
            yield from _scalar_types(item, (*path, index))
    elif value.__class__ in (bool, int, float):
        yield path, value.__class__


def _same_scalar_types(value: Any, scalars: tuple[tuple[tuple[Any, ...], type], ...]) -> bool:
    for path, kind in scalars:
        item = value
        for step in path:
            item = item[step]
        if item.__class__ is not kind:
            return False
    return True


def _compilable_local_context(local_context: Any) -> bool:
    """Whether a ``@context`` holds only pinned URLs and compilable inline objects."""
    entries = local_context if local_context.__class__ is list else [local_context]
    if not entries or len(entries) > _MAX_CONTEXT_URLS:
        return False
    for entry in entries:
        if entry.__class__ is str:
            if not is_pinned(entry):
                return False
        elif entry.__class__ is not dict or not _compilable_inline_context(entry):
            return False
    return True


_TERM_DEFINITION_KEYS = frozenset({"@id", "@type", "@container", "@protected", "@prefix"})
_KEYWORD_ALIASES = frozenset({"@id", "@type"})
_TYPE_KEYWORDS = frozenset({"@id", "@vocab", "@none", "@json"})


def _compilable_inline_context(context: Mapping[str, Any]) -> bool:
    """Whether an inline context object uses only what is compiled with certainty.

    pyld's Context Processing then computes its term definitions, as for the pinned
    contexts, and the tables take what they can represent. This check keeps out what the
    general path's context processing treats differently from pyld's (terms and IRI
    mappings that look like keywords, a relative ``@vocab``) and what changes more than
    term definitions (``@base``, ``@language``, ``@direction``, ``@import``,
    ``@propagate``, scoped contexts, ``@reverse``, ``@nest``, ``@index``, terms that look
    like IRIs). Accepted: ``@version``, ``@protected``, an absolute ``@vocab``, and terms
    mapped to ``null``, to an IRI, compact IRI or term, or to ``@id``/``@type`` (aliases),
    with ``@type`` coercions, containers, ``@protected`` and ``@prefix``.
    """
    for term, definition in context.items():
        if term.startswith("@"):
            if term == "@version":
                continue  # pyld refuses anything but 1.1, as the general path does
            if term == "@protected":
                if definition.__class__ is not bool:
                    return False
            elif term == "@vocab":
                if definition.__class__ is not str or not _ABSOLUTE_IRI.match(definition):
                    return False
            else:
                return False
        elif _looks_like_an_iri(term) or not _compilable_term_definition(definition):
            return False
    return True


def _looks_like_an_iri(term: str) -> bool:
    """An empty term, or one that JSON-LD reads as a compact or relative IRI."""
    return not term or ":" in term or "/" in term


def _compilable_term_definition(definition: Any) -> bool:
    if definition is None:
        return True
    if definition.__class__ is str:
        return _compilable_iri_mapping(definition)
    if definition.__class__ is not dict or not definition.keys() <= _TERM_DEFINITION_KEYS:
        return False
    for key, value in definition.items():
        if key == "@id":
            if value is not None and (
                value.__class__ is not str or not _compilable_iri_mapping(value)
            ):
                return False
        elif key == "@type":
            if value.__class__ is not str or (
                value.startswith("@") and value not in _TYPE_KEYWORDS
            ):
                return False
        elif key == "@container":
            containers = value if value.__class__ is list else [value]
            if not all(item.__class__ is str for item in containers):
                return False
        elif value.__class__ is not bool:  # @protected, @prefix
            return False
    if definition.get("@id") in _KEYWORD_ALIASES:
        return definition.keys() <= {"@id", "@protected"}
    return True


def _compilable_iri_mapping(value: str) -> bool:
    if value.startswith("@"):
        return value in _KEYWORD_ALIASES
    return bool(value) and not value.startswith("_:")


def _number_lexical(value: int | float) -> tuple[str, str]:
    """The lexical form and default datatype suffix of a JSON number (§8.6 steps 11-12).

    An integral number below 10**21 is an xsd:integer; any other number is an xsd:double
    in canonical form. Numbers a JavaScript processor would read differently fall back:
    integers from 2**53 on, and doubles below 1e-6, which it may write as ``0``.
    """
    if isinstance(value, int):
        if abs(value) >= _MAX_EXACT_INTEGER:
            raise _FallbackError
        return str(value), _INTEGER_SUFFIX
    if not math.isfinite(value) or (value and abs(value) < 1e-6):
        raise _FallbackError
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value)), _INTEGER_SUFFIX
    from credstack.standards.jsonld.to_rdf import canonical_double

    return canonical_double(value), _DOUBLE_SUFFIX


def _string_literal(value: str) -> str:
    if not value.isascii() and _LONE_SURROGATE.search(value):
        raise _FallbackError  # not Unicode text; the general path reports it
    if _NEEDS_ESCAPE.search(value):
        return f'"{escape_literal(value)}"'
    return f'"{value}"'


def _expand_iri(state: _State, value: Any, *, vocab: bool) -> str:
    """IRI Expansion (§5.3) of ``value`` to an IRI term ``<...>`` or a ``_:`` identifier.

    Only the cases that cannot differ between processors are accepted: a term (vocab),
    a blank node identifier, an absolute IRI whose prefix is not a term, or a plain name
    appended to ``@vocab``. Anything else raises _FallbackError.
    """
    if value.__class__ is not str or value.startswith("@"):
        raise _FallbackError
    if vocab:
        term = state.terms.get(value)
        if term is not None:
            if not term.vocab_term:
                raise _FallbackError  # maps to a keyword, to null, or to something odd
            return term.vocab_term
    colon = value.find(":")
    if colon > 0:
        prefix = value[:colon]
        if prefix == "_":
            if not _BLANK_LABEL.match(value):
                raise _FallbackError
            return value
        if not value.startswith("//", colon + 1) and prefix in state.terms:
            raise _FallbackError  # a compact IRI; not compiled
        if _ABSOLUTE_IRI.match(value):
            return f"<{value}>"
        raise _FallbackError
    if vocab and colon < 0 and state.vocab is not None:
        iri = state.vocab + value
        if _ABSOLUTE_IRI.match(iri):
            return f"<{iri}>"
    raise _FallbackError


class _Emitter:
    """One run of the walk: the quads and the blank-node labels issued so far."""

    __slots__ = ("ambiguous_literals", "blank_labels", "counter", "depth", "quads")

    def __init__(self) -> None:
        self.quads: list[Quad] = []
        # Literals that did not come from a plain JSON string: two different expanded
        # values (7 and {"@value": "7", "@type": xsd:integer}) can give the same quad,
        # which processors then keep twice. Such repeated quads are not merged here.
        self.ambiguous_literals: set[str] = set()
        self.counter = 0
        self.depth = 0
        self.blank_labels: dict[str, str] = {}

    def fresh_blank(self) -> str:
        label = f"_:b{self.counter}"
        self.counter += 1
        return label

    def resource(self, state: _State, value: Any, *, vocab: bool) -> str:
        """An IRI or blank node term for ``value`` (document blank nodes relabelled)."""
        term = _expand_iri(state, value, vocab=vocab)
        if term[0] == "_":
            # Blank node identifiers are scoped to the whole document (§7.1).
            label = self.blank_labels.get(term)
            if label is None:
                label = self.blank_labels[term] = self.fresh_blank()
            return label
        return term

    # Expansion (§5.5) and Object to RDF Conversion (§8.2), fused.

    def node(
        self,
        element: Mapping[str, Any],
        state: _State,
        key: str | None,
        term: _Term | None,
        graph: str,
    ) -> str:
        """Emit the quads of a node object and return its subject term.

        ``state`` is the active context of the map holding ``element`` under ``key``
        (``term`` is that key's definition); ``key`` is None for the top-level node.
        """
        self.depth += 1
        if self.depth > _MAX_NODE_DEPTH:
            raise _FallbackError
        first_quad = len(self.quads)
        # §5.5 step 7: a type-scoped context does not apply to a new node object, unless
        # the map is only a reference ({"id": ...}).
        previous = state.previous
        if previous is not None and not (
            len(element) == 1 and next(iter(element)) in state.id_keys
        ):
            state = previous
        # §5.5 step 8: the property-scoped context applies after reverting.
        if term is not None and term.scoped is not None:
            state = state.property_scoped(key, term.scoped)  # type: ignore[arg-type]
        # §5.5 step 9: an embedded context, compiled only when it lists pinned URLs.
        if key is not None and "@context" in element:
            state = state.embedded(element["@context"])

        # §5.5 steps 10-11: types expand in the context before type-scoped contexts
        # apply; those contexts apply in lexicographical order of the type names.
        # A type given as null is not an absent type: the general path decides on it.
        type_names: Any = _ABSENT
        for type_key in state.type_keys:
            if type_key in element:
                if type_names is not _ABSENT:
                    raise _FallbackError
                type_names = element[type_key]
        types: tuple[str, ...] = ()
        if type_names is not _ABSENT:
            types, state = state.typed(type_names)

        subject = ""
        for id_key in state.id_keys:
            if id_key in element:
                if subject:
                    raise _FallbackError
                subject = self.resource(state, element[id_key], vocab=False)
        if not subject:
            subject = self.fresh_blank()
        append = self.quads.append
        for type_term in types:
            append((subject, _RDF_TYPE, type_term, graph))

        keys = state.keys
        special = _SPECIAL_STRING.search
        for name, value in element.items():
            definition = keys.get(name)
            if definition is None:
                # Not a term: only a plain name under @vocab is compiled.
                if (
                    name.__class__ is not str
                    or name.startswith("@")
                    or state.vocab is None
                    or ":" in name
                ):
                    raise _FallbackError
                predicate = _expand_iri(state, name, vocab=True)
                for item in value if value.__class__ is list else (value,):
                    append((subject, predicate, self.object(item, state, name, None, graph), graph))
                continue
            fast = definition.fast
            if fast == _FAST_LITERAL and value.__class__ is str:
                if special(value) is None:
                    obj = f'"{value}"{definition.datatype_suffix}'
                else:
                    obj = _string_literal(value) + definition.datatype_suffix
                append((subject, definition.predicate, obj, graph))
            elif fast == _FAST_SKIP:
                continue
            elif fast == _FAST_FAIL:
                raise _FallbackError
            elif fast == _FAST_ID and value.__class__ is str:
                obj = self.resource(state, value, vocab=False)
                append((subject, definition.predicate, obj, graph))
            elif definition.container != _NO_CONTAINER:
                self.container_values(value, state, name, definition, subject, graph)
            elif value.__class__ is list:
                predicate = definition.predicate
                for item in value:
                    obj = self.object(item, state, name, definition, graph)
                    append((subject, predicate, obj, graph))
            else:
                obj = self.object(value, state, name, definition, graph)
                append((subject, definition.predicate, obj, graph))
        if key is None and len(self.quads) == first_quad:
            # A top-level object that states nothing is dropped; safe mode refuses it.
            raise _FallbackError
        self.depth -= 1
        return subject

    def container_values(
        self,
        value: Any,
        state: _State,
        key: str,
        term: _Term,
        subject: str,
        graph: str,
    ) -> None:
        predicate = term.predicate
        append = self.quads.append
        if term.container == _LIST:
            append((subject, predicate, self.list_head(value, state, key, term, graph), graph))
            return
        # @graph: each value is a node object in a graph named by a fresh blank node.
        for item in value if value.__class__ is list else (value,):
            if item.__class__ is not dict or "@value" in item:
                raise _FallbackError
            graph_name = self.fresh_blank()
            append((subject, predicate, graph_name, graph))
            stated = len(self.quads)
            self.node(item, state, key, term, graph_name)
            if len(self.quads) == stated:
                # Like a top-level object, a graph's node that states nothing is dropped.
                raise _FallbackError

    def list_head(self, value: Any, state: _State, key: str, term: _Term, graph: str) -> str:
        items = value if value.__class__ is list else [value]
        if not items:
            return _RDF_NIL
        objects = []
        for item in items:
            if item.__class__ is list:
                raise _FallbackError  # lists of lists
            objects.append(self.object(item, state, key, term, graph))
        head = node = self.fresh_blank()
        append = self.quads.append
        last = len(objects) - 1
        for index, obj in enumerate(objects):
            append((node, _RDF_FIRST, obj, graph))
            if index == last:
                append((node, _RDF_REST, _RDF_NIL, graph))
            else:
                following = self.fresh_blank()
                append((node, _RDF_REST, following, graph))
                node = following
        return head

    def object(self, item: Any, state: _State, key: str, term: _Term | None, graph: str) -> str:
        """The RDF term for one value of ``key`` (emitting an embedded node's quads)."""
        if item.__class__ is dict:
            if "@value" in item:
                return self.value_object(item, state, key, term)
            return self.node(item, state, key, term, graph)
        if term is not None and term.scoped is not None:
            # §5.5 step 4: a scalar is expanded with the property-scoped context applied.
            state = state.property_scoped(key, term.scoped)
            term = state.terms.get(key)
            if term is None or term.kind != _PROPERTY:
                raise _FallbackError
        if item.__class__ is str:
            if term is None:
                return _string_literal(item)
            coercion = term.coercion
            if coercion == _PLAIN:
                return _string_literal(item)
            if coercion == _COERCE_DATATYPE:
                if not term.datatype_suffix:
                    return self.ambiguous(_string_literal(item))
                return _string_literal(item) + term.datatype_suffix
            return self.resource(state, item, vocab=coercion == _COERCE_VOCAB)
        if item.__class__ is bool:
            lexical = '"true"' if item else '"false"'
            if term is not None and term.coercion == _COERCE_DATATYPE:
                return self.ambiguous(lexical + term.datatype_suffix)
            return self.ambiguous(lexical + _BOOLEAN_SUFFIX)
        if item.__class__ is int or item.__class__ is float:
            lexical, suffix = _number_lexical(item)
            if term is not None and term.coercion == _COERCE_DATATYPE:
                suffix = term.datatype_suffix
            return self.ambiguous(f'"{lexical}"{suffix}')
        raise _FallbackError  # null, or something that is not JSON

    def value_object(
        self, item: Mapping[str, Any], state: _State, key: str, term: _Term | None
    ) -> str:
        """A value object with ``@value`` and at most one of ``@type`` / ``@language``."""
        return self.ambiguous(self.value_object_literal(item, state, key, term))

    def ambiguous(self, literal: str) -> str:
        self.ambiguous_literals.add(literal)
        return literal

    def value_object_literal(
        self, item: Mapping[str, Any], state: _State, key: str, term: _Term | None
    ) -> str:
        if len(item) > 2:
            raise _FallbackError
        if term is not None and term.scoped is not None:
            state = state.property_scoped(key, term.scoped)
        value = item["@value"]
        datatype: str | None = None
        language: str | None = None
        for name, entry in item.items():
            if name == "@value":
                continue
            if name == "@language":
                if entry.__class__ is not str or not _LANGUAGE_TAG.match(entry):
                    raise _FallbackError
                language = entry
            elif name in state.type_keys:
                datatype = _expand_iri(state, entry, vocab=True)
                if datatype[0] == "_":
                    raise _FallbackError
            else:
                raise _FallbackError
        if value.__class__ is str:
            if language is not None:
                return f"{_string_literal(value)}@{language}"
            if datatype is None or datatype == f"<{_XSD_STRING}>":
                return _string_literal(value)
            if datatype == f"<{_XSD_DOUBLE}>":
                raise _FallbackError  # pyld rewrites such strings; not worth the ambiguity
            return f"{_string_literal(value)}^^{datatype}"
        if language is not None:
            raise _FallbackError
        if value.__class__ is bool:
            lexical = '"true"' if value else '"false"'
            return lexical + (f"^^{datatype}" if datatype else _BOOLEAN_SUFFIX)
        if value.__class__ is int or value.__class__ is float:
            if datatype == f"<{_XSD_DOUBLE}>":
                raise _FallbackError  # an integer typed xsd:double is written as a double
            number, suffix = _number_lexical(value)
            return f'"{number}"' + (f"^^{datatype}" if datatype else suffix)
        raise _FallbackError


def to_rdf_compiled(document: Mapping[str, Any]) -> list[Quad] | None:
    """The RDF dataset of ``document`` as quads, or None to use the general path.

    Preconditions: ``document`` is parsed JSON. Its top-level ``@context`` must be a pinned
    context URL, or a list of pinned URLs and inline context objects that use only simple
    term definitions; documents using anything the compiled tables do not cover give
    None. Blank-node labels are ``_:b0``, ``_:b1``, ... in walk order (arbitrary,
    unique); each quad appears once.
    """
    if not isinstance(document, Mapping):
        return None
    state = _initial_state(document.get("@context"))
    if state is None:
        return None
    emitter = _Emitter()
    try:
        emitter.node(document, state, None, None, "")
    except _FallbackError:
        return None
    quads = emitter.quads
    if len(set(quads)) != len(quads):
        # Node Map Generation merges a node stated twice and drops a repeated value, but
        # keeps equal literals written in different forms.
        ambiguous = emitter.ambiguous_literals
        unique: dict[Quad, None] = {}
        for quad in quads:
            if quad in unique and quad[2] in ambiguous:
                return None
            unique[quad] = None
        quads = list(unique)
    return quads
