from __future__ import annotations

import hashlib
import json
import re

import pytest

from credstack.standards.errors import DocumentLoadingError
from credstack.standards.jsonld import document_loader as dl
from tests.shared_data import read_json, standards_path


def test_it_ships_every_official_context_with_its_pinned_hash() -> None:
    official = read_json("contexts", "index.json")
    shipped = dl.pinned_contexts()
    assert set(shipped) == set(official)
    for url, entry in official.items():
        assert shipped[url].sha256 == entry["sha256"]
        assert shipped[url].source == entry["source"]
        official_bytes = standards_path("contexts", entry["file"]).read_bytes()
        assert hashlib.sha256(official_bytes).hexdigest() == entry["sha256"]
        assert dl.load_context(url) == json.loads(official_bytes)


def test_it_refuses_an_unknown_context_and_names_it() -> None:
    url = "https://example.com/not-pinned/context.json"
    with pytest.raises(DocumentLoadingError, match=re.escape(url)):
        dl.document_loader(url)


def test_it_resolves_published_aliases_to_the_pinned_copy() -> None:
    alias = dl.load_context("https://openbadgespec.org/v2/context.json")
    assert alias == dl.load_context(dl.OB_V2P0_CONTEXT)


def test_it_answers_in_the_shape_pyld_expects() -> None:
    answer = dl.document_loader(dl.CREDENTIALS_V2)
    assert answer["documentUrl"] == dl.CREDENTIALS_V2
    assert "@context" in answer["document"]
