"""Helpers of the award page tests: an award to share, and a look inside a PDF."""

from __future__ import annotations

import re
import zlib
from typing import Any

from credstack.issuing.models import Award
from credstack.issuing.services import issue_credential


def award_for_bob(personas: Any, definition: Any, **extra: Any) -> Award:
    return issue_credential(
        definition.published_version,
        recipient_email="bob@example.org",
        recipient_name="Bob Example",
        by=personas.alice,
        **extra,
    )


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's bytes followed by its inflated streams: WeasyPrint keeps the document
    information and page tree in compressed object streams."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        inflater = zlib.decompressobj()
        try:
            parts.append(inflater.decompress(pdf[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)
