"""The issuer's award pages: award one credential, the awards list, one award, and its
revocation, suspension and reinstatement. Thin views over ``issuing.services`` (writes)
and ``issuing.award_queries`` (reads), which check permissions.

Under ``/orgs/<slug>/``: anonymous visitors are sent to sign in; someone who is not a
member of the organisation gets 404 (nothing about it is revealed); a member whose role
lacks the right gets 403 with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from credstack.accounts.permissions import Action, can
from credstack.common.errors import (
    ConflictError,
    CredstackError,
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from credstack.issuing import award_queries, services
from credstack.issuing.award_forms import AwardForm, new_form_key, with_form_key
from credstack.issuing.models import Award, AwardStatus

AWARDS_PER_PAGE = 50
MAX_QUERY_CHARS = 200

View = Callable[..., HttpResponse]


def htmx_fragment_requested(request: HttpRequest) -> bool:
    """Whether htmx asks for the part of a page it updates, rather than the whole page
    (which it asks for when restoring the browser's history)."""
    details = getattr(request, "htmx", None)
    return bool(details) and not details.history_restore_request


def issuer_page(view: View) -> View:
    """Sign-in, 404/403 pages and private caching for a page under ``/orgs/<slug>/``.

    The wrapped view resolves the organisation and objects through the read and write
    services; their NotFoundError becomes a 404, PermissionDeniedError (and any other
    CredstackError left unhandled) a page with the message and the error's status.
    To htmx asking for part of a page, these answer with a reload of the whole page
    (``HX-Refresh``), which then shows the sign-in or error page in full, instead of
    putting it inside the page or leaving the page as it was.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fragment = htmx_fragment_requested(request)
        response: HttpResponse
        if not request.user.is_authenticated:
            return HttpResponseClientRefresh() if fragment else _sign_in(request)
        try:
            response = view(request, *args, **kwargs)
        except NotAuthenticatedError:
            return HttpResponseClientRefresh() if fragment else _sign_in(request)
        except NotFoundError as error:
            if not fragment:
                raise Http404(error.message) from None
            response = HttpResponseClientRefresh()
        except CredstackError as error:
            if fragment:
                response = HttpResponseClientRefresh()
            else:
                response = render(
                    request,
                    "issuing/awards/problem.html",
                    {"message": error.message, "slug": kwargs.get("slug", "")},
                    status=error.http_status,
                )
        # Issuer pages show learners' personal data: never for shared caches or robots.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        # The same address answers htmx with a fragment, browsers with the whole page.
        patch_vary_headers(response, ("HX-Request",))
        return response

    return wrapper


def _sign_in(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path())


def _section(organisation: Any, section: str) -> dict[str, Any]:
    return {"organisation": organisation, "org_section": section}


@require_http_methods(["GET", "HEAD"])
@issuer_page
def awards_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = award_queries.member_organisation(request.user, slug)
    query = request.GET.get("q", "")[:MAX_QUERY_CHARS].strip()
    definition_id = request.GET.get("definition", "")[:64]
    status = request.GET.get("status", "")[:16]
    awards = award_queries.search_awards(
        organisation, by=request.user, query=query, definition_id=definition_id, status=status
    )
    page = Paginator(awards, AWARDS_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        **_section(organisation, "awards"),
        "page": page,
        "query": query,
        "definition_id": definition_id,
        "status": status,
        "filtered": bool(query or definition_id or status),
    }
    if htmx_fragment_requested(request):
        # Typing in the search box or changing a filter: the results and their count.
        return render(request, "issuing/awards/_results.html", {**context, "fragment": True})
    context.update(
        {
            "definitions": award_queries.definition_choices(organisation, by=request.user),
            "awardable": award_queries.definition_choices(
                organisation, by=request.user, awardable_only=True
            )
            if can(request.user, organisation, Action.AWARD)
            else [],
            "statuses": AwardStatus.choices,
        }
    )
    return render(request, "issuing/awards/list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@issuer_page
def award_new_page(request: HttpRequest, slug: str, definition_id: str) -> HttpResponse:
    organisation = award_queries.member_organisation(request.user, slug, Action.AWARD)
    version = award_queries.awardable_version(organisation, definition_id, by=request.user)
    context: dict[str, Any] = {
        **_section(organisation, "awards"),
        "version": version,
        "definition_id": definition_id,
    }
    if request.method != "POST":
        context["form"] = AwardForm(initial={"idempotency_key": new_form_key()})
        return render(request, "issuing/awards/new.html", context)
    form = AwardForm(with_form_key(request.POST))
    context["form"] = form
    if not form.is_valid():
        return render(request, "issuing/awards/new.html", context, status=400)
    submitted_at = timezone.now()
    try:
        award = services.issue_credential(version, by=request.user, **form.award_arguments())
    except (PermissionDeniedError, NotFoundError):
        raise
    except ConflictError as error:
        if error.code != "idempotency_key_reused":
            context["error"] = error.message
            return render(request, "issuing/awards/new.html", context, status=error.http_status)
        # The form was used before for another recipient (back button, edited, sent
        # again): keep what was typed, with a fresh key, and say so.
        context["form"] = AwardForm(with_form_key(request.POST, fresh=True))
        context["error"] = _(
            "This form was already used to make another award. Check the details and "
            "send it again to make a new award."
        )
        return render(request, "issuing/awards/new.html", context, status=409)
    except CredstackError as error:
        # Invalid award, no key-encryption key...: what was typed stays in the form.
        context.update({"error": error.message, "problems": getattr(error, "problems", [])})
        return render(request, "issuing/awards/new.html", context, status=error.http_status)
    if award.created_at < submitted_at:
        messages.info(
            request, _("This form had already been sent: the credential was awarded once.")
        )
    else:
        messages.success(request, _("The credential was awarded."))
    return redirect("issuing:award", slug=organisation.slug, award_id=award.public_id)


@require_http_methods(["GET", "HEAD"])
@issuer_page
def award_page(request: HttpRequest, slug: str, award_id: str) -> HttpResponse:
    organisation = award_queries.member_organisation(request.user, slug)
    award = award_queries.award_of(organisation, award_id, by=request.user)
    bulk_job = award_queries.bulk_job_of(award)
    return render(
        request,
        "issuing/awards/detail.html",
        {
            **_section(organisation, "awards"),
            "award": award,
            "history": award_queries.award_history(award),
            "can_change_status": can(request.user, organisation, Action.REVOKE),
            "bulk_job": bulk_job,
            "claim": award_queries.claim_summary(award),
            "can_award": can(request.user, organisation, Action.AWARD),
        },
    )


# change -> (the service making it, the statuses it can start from)
STATUS_CHANGES: dict[str, tuple[Callable[..., Award], frozenset[str]]] = {
    "revoke": (
        services.revoke_credential,
        frozenset({AwardStatus.ACTIVE, AwardStatus.SUSPENDED}),
    ),
    "suspend": (services.suspend_credential, frozenset({AwardStatus.ACTIVE})),
    "reinstate": (services.unsuspend_credential, frozenset({AwardStatus.SUSPENDED})),
}

STATUS_CHANGE_DONE = {
    "revoke": gettext_lazy("The credential was revoked. Verifiers now see it as revoked."),
    "suspend": gettext_lazy("The credential was suspended. Verifiers now see it as suspended."),
    "reinstate": gettext_lazy("The suspension was lifted: the credential is valid again."),
}


@require_http_methods(["GET", "HEAD", "POST"])
@issuer_page
def award_status_page(request: HttpRequest, slug: str, award_id: str, change: str) -> HttpResponse:
    """Revoke (permanent), suspend or reinstate: a page explaining the change and asking
    for the reason; the change itself is a POST."""
    if change not in STATUS_CHANGES:
        raise NotFoundError(_("Unknown change."))
    organisation = award_queries.member_organisation(request.user, slug, Action.REVOKE)
    award = award_queries.award_of(organisation, award_id, by=request.user)
    change_status, allowed_from = STATUS_CHANGES[change]
    reason = request.POST.get("reason", "")[:2000] if request.method == "POST" else ""
    context: dict[str, Any] = {
        **_section(organisation, "awards"),
        "award": award,
        "change": change,
        "reason": reason,
        "possible": award.status in allowed_from,
    }
    if request.method != "POST":
        return render(request, "issuing/awards/status_change.html", context)
    try:
        change_status(award, reason=reason, by=request.user)
    except ValidationFailedError as error:
        context.update({"error": error.message, "problems": error.problems})
        return render(request, "issuing/awards/status_change.html", context, status=400)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, STATUS_CHANGE_DONE[change])
    return redirect("issuing:award", slug=organisation.slug, award_id=award.public_id)


# --- Claim links (when the instance sends claim emails) ------------------------------


def _claims_services() -> Any:
    if not award_queries.claims_installed():
        raise NotFoundError(_("This instance sends no claim emails."))
    from credstack.claims import services as claims

    return claims


@require_POST
@issuer_page
def award_claim_resend_action(request: HttpRequest, slug: str, award_id: str) -> HttpResponse:
    """Send the learner a new claim link; the previous one stops working."""
    claims = _claims_services()
    organisation = award_queries.member_organisation(request.user, slug, Action.AWARD)
    award = award_queries.award_of(organisation, award_id, by=request.user)
    try:
        address = claims.resend_claim(award, by=request.user)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("A new claim link is on its way to %(address)s; the previous link no longer works.")
            % {"address": address},
        )
    return redirect("issuing:award", slug=organisation.slug, award_id=award.public_id)


@require_http_methods(["GET", "HEAD", "POST"])
@issuer_page
def award_recipient_email_page(request: HttpRequest, slug: str, award_id: str) -> HttpResponse:
    """Correct the address the claim links go to, or re-issue to the corrected address."""
    claims = _claims_services()
    organisation = award_queries.member_organisation(request.user, slug, Action.AWARD)
    award = award_queries.award_of(organisation, award_id, by=request.user)
    posted = request.POST if request.method == "POST" else {}
    context: dict[str, Any] = {
        **_section(organisation, "awards"),
        "award": award,
        "claim": award_queries.claim_summary(award),
        "new_email": str(posted.get("new_email", ""))[:254],
        "reason": str(posted.get("reason", ""))[:2000],
        "reissue": posted.get("reissue") == "on",
        "can_reissue": can(request.user, organisation, Action.REVOKE),
    }
    if request.method != "POST":
        return render(request, "issuing/awards/recipient_email.html", context)
    try:
        change = claims.change_recipient_email(
            award,
            context["new_email"],
            by=request.user,
            reason=context["reason"],
            reissue=context["reissue"],
        )
    except (PermissionDeniedError, NotFoundError):
        raise
    except CredstackError as error:
        context.update({"error": error.message, "problems": getattr(error, "problems", [])})
        return render(
            request, "issuing/awards/recipient_email.html", context, status=error.http_status
        )
    if change.reissued_as is not None:
        messages.success(
            request,
            _(
                "The credential was issued again to %(address)s; the award to the old "
                "address is revoked."
            )
            % {"address": change.new_email},
        )
        return redirect(
            "issuing:award", slug=organisation.slug, award_id=change.reissued_as.public_id
        )
    messages.success(
        request,
        _("A claim link is on its way to %(address)s; earlier links no longer work.")
        % {"address": change.new_email},
    )
    return redirect("issuing:award", slug=organisation.slug, award_id=award.public_id)
