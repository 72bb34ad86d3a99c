"""The learner's claim page ``/claim/<token>/``: thin views over :mod:`.services`.

The token is the capability: whoever holds the link may see the credential and claim
it once. The page is never cached, never indexed, and sends no referrer (the token is
in its address).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from credstack.claims import services
from credstack.claims.models import ClaimLink
from credstack.claims.services import ClaimLinkUnusableError, LinkState
from credstack.common.errors import CredstackError
from credstack.common.pages import render_private
from credstack.issuing import sharing
from credstack.issuing.models import Award
from credstack.verification.elements import micro_credential_elements

# Links claimed in this browser session: their page keeps showing the downloads.
SESSION_KEY = "claims:claimed"

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _award_links(award: Award) -> dict[str, Any]:
    """The award's public page and files, as the issuing app serves them."""
    return {
        "page": reverse("issuing:award-page", args=[award.public_id]),
        "page_url": sharing.award_page_url(award),
        "files": sharing.award_downloads(award),
    }


def _claimed_here(request: HttpRequest, link: ClaimLink) -> bool:
    if link.claimed_at is None:
        return False
    if request.user.is_authenticated and link.claimed_by_id == request.user.pk:
        return True
    return link.public_id in request.session.get(SESSION_KEY, [])


def _remember_claim(request: HttpRequest, link: ClaimLink) -> None:
    claimed = [p for p in request.session.get(SESSION_KEY, []) if p != link.public_id]
    request.session[SESSION_KEY] = [*claimed[-19:], link.public_id]


def _context(request: HttpRequest, link: ClaimLink, state: LinkState) -> dict[str, Any]:
    award = link.award
    elements = micro_credential_elements(award.credential)
    return {
        "link": link,
        "award": award,
        "state": state.value,
        "title": award.definition_version.title,
        "organisation": award.organisation,
        "elements": [e for e in elements if e.mandatory or e.present],
        "changes": services.email_changes(award),
        "issued_to": award.recipient_email
        if award.recipient_email.lower() != link.email.lower()
        else "",
        "elsewhere": services.addressed_elsewhere(link, request.user),
        "login_url": reverse("accounts:login") + "?" + urlencode({"next": request.path}),
        "display_name": award.recipient_name,
        "links": _award_links(award),
    }


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    # The address holds the claim token: it must not leave in a Referer header.
    return render_private(request, template, context, status=status, no_referrer=True)


def _unusable(request: HttpRequest, link: ClaimLink, state: LinkState) -> HttpResponse:
    context = _context(request, link, state)
    if _claimed_here(request, link):
        return _page(request, "claims/claimed.html", context)
    return _page(request, "claims/unusable.html", context, status=410)


@require_http_methods(["GET", "HEAD", "POST"])
def claim_page(request: HttpRequest, token: str) -> HttpResponse:
    link = services.find_link(token)
    if link is None:
        return _page(request, "claims/unknown.html", {}, status=404)
    state = services.link_state(link)
    if state is not LinkState.LIVE:
        return _unusable(request, link, state)
    if request.method != "POST":
        return _page(request, "claims/claim.html", _context(request, link, state))
    action = request.POST.get("action", "")
    try:
        if action == "wallet":
            return _claim_into_wallet(request, link)
        if action == "account":
            return _claim_with_new_account(request, link)
        if action == "download":
            services.claim_by_download(link, user=request.user)
            _remember_claim(request, link)
            return redirect(request.path)
    except ClaimLinkUnusableError:
        link.refresh_from_db()
        return _unusable(request, link, services.link_state(link))
    except CredstackError as error:
        context = _context(request, link, state)
        context.update(
            {
                "error": error.message,
                "problems": getattr(error, "problems", []),
                "error_code": error.code,
                "display_name": request.POST.get("display_name", ""),
            }
        )
        return _page(request, "claims/claim.html", context, status=error.http_status)
    context = _context(request, link, state)
    context["error"] = _("Choose what to do with the credential.")
    return _page(request, "claims/claim.html", context, status=400)


def _claim_into_wallet(request: HttpRequest, link: ClaimLink) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(reverse("accounts:login") + "?" + urlencode({"next": request.path}))
    elsewhere = services.addressed_elsewhere(link, request.user)
    result = services.claim_into_wallet(link, request.user)
    _remember_claim(request, link)
    if result.created:
        messages.success(request, _("The credential is in your wallet."))
    else:
        messages.info(request, _("This credential was already in your wallet."))
    if elsewhere:
        messages.warning(
            request,
            _(
                "The credential identifies you by %(email)s, the address it was sent to, "
                "not by your account's address."
            )
            % {"email": link.award.recipient_email},
        )
    return redirect("wallet:detail", public_id=result.credential.public_id)


def _claim_with_new_account(request: HttpRequest, link: ClaimLink) -> HttpResponse:
    if request.user.is_authenticated:
        raise CredstackError(
            _("You are signed in: add the credential to your wallet instead."),
            code="signed_in",
        )
    user, result = services.claim_with_new_account(
        link,
        password=request.POST.get("password", ""),
        password_again=request.POST.get("password_again", ""),
        display_name=request.POST.get("display_name", ""),
    )
    login(request, user, backend=BACKEND)
    _remember_claim(request, link)
    messages.success(request, _("Your account was created and the credential is in your wallet."))
    return redirect("wallet:detail", public_id=result.credential.public_id)
