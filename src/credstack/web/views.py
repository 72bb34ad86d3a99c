"""The site's own pages: the home page and the public catalogue. Thin views over
:mod:`credstack.web.catalogue`; the demo box of the home page reads
:mod:`credstack.demo.accounts` when the instance is a demo (``CREDSTACK_DEMO``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from credstack.common.errors import NotFoundError
from credstack.web import catalogue as catalogue_service


def _demo_context() -> dict[str, Any]:
    if not getattr(settings, "CREDSTACK_DEMO", False):
        return {}
    from credstack.demo import accounts
    from credstack.demo.tour import demo_tour

    return {
        "demo": {
            "tour": demo_tour(),
            "accounts": accounts.featured_accounts(),
            "password": accounts.DEMO_PASSWORD,
            "learner": accounts.LEARNER,
            "employer": accounts.EMPLOYER,
            "issuer": accounts.ISSUER,
            "reviewer": accounts.REVIEWER,
            "profile_slug": accounts.PUBLIC_PROFILE_SLUG,
        }
    }


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """``/``: what credstack is and for whom; on a demo instance, the demo accounts and
    a short tour."""
    return render(request, "web/home.html", _demo_context())


@require_safe
def catalogue_page(request: HttpRequest) -> HttpResponse:
    """``/catalogue/``: published micro-credentials; ``?skill=``, ``?provider=`` (an
    organisation's slug) and ``?tag=`` filter them."""
    shown = catalogue_service.catalogue(
        skill=request.GET.get("skill", ""),
        provider=request.GET.get("provider", ""),
        tag=request.GET.get("tag", ""),
    )
    return render(request, "web/catalogue.html", {"catalogue": shown})


@require_safe
def catalogue_definition_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """``/catalogue/<def_id>/``: one published micro-credential and its EU elements."""
    try:
        entry = catalogue_service.catalogue_entry(public_id)
    except NotFoundError as error:
        raise Http404(error.message) from None
    elements = catalogue_service.definition_elements(entry)
    return render(
        request,
        "web/catalogue_definition.html",
        {
            "entry": entry,
            "mandatory_elements": [e for e in elements if e.mandatory],
            "optional_elements": [e for e in elements if not e.mandatory and e.present],
            "expiry": catalogue_service.expiry_text(entry.version),
        },
    )
