"""A frozen JSON-LD document loader over the contexts shipped with the package.

JSON-LD 1.1 API §9.4 (LoadDocumentCallback). Every context credstack understands is a
file in ``contexts/``, listed in ``contexts/index.json`` with its URL, SHA-256 and
source. The loader never touches the network: a URL outside that set is a
:class:`DocumentLoadingError` naming the URL. Each file's hash is checked the first time
it is read, so a tampered package fails closed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from credstack.standards.errors import DocumentLoadingError

CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V2P0_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
OB_V2P0_CONTEXT = "https://w3id.org/openbadges/v2"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
ED25519_2020_V1 = "https://w3id.org/security/suites/ed25519-2020/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"

# Other URLs under which the same pinned documents are published.
ALIASES: Mapping[str, str] = {
    "https://openbadgespec.org/v2/context.json": OB_V2P0_CONTEXT,
    "https://w3id.org/openbadges/v2/": OB_V2P0_CONTEXT,
    "https://w3id.org/did/v1": DID_V1,
    "https://w3c.github.io/vc-bitstring-status-list/contexts/v1.jsonld": (
        "https://www.w3.org/ns/credentials/status/v1"
    ),
}


@dataclass(frozen=True)
class PinnedContext:
    url: str
    file: str
    sha256: str
    source: str


def _contexts_dir() -> Any:
    return resources.files("credstack.standards.jsonld").joinpath("contexts")


@cache
def pinned_contexts() -> dict[str, PinnedContext]:
    """The index of pinned contexts, keyed by URL."""
    index = json.loads(_contexts_dir().joinpath("index.json").read_text("utf-8"))
    return {
        url: PinnedContext(url, entry["file"], entry["sha256"], entry["source"])
        for url, entry in index.items()
    }


def canonical_context_url(url: str) -> str:
    """The pinned URL that ``url`` stands for (itself, or the target of an alias)."""
    return ALIASES.get(url, url)


def is_pinned(url: str) -> bool:
    return canonical_context_url(url) in pinned_contexts()


@cache
def load_context(url: str) -> Any:
    """The parsed JSON of a pinned context. Callers must not mutate the result.

    Raises :class:`DocumentLoadingError` for an unknown URL or a file whose hash differs
    from the index.
    """
    pinned = pinned_contexts().get(canonical_context_url(url))
    if pinned is None:
        raise DocumentLoadingError(
            f"JSON-LD context {url!r} is not one of the contexts credstack knows; "
            "it is never fetched from the network"
        )
    data = _contexts_dir().joinpath(pinned.file).read_bytes()
    if hashlib.sha256(data).hexdigest() != pinned.sha256:
        raise DocumentLoadingError(f"pinned context file {pinned.file} fails its SHA-256 check")
    return json.loads(data)


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A pyld-compatible document loader: ``{contextUrl, documentUrl, document}``."""
    return {"contextUrl": None, "documentUrl": url, "document": load_context(url)}
