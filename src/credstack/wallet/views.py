"""The wallet's pages: thin views over :mod:`credstack.wallet.services`.

Every page under ``/wallet/`` is the signed-in learner's own; someone else's object is a
404 there, never a 403 (its existence is not revealed). ``/u/<slug>/`` is public.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from credstack.common.errors import CredstackError, NotFoundError
from credstack.common.pages import render_private
from credstack.standards.report import Check, Outcome, Verdict, VerificationReport
from credstack.verification.downloads import attachment_response
from credstack.verification.services import VERDICT_TEXTS, describe_report, size_label
from credstack.wallet import clr_export, services
from credstack.wallet.models import Visibility, WalletCredential

# Room for the form's other fields and the multipart framing around the credential.
FORM_OVERHEAD_BYTES = 64 * 1024


def stored_report(held: WalletCredential) -> VerificationReport | None:
    """The last verification report of ``held`` as the trust core's object (for the
    verifier's plain-language view)."""
    data = held.report
    if not isinstance(data, Mapping):
        return None
    checks = [
        Check(
            str(c.get("check", "")),
            Outcome(c.get("outcome", "not_checked")),
            str(c.get("message", "")),
            dict(c.get("details") or {}),
        )
        for c in data.get("checks", [])
        if isinstance(c, Mapping)
    ]
    return VerificationReport(
        format=str(data.get("format", held.format)),
        checks=checks,
        verdict=Verdict(data.get("verdict", held.verdict or "could_not_check")),
        credential=held.credential if isinstance(held.credential, dict) else None,
        issuer=data.get("issuer") if isinstance(data.get("issuer"), dict) else None,
    )


def verdict_badge(verdict: str) -> dict[str, Any]:
    """The label and tone (good, bad, warn) of a verdict badge in lists."""
    try:
        text = VERDICT_TEXTS[Verdict(verdict)]
    except ValueError:
        return {"verdict": "unknown", "title": _("Not checked"), "tone": "warn"}
    return {"verdict": verdict, "title": text.title, "tone": text.tone}


def _rows(credentials: Any) -> list[dict[str, Any]]:
    return [{"held": held, "badge": verdict_badge(held.verdict)} for held in credentials]


