"""A credential's public page: what a learner shares and an employer opens.

The page shows the credential in plain language with its live verification status (the
trust core runs on every view), OpenGraph tags for link previews, a QR code that opens
the verifier on the credential's URL, a LinkedIn "add to profile" link with the
certification fields filled, and download links.

The issuing and wallet apps own credentials; they call :func:`render_credential_page`
with the signed credential and its public URL (see docs/verification.md, "Sharing").
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from credstack.standards.fetch import Fetcher
from credstack.verification import services
from credstack.verification.elements import achievement_of, texts, title_of

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"
MAX_DESCRIPTION = 300


@dataclass(frozen=True)
class Download:
    """A download link; ``attachment`` False for a link that may answer with a page
    (a PDF still being rendered), which the browser must not save as the file."""

    label: str
    url: str
    media_type: str = ""
    attachment: bool = True


@dataclass
class SharePage:
    """Everything the public page needs besides the report."""

    title: str
    description: str
    public_url: str
    verify_url: str
    linkedin_url: str | None
    qr_code: SafeString
    image_url: str | None
    downloads: list[Download] = field(default_factory=list)
    credential_url: str | None = None
    noindex: bool = False


def verifier_link(base_url: str, credential_url: str) -> str:
    """The verifier page's link that verifies ``credential_url`` when opened (QR codes)."""
    path = reverse("verification:verify")
    return f"{base_url.rstrip('/')}{path}?{urlencode({'url': credential_url})}"


def qr_code_svg(url: str, *, label: str) -> SafeString:
    """An inline SVG QR code for ``url`` (error correction M), labelled for screen readers."""
    code = segno.make(url, error="m")
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=4,
        border=2,
        xmldecl=False,
        svgns=True,
        nl=False,
        dark="#000000",
        light="#ffffff",
        svgclass="qr",
        lineclass=None,
    )
    svg = out.getvalue().decode("ascii")
    # The SVG is segno's own output; only the escaped label is added to it.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def linkedin_add_to_profile_url(
    *,
    name: str,
    organization_name: str | None,
    issued: date | None,
    expires: date | None,
    certificate_url: str,
    certificate_id: str | None,
) -> str:
    """LinkedIn's "Add license or certification" link with the fields filled."""
    parameters: dict[str, str] = {"startTask": "CERTIFICATION_NAME", "name": name}
    if organization_name:
        parameters["organizationName"] = organization_name
    if issued is not None:
        parameters["issueYear"] = str(issued.year)
        parameters["issueMonth"] = str(issued.month)
    if expires is not None:
        parameters["expirationYear"] = str(expires.year)
        parameters["expirationMonth"] = str(expires.month)
    parameters["certUrl"] = certificate_url
    if certificate_id:
        parameters["certId"] = certificate_id
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(parameters)}"


def share_page(
    credential: Mapping[str, Any],
    *,
    public_url: str,
    base_url: str,
    downloads: Sequence[Download] = (),
    credential_url: str | None = None,
    image_url: str | None = None,
    noindex: bool = False,
) -> SharePage:
    """The sharing parts of the public page of ``credential`` published at ``public_url``
    on the instance at ``base_url``. Tolerant of missing fields, like the verifier.

    ``credential_url`` is where the credential itself (JSON) is served: the QR code's
    verifier link fetches it (default: ``public_url``). ``image_url`` is the absolute
    image for link previews (default: the achievement's https image). ``noindex`` asks
    search engines not to index the page."""
    achievement = achievement_of(credential)
    title = title_of(credential) or _("Credential")
    description = (
        _first(achievement.get("description")) or _first(credential.get("description")) or title
    )
    issuer = credential.get("issuer")
    issuer_name = _first(issuer.get("name")) if isinstance(issuer, Mapping) else None
    identifier = credential.get("id")
    verify_url = verifier_link(base_url, credential_url or public_url)
    return SharePage(
        title=title,
        description=description[:MAX_DESCRIPTION],
        public_url=public_url,
        verify_url=verify_url,
        linkedin_url=linkedin_add_to_profile_url(
            name=title,
            organization_name=issuer_name,
            issued=_date(credential, "awardedDate", "validFrom", "issuanceDate"),
            expires=_date(credential, "validUntil", "expirationDate"),
            certificate_url=public_url,
            certificate_id=identifier if isinstance(identifier, str) else None,
        ),
        qr_code=qr_code_svg(verify_url, label=_("QR code that opens the verification")),
        image_url=image_url or _image(achievement),
        downloads=list(downloads),
        credential_url=credential_url,
        noindex=noindex,
    )


def render_credential_page(
    request: HttpRequest,
    credential: Mapping[str, Any],
    *,
    public_url: str,
    base_url: str,
    downloads: Sequence[Download] = (),
    fetcher: Fetcher | None = None,
    credential_url: str | None = None,
    image_url: str | None = None,
    noindex: bool = False,
    template_name: str = "verification/credential.html",
    extra_context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The public page of a signed credential, verified now.

    Preconditions: ``credential`` is the signed credential (a JSON object) as issued;
    ``public_url`` is this page's address (what the LinkedIn link points to);
    ``fetcher`` reaches the credential's status list and keys (default: the public
    verifier's, see :func:`services.verification_fetcher`). ``credential_url``,
    ``image_url`` and ``noindex`` are :func:`share_page`'s. ``template_name`` may name a
    template extending ``verification/credential.html`` (its ``summary`` block), given
    ``extra_context`` besides ``result`` and ``share``.
    """
    report = services.verify_credential_document(
        dict(credential), fetcher=fetcher or services.verification_fetcher()
    )
    context = {
        **(extra_context or {}),
        "result": services.describe_report(report),
        "share": share_page(
            credential,
            public_url=public_url,
            base_url=base_url,
            downloads=downloads,
            credential_url=credential_url,
            image_url=image_url,
            noindex=noindex,
        ),
    }
    response = render(request, template_name, context)
    # The status is live: a shared page must not be served stale after a revocation.
    response["Cache-Control"] = "no-cache"
    if noindex:
        response["X-Robots-Tag"] = "noindex"
    return response


def _first(value: Any) -> str | None:
    found = texts(value, limit=1)
    return found[0] if found else None


def _date(credential: Mapping[str, Any], *keys: str) -> date | None:
    for key in keys:
        value = credential.get(key)
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
            except ValueError:
                continue
    return None


def _image(achievement: Mapping[str, Any]) -> str | None:
    image = achievement.get("image")
    url = image.get("id") if isinstance(image, Mapping) else image
    if isinstance(url, str) and url.lower().startswith("https://"):
        return url
    return None
