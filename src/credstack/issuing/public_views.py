"""An award's public page and downloads (``/c/<award id>/``): thin views over
:mod:`credstack.issuing.sharing`. Nothing here needs a login: the page is what a
learner shares."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from credstack.common.errors import CredstackError, NotFoundError
from credstack.issuing import sharing
from credstack.issuing.models import Award, CertificateState

CERTIFICATE_REFRESH_SECONDS = 3


@require_safe
def award_page(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        award = sharing.get_public_award(public_id)
    except NotFoundError as error:
        return _problem(request, _("No such credential"), error.message, status=404)
    if _asks_for_json(request):
        response = sharing.download_award(award, "json")
        del response["Content-Disposition"]
    else:
        response = sharing.render_award_page(request, award)
    patch_vary_headers(response, ["Accept"])
    return response


def _asks_for_json(request: HttpRequest) -> bool:
    """A client that prefers JSON (a verifier or wallet given the page's address) gets the
    credential itself; browsers, which accept text/html first, get the page."""
    accept = request.headers.get("Accept", "")
    first = accept.split(",")[0].split(";")[0].strip().lower()
    return first in ("application/json", "application/ld+json", "application/vc+ld+json")


@require_safe
def award_download(request: HttpRequest, public_id: str, kind: str) -> HttpResponse:
    if kind not in sharing.DOWNLOAD_KINDS:
        return _problem(
            request,
            _("No such download"),
            _("A credential can be downloaded as %(kinds)s.")
            % {"kinds": ", ".join(sharing.DOWNLOAD_KINDS)},
            status=404,
        )
    try:
        award = sharing.get_public_award(public_id)
    except NotFoundError as error:
        return _problem(request, _("No such credential"), error.message, status=404)
    if kind == "pdf":
        return _certificate(request, award)
    try:
        return sharing.download_award(award, kind)
    except CredstackError as error:
        return _problem(
            request, _("This download is not available"), error.message, status=error.http_status
        )


def _certificate(request: HttpRequest, award: Award) -> HttpResponse:
    row = sharing.request_certificate(award)
    if sharing.certificate_is_current(row, award):
        return sharing.certificate_response(award, row)
    context: dict[str, Any] = {"award": award, "page_url": sharing.award_page_url(award)}
    if row.state == CertificateState.FAILED:
        response = _page(request, "issuing/public/certificate_failed.html", context, status=503)
        response["Retry-After"] = str(int(sharing.CERTIFICATE_RETRY_AFTER.total_seconds()))
        return response
    context["refresh_seconds"] = CERTIFICATE_REFRESH_SECONDS
    response = _page(request, "issuing/public/certificate_pending.html", context, status=202)
    response["Retry-After"] = str(CERTIFICATE_REFRESH_SECONDS)
    return response


def _problem(request: HttpRequest, title: str, message: str, *, status: int) -> HttpResponse:
    return _page(
        request, "issuing/public/problem.html", {"title": title, "message": message}, status=status
    )


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int
) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
