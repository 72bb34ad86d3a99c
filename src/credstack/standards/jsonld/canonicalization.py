"""RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 21 May 2024).

Quads are the trust core's canonical-term tuples (see :mod:`.nquads`), so this module
only has to choose canonical blank node identifiers (§4.4 to §4.9) and sort (§4.2).
Names follow the specification: canonicalization state, blank node to quads map,
hash to blank nodes map, identifier issuer, issue identifier, hash first degree quads,
hash related blank node, hash N-degree quads.

Work bound (§6.1 "Dataset Poisoning"): Hash N-Degree Quads counts one unit per call
and per quad of the blank node it hashes, one per related blank node it hashes and one
per permutation it examines (plus one per 16 identifiers its issuer copy holds), so
units track running time (1 to 2 µs each). Past ``max_work`` units the algorithm stops
with :class:`CanonicalizationLimitError`. The default, 50,000, is between 5 and 6 times
what the W3C suite's hardest legitimate tests need (the "poison - evil" tests 044 to 046:
8,964 units each) and refuses the suite's 10-node clique (test074) after about 60 ms of CPU.
Credentials need no units at all when, as usual, every blank node has a unique
first-degree hash. Python's recursion limit caps chains of look-alike blank nodes at
about 900; deeper ones are refused with the same error.

Sorting: RDFC-1.0 orders text by Unicode code point. jsonld.js orders by UTF-16 code
unit, which differs only when a character outside the Basic Multilingual Plane meets
one in U+E000 to U+FFFF; ``utf16_order=True`` reproduces that for checking signatures
made by jsonld.js.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from credstack.standards.errors import CanonicalizationError, CanonicalizationLimitError
from credstack.standards.jsonld.nquads import Quad

__all__ = [
    "DEFAULT_MAX_WORK",
    "HASH_ALGORITHMS",
    "CanonicalizationState",
    "IdentifierIssuer",
    "canonicalize",
    "issued_identifiers",
    "relabel",
    "utf16_order_matters",
]

DEFAULT_MAX_WORK = 50_000
"""Units of work allowed per canonicalization (see the module docstring)."""

_SUPPLEMENTARY = re.compile("[\U00010000-\U0010ffff]")

HASH_ALGORITHMS: Mapping[str, Callable[..., Any]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}


@lru_cache(maxsize=16)
def _hash_function(hash_algorithm: str) -> Callable[[bytes], str]:
    name = hash_algorithm.lower().replace("-", "")
    try:
        constructor = HASH_ALGORITHMS[name]
    except KeyError:
        raise ValueError(
            f"unsupported hash algorithm {hash_algorithm!r}; use one of {sorted(HASH_ALGORITHMS)}"
        ) from None

    def hash_text(data: bytes) -> str:
        return str(constructor(data).hexdigest())

    return hash_text


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalizationError(
            "an RDF term holds a lone surrogate code point, which has no UTF-8 form"
        ) from None


class IdentifierIssuer:
    """Issues ``prefix`` + counter identifiers, remembering them in issue order (§4.3)."""

    __slots__ = ("counter", "issued", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counter = 0
        self.issued: dict[str, str] = {}

    def issue(self, existing: str) -> str:
        """Issue Identifier algorithm (§4.5): the identifier for ``existing``, new if need be."""
        identifier = self.issued.get(existing)
        if identifier is None:
            identifier = f"_:{self.prefix}{self.counter}"
            self.counter += 1
            self.issued[existing] = identifier
        return identifier

    def copy(self) -> IdentifierIssuer:
        duplicate = IdentifierIssuer(self.prefix)
        duplicate.counter = self.counter
        duplicate.issued = self.issued.copy()
        return duplicate


def _check_quad(quad: object) -> None:
    if type(quad) is not tuple or len(quad) != 4:
        raise TypeError(f"a quad is a tuple of four str terms, not {quad!r}")
    subject, predicate, obj, graph = quad
    if not (type(subject) is type(predicate) is type(obj) is type(graph) is str):
        raise TypeError(f"a quad is a tuple of four str terms, not {quad!r}")
    if not (subject and predicate and obj):
        raise ValueError(f"a quad needs a subject, predicate and object: {quad!r}")


def _utf16_code_units(text: str) -> bytes:
    # Big-endian UTF-16 bytes compare as the code unit sequences do.
    return text.encode("utf-16-be", "surrogatepass")


def utf16_order_matters(quads: Iterable[Quad]) -> bool:
    """True when ``utf16_order`` can change the result: some term holds a character
    outside the Basic Multilingual Plane, the only case in which UTF-16 code unit order
    and Unicode code point order disagree."""
    return any(_SUPPLEMENTARY.search(term) for quad in quads for term in quad)


def _is_blank(term: str) -> bool:
    return term[:2] == "_:"


def _permutations(
    items: list[str], sort_key: Callable[[str], Any] | None = None
) -> Iterator[list[str]]:
    """Every ordering of ``items``, in the order jsonld.js's rdf-canonize explores them.

    The specification leaves the order open; it only matters when two permutations tie
    on the chosen path, and then the first one wins. Following the reference
    implementation (Steinhaus-Johnson-Trotter from the sorted list, elements compared as
    ``sort_key`` orders them) keeps the issued identifiers map equal to jsonld.js's.
    """
    # Elements are the items themselves or, with a sort key, (key, item) pairs.
    current: list[Any] = (
        sorted(items) if sort_key is None else sorted((sort_key(item), item) for item in items)
    )
    points_left = dict.fromkeys(current, True)
    length = len(current)
    while True:
        yield current.copy() if sort_key is None else [item for _, item in current]
        mobile: Any = None
        position = 0
        for index, element in enumerate(current):
            if mobile is not None and element <= mobile:
                continue
            if points_left[element]:
                if index > 0 and element > current[index - 1]:
                    mobile, position = element, index
            elif index < length - 1 and element > current[index + 1]:
                mobile, position = element, index
        if mobile is None:
            return
        target = position - 1 if points_left[mobile] else position + 1
        current[position], current[target] = current[target], mobile
        for element in current:
            if element > mobile:
                points_left[element] = not points_left[element]


class CanonicalizationState:
    """The canonicalization state of §4.3 for one input dataset, and the §4.4 algorithm.

    Blank node identifiers are kept with their ``_:`` prefix throughout.
    """

    def __init__(
        self,
        quads: Iterable[Quad],
        *,
        hash_algorithm: str,
        max_work: int,
        utf16_order: bool = False,
        distinct_quads: bool = False,
    ) -> None:
        """``distinct_quads=True`` is the caller's promise that ``quads`` is a list of
        distinct, well-formed quads (what :func:`.compiled.to_rdf_compiled` returns): they
        are then neither checked nor deduplicated."""
        if max_work < 0:
            raise ValueError("max_work must not be negative")
        self.hash = _hash_function(hash_algorithm)
        self.max_work = max_work
        self.sort_key = _utf16_code_units if utf16_order else None
        self.work = 0
        if distinct_quads and type(quads) is list:
            self.quads: list[Quad] = quads
        else:
            self.quads = list(dict.fromkeys(quads))
            distinct_quads = False
        self.blank_node_to_quads: dict[str, list[Quad]] = {}
        self.hash_to_blank_nodes: dict[str, list[str]] = {}
        self.canonical_issuer = IdentifierIssuer("c14n")
        self._first_degree_hashes: dict[str, str] = {}
        # The quads with a blank node, and the N-Quads lines of the others, which no
        # relabelling changes (see canonical_lines).
        self.blank_node_quads: list[Quad] = []
        self.ground_lines: list[str] = []
        blank_node_to_quads = self.blank_node_to_quads
        blank_node_quads = self.blank_node_quads
        ground_lines = self.ground_lines
        for quad in self.quads:
            if not distinct_quads:
                _check_quad(quad)
            subject, predicate, obj, graph = quad
            # Terms are in canonical form, so only a blank node starts with "_".
            blank = False
            if subject[0] == "_":
                blank_node_to_quads.setdefault(subject, []).append(quad)
                blank = True
            if obj[0] == "_":
                if obj != subject:
                    blank_node_to_quads.setdefault(obj, []).append(quad)
                blank = True
            if graph:
                if graph[0] == "_":
                    if graph != subject and graph != obj:
                        blank_node_to_quads.setdefault(graph, []).append(quad)
                    blank = True
                elif not blank:
                    ground_lines.append(f"{subject} {predicate} {obj} {graph} .\n")
                    continue
            elif not blank:
                ground_lines.append(f"{subject} {predicate} {obj} .\n")
                continue
            blank_node_quads.append(quad)

    def canonical_lines(self, canonical: Mapping[str, str]) -> list[str]:
        """The N-Quads lines of the dataset, blank nodes relabelled through ``canonical``
        (unsorted)."""
        lines = self.ground_lines.copy()
        append = lines.append
        for subject, predicate, obj, graph in self.blank_node_quads:
            if subject[:2] == "_:":
                subject = canonical[subject]
            if obj[:2] == "_:":
                obj = canonical[obj]
            if graph:
                if graph[:2] == "_:":
                    graph = canonical[graph]
                append(f"{subject} {predicate} {obj} {graph} .\n")
            else:
                append(f"{subject} {predicate} {obj} .\n")
        return lines

    def _spend(self, units: int = 1) -> None:
        self.work += units
        if self.work > self.max_work:
            raise CanonicalizationLimitError(
                f"canonicalization needs more than {self.max_work} units of work "
                "(Hash N-Degree Quads calls, related blank nodes and permutations); the "
                "blank nodes of this dataset are too alike to canonicalize safely"
            )

    def run(self) -> IdentifierIssuer:
        """Steps 2 to 5 of the Canonicalization Algorithm (§4.4.3); returns the issuer."""
        for identifier in self.blank_node_to_quads:
            first_degree_hash = self.hash_first_degree_quads(identifier)
            self.hash_to_blank_nodes.setdefault(first_degree_hash, []).append(identifier)

        for first_degree_hash in sorted(self.hash_to_blank_nodes):
            identifiers = self.hash_to_blank_nodes[first_degree_hash]
            if len(identifiers) == 1:
                self.canonical_issuer.issue(identifiers[0])
                del self.hash_to_blank_nodes[first_degree_hash]

        try:
            self._issue_by_n_degree_hashes()
        except RecursionError:
            raise CanonicalizationLimitError(
                "the blank nodes of this dataset are chained too deeply to canonicalize"
            ) from None
        return self.canonical_issuer

    def _issue_by_n_degree_hashes(self) -> None:
        """Step 5 of the Canonicalization Algorithm: shared first-degree hashes."""
        for first_degree_hash in sorted(self.hash_to_blank_nodes):
            hash_path_list: list[tuple[str, IdentifierIssuer]] = []
            for identifier in self.hash_to_blank_nodes[first_degree_hash]:
                if identifier in self.canonical_issuer.issued:
                    continue
                temporary_issuer = IdentifierIssuer("b")
                temporary_issuer.issue(identifier)
                hash_path_list.append(self.hash_n_degree_quads(identifier, temporary_issuer))
            hash_path_list.sort(key=lambda result: result[0])
            for _, issuer in hash_path_list:
                for existing in issuer.issued:
                    self.canonical_issuer.issue(existing)

    def hash_first_degree_quads(self, reference: str) -> str:
        """Hash First Degree Quads (§4.6): the reference node as ``_:a``, others ``_:z``."""
        cached = self._first_degree_hashes.get(reference)
        if cached is not None:
            return cached
        nquads: list[str] = []
        append = nquads.append
        for subject, predicate, obj, graph in self.blank_node_to_quads[reference]:
            if subject[:2] == "_:":
                subject = "_:a" if subject == reference else "_:z"
            if obj[:2] == "_:":
                obj = "_:a" if obj == reference else "_:z"
            if graph:
                if graph[:2] == "_:":
                    graph = "_:a" if graph == reference else "_:z"
                append(f"{subject} {predicate} {obj} {graph} .\n")
            else:
                append(f"{subject} {predicate} {obj} .\n")
        nquads.sort(key=self.sort_key)
        result = self.hash(_utf8("".join(nquads)))
        self._first_degree_hashes[reference] = result
        return result

    def hash_related_blank_node(
        self, related: str, quad: Quad, issuer: IdentifierIssuer, position: str
    ) -> str:
        """Hash Related Blank Node (§4.7)."""
        identifier = self.canonical_issuer.issued.get(related) or issuer.issued.get(related)
        if identifier is None:
            identifier = self.hash_first_degree_quads(related)
        data = f"g{identifier}" if position == "g" else f"{position}{quad[1]}{identifier}"
        return self.hash(_utf8(data))

    def hash_n_degree_quads(
        self, identifier: str, issuer: IdentifierIssuer
    ) -> tuple[str, IdentifierIssuer]:
        """Hash N-Degree Quads (§4.9): the hash and the issuer of the chosen paths."""
        quads = self.blank_node_to_quads[identifier]
        self._spend(1 + len(quads))
        related_blank_nodes: dict[str, list[str]] = {}
        for quad in quads:
            for component, position in ((quad[0], "s"), (quad[2], "o"), (quad[3], "g")):
                if component != identifier and _is_blank(component):
                    related_hash = self.hash_related_blank_node(component, quad, issuer, position)
                    related_blank_nodes.setdefault(related_hash, []).append(component)
                    self._spend()

        canonical = self.canonical_issuer.issued
        data_to_hash: list[str] = []
        for related_hash in sorted(related_blank_nodes):
            data_to_hash.append(related_hash)
            chosen_path = ""
            chosen_issuer: IdentifierIssuer | None = None
            for permutation in _permutations(related_blank_nodes[related_hash], self.sort_key):
                # Copying the issuer dominates a permutation's cost on long chains.
                self._spend(1 + len(issuer.issued) // 16)
                issuer_copy = issuer.copy()
                path = ""
                recursion_list: list[str] = []
                skip = False
                for related in permutation:
                    canonical_identifier = canonical.get(related)
                    if canonical_identifier is not None:
                        path += canonical_identifier
                    else:
                        if related not in issuer_copy.issued:
                            recursion_list.append(related)
                        path += issuer_copy.issue(related)
                    if _worse(path, chosen_path):
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion_list:
                    result_hash, issuer_copy = self.hash_n_degree_quads(related, issuer_copy)
                    path += f"{issuer_copy.issue(related)}<{result_hash}>"
                    if _worse(path, chosen_path):
                        skip = True
                        break
                if skip:
                    continue
                if chosen_issuer is None or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            data_to_hash.append(chosen_path)
            assert chosen_issuer is not None  # every list has at least one permutation
            issuer = chosen_issuer
        return self.hash(_utf8("".join(data_to_hash))), issuer


def _worse(path: str, chosen_path: str) -> bool:
    """§4.9.3 step 5.4.4.3: ``path`` can no longer become the chosen path."""
    return bool(chosen_path) and len(path) >= len(chosen_path) and path > chosen_path


def issued_identifiers(
    quads: Iterable[Quad],
    *,
    hash_algorithm: str = "sha256",
    max_work: int = DEFAULT_MAX_WORK,
    utf16_order: bool = False,
) -> dict[str, str]:
    """The issued identifiers map of RDFC-1.0 (§4.4.3 step 7 alternate result).

    Maps every input blank node label (without ``_:``) to its canonical label (``c14nN``,
    without ``_:``), in issue order. ``utf16_order`` is as for :func:`canonicalize`.
    Raises CanonicalizationLimitError past ``max_work`` and ValueError for an unknown hash
    algorithm.
    """
    issuer = CanonicalizationState(
        quads, hash_algorithm=hash_algorithm, max_work=max_work, utf16_order=utf16_order
    ).run()
    return {existing[2:]: issued[2:] for existing, issued in issuer.issued.items()}


def relabel(quads: Iterable[Quad], labels: Mapping[str, str]) -> list[Quad]:
    """``quads`` with every blank node label replaced through ``labels`` (labels without
    ``_:``); a blank node missing from ``labels`` raises KeyError."""
    terms = {f"_:{old}": f"_:{new}" for old, new in labels.items()}

    def term(value: str) -> str:
        return terms[value] if value[:2] == "_:" else value

    return [(term(s), p, term(o), term(g)) for s, p, o, g in quads]


def canonicalize(
    quads: Iterable[Quad],
    *,
    hash_algorithm: str = "sha256",
    max_work: int = DEFAULT_MAX_WORK,
    utf16_order: bool = False,
    distinct_quads: bool = False,
) -> str:
    """The canonical N-Quads document of the dataset ``quads`` (RDFC-1.0 §4.4).

    Duplicate quads count once; lines are sorted in Unicode code point order and each
    ends in ``"\\n"``. ``utf16_order=True`` sorts by UTF-16 code units instead, as
    jsonld.js's rdf-canonize (5.0, issue #52) does, both here and inside Hash First Degree
    Quads: it exists only to check a signature made that way, and changes nothing unless
    :func:`utf16_order_matters`. ``distinct_quads=True`` promises a list of distinct,
    well-formed quads, as :func:`.compiled.to_rdf_compiled` returns, and skips checking
    and deduplicating them. Raises CanonicalizationLimitError when the dataset needs
    more than ``max_work`` units of work, CanonicalizationError for terms that cannot be
    encoded, and ValueError for an unknown hash algorithm.
    """
    state = CanonicalizationState(
        quads,
        hash_algorithm=hash_algorithm,
        max_work=max_work,
        utf16_order=utf16_order,
        distinct_quads=distinct_quads,
    )
    lines = state.canonical_lines(state.run().issued)
    lines.sort(key=state.sort_key)
    return "".join(lines)
