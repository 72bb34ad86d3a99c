"""Refuse a request whose URL, headers, cookies or posted form fields hold a NUL
character, before any view or the session reads them.

A NUL can be sent as ``%00`` in a path, query or form, or as ``"\\000"`` in a quoted
cookie, and no id, slug, search, name, session key or idempotency key of the platform
holds one; PostgreSQL refuses it in a query's text (SQLite accepts it), so a view would
fail with a server error on one database only. The path answers 404 (it names nothing),
the rest 400; the API's and the VC-API's paths in the one error shape, the pages with
the site's error page.

Form fields are read where CSRF protection reads them, before the view; a view exempt
from it reads its body itself (the API, whose parser refuses a NUL; the verifier, which
chooses how uploads are read and stores nothing), so it is left to do so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from credstack.common.api import API_PATH_PREFIXES
from credstack.common.errors import CredstackError, NotFoundError


def _nul_outside_path(request: HttpRequest) -> str | None:
    """Which part of the request other than its path holds a NUL, or None."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return "the query"
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            return "a header"
    for key, value in request.COOKIES.items():
        if "\x00" in key or "\x00" in value:
            return "a cookie"
    return None


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            return self._refuse(request, NotFoundError("the URL holds a NUL character"))
        part = _nul_outside_path(request)
        if part is not None:
            error = CredstackError(f"{part} holds a NUL character", code="bad_request")
            return self._refuse(request, error)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST" or getattr(view, "csrf_exempt", False):
            return None
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                error = CredstackError("a form field holds a NUL character", code="bad_request")
                return self._refuse(request, error)
        return None

    def _refuse(self, request: HttpRequest, error: CredstackError) -> HttpResponse:
        if request.path_info.startswith(API_PATH_PREFIXES):
            return JsonResponse(error.to_dict(), status=error.http_status)
        if isinstance(error, NotFoundError):
            raise Http404(error.message)
        raise SuspiciousOperation(error.message)