@login_required
def wallet_list(request: HttpRequest) -> HttpResponse:
    credentials = services.list_credentials(request.user)
    return _page(request, "wallet/list.html", {"rows": _rows(credentials)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    limit = services.max_credential_bytes()
    context: dict[str, Any] = {"limit": size_label(limit)}
    if request.method != "POST":
        return _page(request, "wallet/import.html", context)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + FORM_OVERHEAD_BYTES:
        context["error"] = _(
            "The credential is larger than %(limit)s, the most a wallet keeps."
        ) % {"limit": size_label(limit)}
        return _page(request, "wallet/import.html", context, status=413)
    text = request.POST.get("text", "")
    url = request.POST.get("url", "").strip()
    upload = request.FILES.get("file")
    try:
        result = services.import_credential(
            request.user,
            upload=upload.read() if upload is not None else None,
            upload_name=upload.name or "" if upload is not None else "",
            text=text,
            url=url,
        )
    except CredstackError as error:
        context.update({"error": error.message, "text": text[:65536], "url": url})
        return _page(request, "wallet/import.html", context, status=error.http_status)
    if result.created:
        messages.success(request, _("The credential was added to your wallet."))
    else:
        messages.info(
            request, _("This credential was already in your wallet: it was not added twice.")
        )
    return redirect("wallet:detail", public_id=result.credential.public_id)


@login_required
def detail_page(request: HttpRequest, public_id: str) -> HttpResponse:
    held = _owned(request, public_id)
    held = services.reverify_credential(held)
    report = stored_report(held)
    in_collections = set(held.collections.values_list("pk", flat=True))
    collections = [
        {"collection": c, "holds": c.pk in in_collections}
        for c in services.list_collections(request.user)
    ]
    profile = services.get_profile(request.user)
    return _page(
        request,
        "wallet/detail.html",
        {
            "held": held,
            "badge": verdict_badge(held.verdict),
            "result": describe_report(report) if report is not None else None,
            "collections": collections,
            "profile": profile,
            "award_page": services.issued_here_page(held),
        },
    )


@login_required
@require_POST
def visibility_action(request: HttpRequest, public_id: str) -> HttpResponse:
    held = _owned(request, public_id)
    try:
        services.set_visibility(request.user, held, request.POST.get("visibility", ""))
    except CredstackError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The credential is now public: it shows on your public profile.")
            if held.is_public
            else _("The credential is now private: only you can see it."),
        )
    return redirect("wallet:detail", public_id=held.public_id)


@login_required
@require_POST
def delete_action(request: HttpRequest, public_id: str) -> HttpResponse:
    held = _owned(request, public_id)
    services.delete_credential(request.user, held)
    messages.success(request, _("The credential was removed from your wallet."))
    return redirect("wallet:list")


@login_required
def original_download(request: HttpRequest, public_id: str) -> HttpResponse:
    held = _owned(request, public_id)
    response = HttpResponse(bytes(held.original), content_type=held.media_type)
    response["Content-Disposition"] = f'attachment; filename="{services.original_filename(held)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def collections_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    if request.method == "POST":
        try:
            collection = services.create_collection(
                request.user,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
                is_public=request.POST.get("is_public") == "on",
            )
        except CredstackError as error:
            context.update(_form_error(error, request.POST))
        else:
            messages.success(request, _("The collection was created."))
            return redirect("wallet:collection", public_id=collection.public_id)
    context["collections"] = [
        {"collection": c, "count": c.items.count()} for c in services.list_collections(request.user)
    ]
    return _page(
        request, "wallet/collections.html", context, status=400 if "error" in context else 200
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def collection_page(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        collection = services.get_collection(request.user, public_id)
    except NotFoundError:
        raise Http404(_("There is no such collection in your wallet.")) from None
    context: dict[str, Any] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "delete":
                services.delete_collection(request.user, collection)
                messages.success(request, _("The collection was deleted."))
                return redirect("wallet:collections")
            if action == "update":
                services.update_collection(
                    request.user,
                    collection,
                    name=request.POST.get("name", ""),
                    description=request.POST.get("description", ""),
                    is_public=request.POST.get("is_public") == "on",
                )
                messages.success(request, _("The collection was saved."))
            elif action in ("add", "remove", "up", "down"):
                held = services.get_credential(request.user, request.POST.get("credential", ""))
                if action == "add":
                    services.add_to_collection(request.user, collection, held)
                elif action == "remove":
                    services.remove_from_collection(request.user, collection, held)
                else:
                    offset = -1 if action == "up" else 1
                    services.move_in_collection(request.user, collection, held, offset=offset)
            else:
                raise NotFoundError(_("Unknown action."))
        except CredstackError as error:
            context.update(_form_error(error, request.POST))
        else:
            return redirect("wallet:collection", public_id=collection.public_id)
    members = services.collection_credentials(collection)
    member_ids = {held.pk for held in members}
    context.update(
        {
            "collection": collection,
            "rows": _rows(members),
            "others": [
                h for h in services.list_credentials(request.user) if h.pk not in member_ids
            ],
        }
    )
    return _page(
        request, "wallet/collection.html", context, status=400 if "error" in context else 200
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_page(request: HttpRequest) -> HttpResponse:
    """The learner's privacy controls: the public profile and what it shows."""
    profile = services.get_profile(request.user)
    context: dict[str, Any] = {
        "profile": profile,
        "slug": profile.slug if profile else services.suggested_slug(request.user),
        "display_name": profile.display_name if profile else request.user.display_name,
        "headline": profile.headline if profile else "",
        "is_public": profile.is_public if profile else False,
    }
    status = 200
    if request.method == "POST":
        fields = {
            "slug": request.POST.get("slug", ""),
            "display_name": request.POST.get("display_name", ""),
            "headline": request.POST.get("headline", ""),
            "is_public": request.POST.get("is_public") == "on",
        }
        try:
            profile = services.update_profile(request.user, **fields)
        except CredstackError as error:
            context.update(fields)
            context.update(_form_error(error, {}))
            status = error.http_status
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("wallet:profile")
    context["public_credentials"] = services.list_credentials(request.user).filter(
        visibility=Visibility.PUBLIC
    )
    context["public_collections"] = services.list_collections(request.user).filter(is_public=True)
    return _page(request, "wallet/profile.html", context, status=status)


@login_required
def export_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        services.export_wallet_zip(request.user), content_type="application/zip"
    )
    response["Content-Disposition"] = 'attachment; filename="credstack-wallet.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_clr_download(request: HttpRequest) -> HttpResponse:
    """``/wallet/export.clr.json``: the wallet as a CLR 2.0 signed by the instance; back
    to the wallet with the reason when no CLR can be made."""
    try:
        export = clr_export.build_wallet_clr(request.user)
    except CredstackError as error:
        messages.error(request, error.message)
        return redirect("wallet:list")
    response = attachment_response(
        clr_export.clr_file(export.credential),
        "application/ld+json",
        filename="credstack-wallet-clr.json",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        typed = request.POST.get("confirm_email", "").strip().lower()
        if typed != request.user.email.lower():
            context["error"] = _("Type your email address exactly to confirm.")
            status = 400
        else:
            try:
                services.delete_account(request.user)
            except CredstackError as error:
                context["error"] = error.message
                status = error.http_status
            else:
                logout(request)
                return _page(request, "wallet/account_deleted.html", {})
    return _page(request, "wallet/delete_account.html", context, status=status)


def public_profile_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        shown = services.public_profile(slug)
    except NotFoundError:
        raise Http404(_("There is no public profile at this address.")) from None
    response = render(
        request,
        "wallet/public_profile.html",
        {
            "shown": shown,
            "rows": _rows(shown.credentials),
            "page_url": _public_url(request),
        },
    )
    response["Cache-Control"] = "public, max-age=60"
    return response


def public_credential_page(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    try:
        held = services.public_credential(slug, public_id)
    except NotFoundError:
        raise Http404(_("There is no such public credential.")) from None
    held = services.reverify_credential(held)
    report = stored_report(held)
    response = render(
        request,
        "wallet/public_credential.html",
        {
            "held": held,
            "profile": held.owner.wallet_profile,
            "result": describe_report(report) if report is not None else None,
            "share": True,
            "page_url": _public_url(request),
        },
    )
    response["Cache-Control"] = "public, max-age=60"
    return response


def _public_url(request: HttpRequest) -> str:
    """The page's address for link previews: the instance's public base URL, not the
    Host header a visitor sent."""
    base = str(getattr(settings, "CREDSTACK_BASE_URL", "")).rstrip("/")
    return f"{base}{request.path}" if base else request.build_absolute_uri(request.path)


def _owned(request: HttpRequest, public_id: str) -> WalletCredential:
    try:
        return services.get_credential(request.user, public_id)
    except NotFoundError:
        raise Http404(_("There is no such credential in your wallet.")) from None


def _form_error(error: CredstackError, posted: Mapping[str, Any]) -> dict[str, Any]:
    problems = getattr(error, "problems", [])
    return {
        "error": error.message,
        "problems": problems,
        "name": posted.get("name", ""),
        "description": posted.get("description", ""),
    }


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    return render_private(request, template, context, status=status)
