"""An award's PDF certificate: one A4 landscape page rendered by WeasyPrint.

It states the learner, the title, the issuer, the date of issue and the key elements of
the EU Recommendation (workload, level, learning outcomes), read from the signed
credential as the verifier reads them; a QR code opens the verifier on the credential,
and the credential's id and page address are printed. An award that is revoked or
suspended when the PDF is rendered says so across the page; a status change makes the
page render it again (see ``sharing.request_certificate``).

WeasyPrint fetches nothing: every URL but ``data:`` is refused, and the fonts are the
system's (DejaVu Sans on Debian, through fontconfig). It is imported only here, when a
certificate is rendered, so the web process never loads Pango for a page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from credstack.issuing.models import Award, AwardCertificate, AwardStatus, CertificateState
from credstack.verification.elements import micro_credential_elements, title_of
from credstack.verification.sharing import qr_code_svg

logger = logging.getLogger(__name__)

MAX_OUTCOMES = 8
"""Learning outcomes printed; more are summarised (the page must stay one page)."""


def certificate_context(award: Award) -> dict[str, Any]:
    """What the certificate template shows, from the signed credential."""
    from credstack.issuing.sharing import award_page_url, award_verify_url

    credential = award.credential
    elements = {element.key: element.values for element in micro_credential_elements(credential)}
    subject = credential.get("credentialSubject")
    learner = subject.get("name") if isinstance(subject, Mapping) else None
    issuer = credential.get("issuer")
    issuer_name = issuer.get("name") if isinstance(issuer, Mapping) else None
    outcomes = elements.get("learning_outcomes", [])
    return {
        "award": award,
        "title": title_of(credential) or award.definition_version.title,
        "learner_name": learner if isinstance(learner, str) and learner.strip() else None,
        "issuer_name": issuer_name if isinstance(issuer_name, str) else award.organisation.name,
        "date_of_issue": ", ".join(elements.get("date_of_issue", [])),
        "valid_until": ", ".join(elements.get("valid_until", [])),
        "workload": elements.get("workload", []),
        "level": elements.get("level", []),
        "awarding_bodies": elements.get("awarding_body", []),
        "outcomes": outcomes[:MAX_OUTCOMES],
        "more_outcomes": max(0, len(outcomes) - MAX_OUTCOMES),
        "credential_id": credential.get("id") or award.credential_id,
        "page_url": award_page_url(award),
        "qr_code": qr_code_svg(
            award_verify_url(award), label=_("QR code that opens the verification")
        ),
        "revoked": award.status == AwardStatus.REVOKED,
        "suspended": award.status == AwardStatus.SUSPENDED,
    }


def certificate_language(award: Award) -> str:
    """The credential's language when the instance offers it, else the default one."""
    language = (award.definition_version.language or "").lower()
    offered = {code.lower() for code, _name in settings.LANGUAGES}
    for candidate in (language, language.split("-")[0]):
        if candidate in offered:
            return candidate
    return str(settings.LANGUAGE_CODE)


def certificate_html(award: Award) -> str:
    with translation.override(certificate_language(award)):
        return render_to_string("issuing/public/certificate.html", certificate_context(award))


def render_certificate_pdf(award: Award) -> bytes:
    """The award's certificate as PDF bytes. Raises whatever WeasyPrint raises (a
    missing Pango library is an OSError)."""
    html_document, url_fetcher = _weasyprint()
    # Only data: URIs; every other URL (file:, http:, https:) is refused.
    fetcher = url_fetcher(allowed_protocols=("data",), allow_redirects=False, timeout=1)
    document = html_document(string=certificate_html(award), base_url=None, url_fetcher=fetcher)
    pdf = document.write_pdf(pdf_tags=True)  # a tagged PDF, for screen readers
    assert isinstance(pdf, bytes)
    return pdf


def _weasyprint() -> tuple[Any, Any]:
    """WeasyPrint's HTML and URLFetcher classes, imported without its side effect: on
    import it lets Pillow load truncated images in the whole process, which would let a
    truncated definition image pass ``images.normalise`` in the worker. Certificates
    hold no raster image, so Pillow's default (refuse them) is put back."""
    from PIL import ImageFile

    refuse_truncated = not ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    if refuse_truncated:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    return HTML, URLFetcher


def render_and_store_certificate(award_public_id: str, *, now: datetime | None = None) -> None:
    """Render the award's certificate for its current status and store it (the job
    enqueued by ``sharing.request_certificate``). A failure is logged and stored as
    ``failed`` with its message, for the page to say so and try again later."""
    award = (
        Award.objects.select_related("organisation", "definition_version")
        .filter(public_id=award_public_id)
        .first()
    )
    if award is None:
        return
    status = award.status
    try:
        pdf = render_certificate_pdf(award)
    except Exception as error:
        logger.exception("the certificate of award %s could not be rendered", award_public_id)
        AwardCertificate.objects.filter(award=award).update(
            state=CertificateState.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        return
    AwardCertificate.objects.update_or_create(
        award=award,
        defaults={
            "state": CertificateState.READY,
            "pdf": pdf,
            "for_status": status,
            "rendered_at": now or timezone.now(),
            "error": "",
        },
    )
