"""JSON-LD 1.1 to RDF with safe mode (JSON-LD 1.1 API §8 "Deserialize JSON-LD to RDF").

This is the general path of the trust core: any JSON-LD document, any context the
document loader can serve, turned into the quads that eddsa-rdfc-2022 canonicalizes.

Context processing and the Expansion Algorithm (JSON-LD 1.1 API §4.1, §5.1) are pyld's;
the Node Map Generation is pyld's; the conversion of the node map to quads (§8.1 to
§8.3: Deserialize JSON-LD to RDF, Object to RDF, List to RDF) is written here so that
literals are formed exactly as JSON-LD 1.1 and jsonld.js form them.

Two of pyld's defaults are not the signing defaults (PITFALLS.md §1), so they are
replaced here:

* **No base IRI.** The document has no base (jsonld.js ``base: null``): a relative IRI
  stays relative and is refused, never resolved against pyld's made-up
  ``http://example.org/base/``. Only an absolute ``@base`` given by a context resolves
  relative IRIs, as in jsonld.js.
* **Safe mode, always on.** jsonld.js's ``safe: true`` refuses a document in which
  expansion or conversion to RDF would silently lose something, because a signer
  would otherwise sign less than the document shows. Every such case raises
  :class:`UnsafeDocumentError` naming the term or value and its JSON path. The cases
  are those of jsonld.js's safe-mode event list: a property or term that expands to
  nothing or to a relative IRI ("invalid property"), a relative ``@id`` or ``@type``
  ("relative @id/@type reference"), a relative ``@vocab``, terms, ``@id`` and
  ``@reverse`` values that look like keywords ("reserved term/@id/@reverse value"),
  a ``@language`` that is not well-formed BCP 47, dropped free-floating values
  ("free-floating scalar", "empty object", "object with only @id/@value/@list/
  @language", "null @value value"), a ``@direction`` while ``rdfDirection`` is unset,
  and, in the conversion to RDF, any subject, predicate, object, datatype or graph
  IRI that is not absolute, and blank-node predicates (generalized RDF is off).

Two further refusals make the N-Quads of a document unambiguous where jsonld.js is
silent: an IRI holding a character N-Quads does not allow in an IRI (space, ``<``,
``>``, ``"``, ``{``, ``}``, ``|``, ``^``, backtick, backslash, controls), and a string
typed ``xsd:double`` that is not a decimal number (jsonld.js would write ``NaN``).
"""

from __future__ import annotations

import copy
import math
import re
import threading
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import rfc8785
from cachetools import LRUCache
from pyld import jsonld as pyld_jsonld
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from credstack.standards.errors import (
    DocumentLoadingError,
    JsonLdError,
    StandardsError,
    UnsafeDocumentError,
)
from credstack.standards.jsonld import document_loader as frozen_loader
from credstack.standards.jsonld.nquads import Quad, blank, iri, literal

DocumentLoader = Callable[[str, Any], Mapping[str, Any]]
"""A pyld-compatible loader: ``loader(url, options) -> {contextUrl, documentUrl, document}``."""

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
RDF_FIRST = RDF + "first"
RDF_REST = RDF + "rest"
RDF_NIL = RDF + "nil"
RDF_LANG_STRING = RDF + "langString"
RDF_JSON = RDF + "JSON"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_BOOLEAN = XSD + "boolean"
XSD_DOUBLE = XSD + "double"
XSD_INTEGER = XSD + "integer"

MAX_DEPTH = 100
"""Deepest nesting of JSON objects and arrays accepted (credentials need fewer than 10)."""

# jsonld.js's tests, which JSON-LD 1.1 processors share: an absolute IRI (or blank node
# identifier) has a scheme and no white space; a keyword-like string is "@" + letters;
# a language tag is well-formed in the simplified BCP 47 form of JSON-LD 1.1 §9.
_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+\-.]*|_):[^\s]*$")
_KEYWORD_LIKE = re.compile(r"^@[a-zA-Z]+$")
_BCP47 = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
# Characters RDF 1.1 N-Quads' IRIREF production does not allow unescaped.
_IRI_FORBIDDEN = re.compile(r"[\x00-\x20<>\"{}|^`\\]")
_DECIMAL_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# JavaScript numbers: integers beyond 2**53 lose precision, and 10**21 and beyond are
# written as doubles (JSON-LD 1.1 API §8.2 Object to RDF Conversion, and jsonld.js).
_MAX_SAFE_INTEGER = 2**53
_DOUBLE_THRESHOLD = 10**21
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# Stands for "no document base" in pyld's options, so that a document-relative
# expansion can be told apart from a vocabulary-only one (see _SafeProcessor._expand_iri).
_NO_BASE = "credstack-no-base:"

