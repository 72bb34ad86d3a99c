"""Rendering pages that hold one person's or one organisation's data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def keep_private(response: HttpResponse, *, no_referrer: bool = False) -> HttpResponse:
    """Mark ``response`` as never for shared caches or search engines (a wallet, an
    organisation's working pages, a claim link); ``no_referrer`` also keeps the page's
    address (which may hold a secret) out of the Referer of links followed from it."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    if no_referrer:
        response["Referrer-Policy"] = "no-referrer"
    return response


def render_private(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    no_referrer: bool = False,
) -> HttpResponse:
    """``render`` for a page marked with :func:`keep_private`."""
    return keep_private(render(request, template, context, status=status), no_referrer=no_referrer)