# Contexts processed through the frozen loader are cached here; pyld's own module cache
# is shared with code that does not check safety, so it is not used.
_FROZEN_CONTEXT_CACHE: LRUCache[Any, Any] = LRUCache(maxsize=200)
# pyld reads and updates that cache (and the processed-context caches inside it) without
# locking; conversions through it take turns. pyld is pure Python, so under the GIL
# this costs no parallelism.
_FROZEN_CONTEXT_LOCK = threading.Lock()


def is_absolute_iri(value: object) -> bool:
    """True for an absolute IRI or blank node identifier, in jsonld.js's sense."""
    return isinstance(value, str) and _ABSOLUTE_IRI.match(value) is not None


def to_rdf(
    document: Mapping[str, Any], *, document_loader: DocumentLoader | None = None
) -> list[Quad]:
    """The RDF dataset of a JSON-LD document, as quads in ``nquads`` term syntax.

    Preconditions: ``document`` is parsed JSON (dicts, lists, str, int, float, bool,
    None). Contexts are loaded only through ``document_loader`` (default: the frozen
    loader over the pinned contexts; never the network).

    1. Copy the document, checking it is JSON and recording each value's JSON path.
    2. Expand it with pyld, no base IRI, refusing every unsafe case as it is met.
    3. Generate the node map (JSON-LD 1.1 API §7.2) and convert it to quads (§8).

    Blank-node labels are arbitrary (canonicalization relabels them). Raises
    :class:`UnsafeDocumentError` when safe mode refuses the document,
    :class:`DocumentLoadingError` for a context the loader does not have,
    :class:`JsonLdError` for any other JSON-LD error or a document that is not a JSON
    object, and ``ValueError`` for Python values that are not JSON.
    """
    if not isinstance(document, Mapping):
        raise JsonLdError(
            f"a JSON-LD document must be a JSON object, not {type(document).__name__}"
        )
    paths: dict[int, str] = {}
    copied = _copy_json(document, "", 0, paths)
    processor = _SafeProcessor(paths, copied)
    if document_loader is not None:
        return processor.document_to_rdf(copied, document_loader)
    with _FROZEN_CONTEXT_LOCK:
        return processor.document_to_rdf(copied, None)


# --- Step 1: the document as JSON, with paths -------------------------------------------


def _path_of_key(path: str, key: str) -> str:
    if re.fullmatch(r"[@A-Za-z_$][\w@$:\-]*", key):
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


def _describe_path(path: str) -> str:
    return path or "(document)"


def _copy_json(value: Any, path: str, depth: int, paths: dict[int, str]) -> Any:
    """A fresh copy of ``value`` made of dict, list and JSON scalars only."""
    if isinstance(value, str):
        if _LONE_SURROGATE.search(value):
            raise JsonLdError(
                f"{_describe_path(path)}: the string holds a lone surrogate, which is not "
                "Unicode text and cannot be written in UTF-8"
            )
        return value
    if isinstance(value, int) and not isinstance(value, bool) and not _fits_a_double(value):
        raise _unsafe(path, f"the integer {value} is beyond the range of a double")
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise JsonLdError(f"{_describe_path(path)}: {value!r} is not a JSON number")
        return value
    if depth >= MAX_DEPTH:
        raise JsonLdError(
            f"{_describe_path(path)}: the document is nested more than {MAX_DEPTH} levels deep"
        )
    if isinstance(value, Mapping):
        copied: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(
                    f"{_describe_path(path)}: JSON object keys are strings, not {key!r}"
                )
            _copy_json(key, path, depth, paths)  # the same checks as a string value
            copied[key] = _copy_json(item, _path_of_key(path, key), depth + 1, paths)
        paths[id(copied)] = path
        return copied
    if isinstance(value, (list, tuple)):
        copied_list = [
            _copy_json(item, f"{path}[{index}]", depth + 1, paths)
            for index, item in enumerate(value)
        ]
        paths[id(copied_list)] = path
        return copied_list
    raise ValueError(f"{_describe_path(path)}: {type(value).__name__} is not a JSON value")


# --- Step 2: expansion with safe mode ---------------------------------------------------


def _unsafe(path: str, message: str) -> UnsafeDocumentError:
    return UnsafeDocumentError(f"{_describe_path(path)}: {message}")


class _SafeProcessor(pyld_jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with jsonld.js's safe-mode checks at the points they arise.

    Each override calls pyld's own step and then looks at what it produced (or is
    about to drop), so the expansion itself stays pyld's. ``paths`` maps ``id()`` of
    every dict and list of the (copied) document to its JSON path; ``keep_alive``
    holds that document so the ids stay valid.
    """

    def __init__(self, paths: dict[int, str], keep_alive: Any) -> None:
        super().__init__(on_property_dropped=self._property_dropped)
        self._paths = paths
        self._keep_alive = keep_alive
        # (path, element) of the objects and arrays being expanded, innermost last.
        self._stack: list[tuple[str, Any]] = []

    # Paths

    def _current_path(self) -> str:
        return self._stack[-1][0] if self._stack else ""

    def _path_of(self, element: Any) -> str:
        found = self._paths.get(id(element))
        return self._current_path() if found is None else found

    def _path_of_value(self, active_property: str | None, value: Any) -> str:
        """Best JSON path of a scalar being expanded under ``active_property``."""
        if not self._stack:
            return ""
        path, parent = self._stack[-1]
        if isinstance(parent, dict) and active_property in parent:
            return _path_of_key(path, str(active_property))
        if isinstance(parent, list):
            for index, item in enumerate(parent):
                if item is value:
                    return f"{path}[{index}]"
        return path

    def _property_dropped(self, expanded_property: str | None) -> None:
        # pyld's own hook; the check in _expand_object normally fires first.
        raise _unsafe(
            self._current_path(),
            f"a property expanding to {expanded_property!r} would be dropped",
        )

    # Conversion of pyld errors

    def document_to_rdf(self, document: Any, loader: DocumentLoader | None) -> list[Quad]:
        options = _options(loader)
        try:
            expanded = self._expand_document(document, options)
            node_map: dict[str, Any] = {"@default": {}}
            issuer = IdentifierIssuer("_:b")
            self._create_node_map(expanded, node_map, "@default", issuer)
            return _node_map_to_rdf(node_map, issuer)
        except StandardsError:
            raise
        except pyld_jsonld.JsonLdError as error:
            raise _from_pyld_error(error, self._current_path()) from error
        except RecursionError as error:
            raise JsonLdError("the document is nested too deeply to process") from error
        except (
            TypeError,
            ValueError,
            KeyError,
            AttributeError,
            IndexError,
            ArithmeticError,
        ) as error:
            # pyld assumes well-formed input in places; a malformed document must still
            # get a JSON-LD error, never a traceback from inside the library.
            raise JsonLdError(
                f"{_describe_path(self._current_path())}: the document is not valid "
                f"JSON-LD ({type(error).__name__}: {error})"
            ) from error

    def _expand_document(self, document: Any, options: dict[str, Any]) -> list[Any]:
        # JsonLdProcessor.expand() without its deep copy and base default, so that
        # the element ids recorded in self._paths are the ones being expanded.
        active_ctx = self._get_initial_context(options)
        expanded = self._expand(active_ctx, None, document, options, inside_list=False)
        if isinstance(expanded, dict) and "@graph" in expanded and len(expanded) == 1:
            expanded = expanded["@graph"]
        elif expanded is None:
            expanded = []
        return list(expanded) if isinstance(expanded, list) else [expanded]

    # IRI expansion without a document base

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: Any = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        if base == _NO_BASE:
            # Document-relative expansion: only an absolute @base of a context applies.
            context_base = active_ctx.get("@base")
            base = context_base if is_absolute_iri(context_base) else None
        return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)

    # Context processing

    def _process_context(
        self, active_ctx: Any, local_ctx: Any, options: Any, *args: Any, **kw: Any
    ) -> Any:
        result = super()._process_context(active_ctx, local_ctx, options, *args, **kw)
        vocab = result.get("@vocab")
        if vocab is not None and not is_absolute_iri(vocab):
            raise _unsafe(
                self._current_path(),
                f"the context's @vocab {vocab!r} is a relative IRI and the document "
                "has no base IRI",
            )
        language = result.get("@language")
        if language is not None and not _BCP47.match(language):
            raise _unsafe(
                self._current_path(),
                f"the context's @language {language!r} is not a well-formed BCP 47 tag",
            )
        return result

    def _create_term_definition(
        self, active_ctx: Any, local_ctx: Any, term: str, defined: Any, *args: Any, **kw: Any
    ) -> Any:
        if term not in defined:
            if _KEYWORD_LIKE.match(term) and not pyld_jsonld._is_keyword(term):
                raise _unsafe(
                    self._current_path(),
                    f"the context defines {term!r}, a term reserved for future keywords "
                    "that JSON-LD ignores",
                )
            definition = local_ctx.get(term)
            if isinstance(definition, str):
                definition = {"@id": definition}
            if isinstance(definition, dict):
                for keyword in ("@id", "@reverse"):
                    target = definition.get(keyword)
                    if (
                        isinstance(target, str)
                        and _KEYWORD_LIKE.match(target)
                        and not pyld_jsonld._is_keyword(target)
                    ):
                        raise _unsafe(
                            self._current_path(),
                            f"the context maps term {term!r} to {target!r} ({keyword}), "
                            "which is reserved for future keywords, so the term is ignored",
                        )
        try:
            return super()._create_term_definition(
                active_ctx, local_ctx, term, defined, *args, **kw
            )
        except pyld_jsonld.JsonLdError as error:
            if getattr(error, "code", None) != "protected term redefinition":
                raise
            raise JsonLdError(
                f"{_describe_path(self._current_path())}: a context redefines the protected "
                f"term {term!r} (protected term redefinition); JSON-LD 1.1 does not allow "
                "these contexts in this order"
            ) from error

    # Expansion

    def _expand(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        if element is None:
            return None
        if not isinstance(element, (dict, list)):
            return self._expand_scalar(
                active_ctx,
                active_property,
                element,
                options,
                inside_list,
                inside_index,
                type_scoped_ctx,
            )
        self._stack.append((self._path_of(element), element))
        try:
            result = super()._expand(
                active_ctx,
                active_property,
                element,
                options,
                inside_list,
                inside_index,
                type_scoped_ctx,
            )
            if isinstance(element, dict):
                self._check_expanded_object(active_ctx, active_property, result, inside_list)
            return result
        finally:
            self._stack.pop()

    def _expand_scalar(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool,
        inside_index: bool,
        type_scoped_ctx: Any,
    ) -> Any:
        result = super()._expand(
            active_ctx,
            active_property,
            element,
            options,
            inside_list,
            inside_index,
            type_scoped_ctx,
        )
        if result is None and not inside_list:
            raise _unsafe(
                self._path_of_value(active_property, element),
                f"the value {element!r} is not the value of any property (a free-floating "
                "scalar) and would be dropped",
            )
        if not inside_list and self._is_graph_container(active_ctx, active_property):
            raise _unsafe(
                self._path_of_value(active_property, element),
                f"the value {element!r} of graph container {active_property!r} is not a "
                "node and would be dropped",
            )
        return result

    def _is_graph_container(self, active_ctx: Any, active_property: Any) -> bool:
        if active_property is None:
            return False
        container = pyld_jsonld.JsonLdProcessor.arrayify(
            pyld_jsonld.JsonLdProcessor.get_context_value(active_ctx, active_property, "@container")
        )
        return "@graph" in container and "@id" not in container and "@index" not in container

    def _check_expanded_object(
        self, active_ctx: Any, active_property: Any, result: Any, inside_list: bool
    ) -> None:
        """Refuse a JSON object that expansion dropped (jsonld.js _dropUnsafeObject)."""
        path = self._current_path()
        element = self._stack[-1][1]
        if result is None:
            raise _unsafe(path, _why_dropped(self, active_ctx, element) + "; it would be dropped")
        if inside_list or not isinstance(result, dict):
            return
        top_level = (
            active_property is None
            or self._expand_iri(active_ctx, active_property, vocab=True) == "@graph"
            or self._is_graph_container(active_ctx, active_property)
        )
        if not top_level:
            return
        count = len(result)
        if count == 0:
            raise _unsafe(
                path, "an object with no properties, not under any property, would be dropped"
            )
        if "@value" in result or "@list" in result:
            raise _unsafe(
                path, "a value or list object that is not the value of a property would be dropped"
            )
        if count == 1 and "@id" in result:
            raise _unsafe(
                path,
                f"an object with only an @id ({result['@id']!r}), not the value of a "
                "property, would be dropped",
            )

    def _expand_object(
        self,
        active_ctx: Any,
        active_property: Any,
        expanded_active_property: Any,
        element: Any,
        expanded_parent: Any,
        options: Any,
        *args: Any,
        **kw: Any,
    ) -> Any:
        path = self._path_of(element)
        for key, value in element.items():
            if key == "@context":
                continue
            expanded = self._expand_iri(active_ctx, key, vocab=True)
            if expanded is None or not (
                is_absolute_iri(expanded) or pyld_jsonld._is_keyword(expanded)
            ):
                raise _unsafe(
                    _path_of_key(path, key),
                    _undefined_term_message(key, expanded),
                )
            if expanded == "@id" and isinstance(value, str) and _KEYWORD_LIKE.match(value):
                raise _unsafe(
                    _path_of_key(path, key),
                    f"the @id {value!r} is reserved for future keywords and would be dropped",
                )
        self._stack.append((path, element))
        try:
            result = super()._expand_object(
                active_ctx,
                active_property,
                expanded_active_property,
                element,
                expanded_parent,
                options,
                *args,
                **kw,
            )
        finally:
            self._stack.pop()
        self._check_node_keywords(active_ctx, path, element, expanded_parent)
        for key in element:
            # jsonld.js adds nothing for an empty graph container; pyld adds [], which
            # would hide an object that is otherwise empty (and so dropped) from the checks.
            if self._is_graph_container(active_ctx, key):
                expanded_key = self._expand_iri(active_ctx, key, vocab=True)
                if expanded_parent.get(expanded_key) == []:
                    del expanded_parent[expanded_key]
        return result

    def _check_node_keywords(
        self, active_ctx: Any, path: str, element: Any, expanded: dict[str, Any]
    ) -> None:
        def key_for(keyword: str) -> str:
            for key in element:
                if key != "@context" and self._expand_iri(active_ctx, key, vocab=True) == keyword:
                    return _path_of_key(path, key)
            return path

        if "@id" in expanded:
            for identifier in pyld_jsonld.JsonLdProcessor.arrayify(expanded["@id"]):
                if not is_absolute_iri(identifier):
                    raise _unsafe(
                        key_for("@id"),
                        f"the @id {identifier!r} is a relative IRI reference and the "
                        "document has no base IRI",
                    )
        if "@type" in expanded and "@value" not in expanded:
            for type_ in pyld_jsonld.JsonLdProcessor.arrayify(expanded["@type"]):
                if type_ is None:
                    raise _unsafe(
                        key_for("@type"),
                        "a type that looks like a keyword (or is a term defined as null) "
                        "expands to nothing and would be dropped",
                    )
                if not is_absolute_iri(type_):
                    raise _unsafe(
                        key_for("@type"),
                        f"the type {type_!r} is not defined by the document's contexts "
                        "(it expands to a relative IRI reference) and would be dropped",
                    )
        if "@language" in expanded:
            for language in pyld_jsonld.JsonLdProcessor.arrayify(expanded["@language"]):
                if not isinstance(language, str) or not _BCP47.match(language):
                    raise _unsafe(
                        key_for("@language"),
                        f"the @language {language!r} is not a well-formed BCP 47 tag",
                    )
        if "@direction" in expanded:
            raise _unsafe(key_for("@direction"), _DIRECTION_MESSAGE)

    def _expand_value(self, active_ctx: Any, active_property: Any, value: Any, options: Any) -> Any:
        result = super()._expand_value(active_ctx, active_property, value, options)
        if isinstance(result, dict):
            path = self._path_of_value(active_property, value)
            problem = _ambiguous_number(value)
            if problem and result.get("@type") != "@json":
                raise _unsafe(path, problem)
            if "@id" in result:
                identifier = result["@id"]
                if identifier is None:
                    raise _unsafe(
                        path,
                        f"the IRI {value!r} of {active_property!r} expands to nothing "
                        "(a keyword-like or null-mapped term) and would be dropped",
                    )
                if not is_absolute_iri(identifier):
                    raise _unsafe(
                        path,
                        f"the IRI {identifier!r} of {active_property!r} is a relative IRI "
                        "reference and the document has no base IRI",
                    )
            if "@direction" in result:
                raise _unsafe(path, _DIRECTION_MESSAGE)
            language = result.get("@language")
            if language is not None and not _BCP47.match(language):
                # jsonld.js writes it, but "@en_us" is not an N-Quads language tag
                raise _unsafe(
                    path,
                    f"the @language {language!r} of term {active_property!r} is not a "
                    "well-formed BCP 47 tag",
                )
        return result

    def _expand_language_map(self, active_ctx: Any, language_map: Any, direction: Any) -> Any:
        path = self._path_of(language_map)
        for key in language_map:
            if self._expand_iri(active_ctx, key, vocab=True) != "@none" and not _BCP47.match(key):
                raise _unsafe(
                    _path_of_key(path, key),
                    f"the language map key {key!r} is not a well-formed BCP 47 tag",
                )
        result = super()._expand_language_map(active_ctx, language_map, direction)
        if direction:
            raise _unsafe(path, _DIRECTION_MESSAGE)
        return result


_DIRECTION_MESSAGE = (
    "a base direction (@direction) has no representation in RDF without the rdfDirection "
    "option, which signing does not use, and would be dropped"
)


def _undefined_term_message(key: str, expanded: Any) -> str:
    if expanded is None:
        if _KEYWORD_LIKE.match(key):
            return f'"{key}" looks like a keyword but is not one, and would be dropped'
        return (
            f'term "{key}" is not defined by the document\'s contexts (or is defined as '
            "null) and would be dropped"
        )
    return (
        f'term "{key}" is not defined by the document\'s contexts and would be dropped '
        f"(it expands to {expanded!r}, not an absolute IRI)"
    )


def _why_dropped(processor: _SafeProcessor, active_ctx: Any, element: dict[str, Any]) -> str:
    keywords = {}
    for key, value in element.items():
        if key != "@context":
            keywords[processor._expand_iri(active_ctx, key, vocab=True)] = value
    if "@value" in keywords and keywords["@value"] is None:
        return "a value object whose @value is null"
    if set(keywords) == {"@language"}:
        return "an object with only @language"
    if "@value" in keywords or "@list" in keywords:
        return "a value or list object that is not the value of a property"
    if set(keywords) <= {"@id"}:
        return "an object with no properties (or only an @id), not the value of a property"
    return "an object with no properties once its empty values are left out"


def _static(loader: DocumentLoader) -> DocumentLoader:
    """``loader`` with its documents marked static, so pyld's context resolver caches them.

    Each document is copied: pyld rewrites context URLs inside the documents it caches,
    and the frozen loader's documents are shared.
    """

    def load(url: str, options: Any = None) -> Mapping[str, Any]:
        if url.startswith(_NO_BASE):
            raise DocumentLoadingError(
                f"context {url[len(_NO_BASE) :]!r} is a relative URL and the document has "
                "no base IRI"
            )
        remote = dict(loader(url, options))
        remote["document"] = copy.deepcopy(remote.get("document"))
        remote["tag"] = "static"
        return remote

    return load


_FROZEN_LOADER = _static(frozen_loader.document_loader)


def _options(loader: DocumentLoader | None) -> dict[str, Any]:
    if loader is None:
        static_loader = _FROZEN_LOADER
        cache = _FROZEN_CONTEXT_CACHE
    else:
        # A caller's loader may serve other documents under the same URLs: its contexts
        # are cached for this call only.
        static_loader = _static(loader)
        cache = LRUCache(maxsize=100)
    return {
        "base": _NO_BASE,
        "documentLoader": static_loader,
        "contextResolver": ContextResolver(cache, static_loader),
        "isFrame": False,
        "keepFreeFloatingNodes": False,
        "extractAllScripts": False,
        "processingMode": "json-ld-1.1",
        "produceGeneralizedRdf": False,
    }


def _from_pyld_error(error: Any, path: str) -> StandardsError:
    """A credstack error for a pyld error, keeping any credstack error it wraps."""
    cause: BaseException | None = error
    seen = 0
    while cause is not None and seen < 20:
        if isinstance(cause, StandardsError):
            return cause
        cause = cause.__cause__ or cause.__context__
        seen += 1
    code = getattr(error, "code", None)
    details = getattr(error, "details", None) or {}
    args = getattr(error, "args", ())
    message = args[0] if args and isinstance(args[0], str) else type(error).__name__
    if code == "loading remote context failed" or code == "loading document failed":
        url = details.get("url") if isinstance(details, dict) else None
        return DocumentLoadingError(
            f"{_describe_path(path)}: context {url!r} could not be loaded ({message})"
        )
    label = f" ({code})" if code else ""
    return JsonLdError(f"{_describe_path(path)}: invalid JSON-LD{label}: {message}")


# --- Step 3: node map to quads (JSON-LD 1.1 API §8.1-§8.3) ------------------------------


def _resource(identifier: str, role: str) -> str:
    """The N-Quads term of a node identifier: a blank node or an absolute IRI."""
    if identifier.startswith("_:"):
        return blank(identifier[2:])
    return _iri(identifier, role)


def _iri(value: Any, role: str) -> str:
    if not is_absolute_iri(value):
        raise UnsafeDocumentError(
            f"the {role} {value!r} is not an absolute IRI; RDF cannot hold it and it "
            "would be dropped"
        )
    if _IRI_FORBIDDEN.search(value):
        raise UnsafeDocumentError(
            f"the {role} {value!r} holds a character that an IRI may not contain "
            '(white space, <, >, ", {, }, |, ^, ` or \\)'
        )
    return iri(value)


def _node_map_to_rdf(node_map: dict[str, Any], issuer: Any) -> list[Quad]:
    quads: list[Quad] = []
    for graph_name in sorted(node_map):
        graph_term = "" if graph_name == "@default" else _resource(graph_name, "graph name")
        graph = node_map[graph_name]
        for subject in sorted(graph):
            node = graph[subject]
            for property_ in sorted(node):
                if not node[property_]:
                    continue  # no values, no quads
                if property_ == "@type":
                    predicate = iri(RDF_TYPE)
                elif pyld_jsonld._is_keyword(property_):
                    continue
                elif property_.startswith("_:"):
                    raise UnsafeDocumentError(
                        f"the property {property_!r} is a blank node, which RDF does not "
                        "allow as a predicate; it would be dropped"
                    )
                else:
                    predicate = _iri(property_, "property")
                subject_term = _resource(subject, "subject")
                for item in node[property_]:
                    if property_ == "@type":
                        object_term = _resource(item, "type")
                    else:
                        object_term = _object_to_rdf(item, issuer, quads, graph_term)
                    quads.append((subject_term, predicate, object_term, graph_term))
    return quads


def _object_to_rdf(item: Any, issuer: Any, quads: list[Quad], graph_term: str) -> str:
    """JSON-LD 1.1 API §8.2 Object to RDF Conversion."""
    if isinstance(item, dict) and "@value" in item:
        return _value_to_rdf(item)
    if isinstance(item, dict) and "@list" in item:
        return _list_to_rdf(item["@list"], issuer, quads, graph_term)
    identifier = item["@id"] if isinstance(item, dict) else item
    return _resource(identifier, "object")


def _list_to_rdf(items: list[Any], issuer: Any, quads: list[Quad], graph_term: str) -> str:
    """JSON-LD 1.1 API §8.3 List to RDF Conversion."""
    if not items:
        return iri(RDF_NIL)
    heads = [blank(issuer.get_id()[2:]) for _ in items]
    for index, item in enumerate(items):
        object_term = _object_to_rdf(item, issuer, quads, graph_term)
        rest = heads[index + 1] if index + 1 < len(items) else iri(RDF_NIL)
        quads.append((heads[index], iri(RDF_FIRST), object_term, graph_term))
        quads.append((heads[index], iri(RDF_REST), rest, graph_term))
    return heads[0]


def _value_to_rdf(item: dict[str, Any]) -> str:
    value = item["@value"]
    datatype = item.get("@type")
    if datatype is not None and datatype != "@json":
        _iri(datatype, "datatype")
    if "@direction" in item:
        raise UnsafeDocumentError(_DIRECTION_MESSAGE)
    if datatype == "@json":
        return literal(json_literal(value), RDF_JSON)
    if isinstance(value, bool):
        return literal("true" if value else "false", datatype or XSD_BOOLEAN)
    if isinstance(value, (int, float)):
        problem = _ambiguous_number(value)
        if problem:
            raise UnsafeDocumentError(problem)
        number: int | float = value
        if isinstance(value, float) and value.is_integer() and abs(value) < _DOUBLE_THRESHOLD:
            number = int(value)
        if isinstance(number, float) or abs(number) >= _DOUBLE_THRESHOLD:
            return literal(canonical_double(float(number)), datatype or XSD_DOUBLE)
        if datatype == XSD_DOUBLE:
            return literal(canonical_double(float(number)), datatype)
        return literal(canonical_integer(number), datatype or XSD_INTEGER)
    if not isinstance(value, str):
        raise JsonLdError(f"the @value {value!r} is not a string, number or boolean")
    if datatype == XSD_DOUBLE:
        if not _DECIMAL_NUMBER.match(value) or not math.isfinite(float(value)):
            raise UnsafeDocumentError(
                f"the xsd:double value {value!r} is not a decimal number; JSON-LD "
                "processors would write it differently"
            )
        return literal(canonical_double(float(value)), datatype)
    language = item.get("@language")
    if language is not None:
        if not isinstance(language, str) or not _BCP47.match(language):
            raise UnsafeDocumentError(f"the @language {language!r} is not a well-formed tag")
        return literal(value, language=language)
    return literal(value, datatype)


# --- Literal forms ----------------------------------------------------------------------


def canonical_double(value: float) -> str:
    """The xsd:double form of JSON-LD 1.1 API §8.6 (Data Round Tripping), e.g. ``1.1E0``.

    jsonld.js writes ``value.toExponential(15)`` (16 significant digits, ties away from
    zero as ECMAScript specifies) with trailing zeros of the mantissa removed down to one
    digit and the exponent without ``+``. Raises ``ValueError`` for NaN or infinity.
    """
    if not math.isfinite(value):
        raise ValueError(f"{value!r} has no xsd:double form in JSON-LD")
    if value == 0:
        return "0.0E0"  # ECMAScript drops the sign of -0 in toExponential
    sign = "-" if value < 0 else ""
    with localcontext() as context:
        context.prec = 800  # exact: a double has at most 767 significant digits
        magnitude = Decimal(abs(value))
        exponent = magnitude.adjusted()
        mantissa = magnitude.scaleb(-exponent).quantize(
            Decimal("1.000000000000000"), rounding=ROUND_HALF_UP
        )
    if mantissa >= 10:
        mantissa = (mantissa / 10).quantize(Decimal("1.000000000000000"))
        exponent += 1
    digits = format(mantissa, "f").rstrip("0")
    if digits.endswith("."):
        digits += "0"
    return f"{sign}{digits}E{exponent}"


def canonical_integer(value: int) -> str:
    """The xsd:integer form of a JSON integer (precondition: a double holds it exactly)."""
    return str(value)


def _fits_a_double(value: int) -> bool:
    try:
        float(value)
    except OverflowError:
        return False
    return True


def _ambiguous_number(value: Any) -> str | None:
    """Why jsonld.js would sign a different number than the document shows, if it would.

    jsonld.js holds numbers as JavaScript doubles: an integer beyond 2**53 that no
    double holds exactly is signed as a neighbouring integer, and a double below 1e-6
    that JavaScript writes without a decimal point (``1e-7``) is signed as the integer
    ``0``. Either way two different documents would share one signature.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int):
        if not _fits_a_double(value):
            return f"the integer {value} is beyond the range of a double"
        if abs(value) > _MAX_SAFE_INTEGER and int(float(value)) != value:
            return (
                f"the integer {value} is beyond 2**53 and JavaScript JSON-LD processors "
                "would sign a different number"
            )
        return None
    if 0 < abs(value) < 1e-6 and "." not in repr(value):
        return (
            f"the number {value!r} would be signed by jsonld.js as the integer 0 (and as a "
            "double by the JSON-LD 1.1 algorithm), so its value would not be protected"
        )
    return None


def json_literal(value: Any) -> str:
    """The lexical form of an ``rdf:JSON`` literal: the JSON Canonicalization Scheme."""
    try:
        return rfc8785.dumps(value).decode("utf-8")
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise JsonLdError(f"the @json value cannot be canonicalized (JCS): {error}") from error
