"""The claim email: plain text and simple HTML, in the credential's language when the
instance has that translation, from the instance's sender with the issuer as Reply-To."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from credstack.claims.models import ClaimLink


def _language(link: ClaimLink) -> str:
    wanted = link.award.definition_version.language or settings.LANGUAGE_CODE
    try:
        return translation.get_supported_language_variant(wanted)
    except LookupError:
        return str(settings.LANGUAGE_CODE)


def claim_message(link: ClaimLink, url: str, *, connection: Any = None) -> EmailMultiAlternatives:
    """The email carrying ``url`` (the link with its token) to ``link.email``."""
    award = link.award
    organisation = award.organisation
    context = {
        "url": url,
        "title": award.definition_version.title,
        "issuer": organisation.name,
        "issuer_email": organisation.email,
        "issuer_website": organisation.website,
        "recipient_name": award.recipient_name,
        "expires_at": link.expires_at,
        "kind": link.kind,
        # The credential identifies the learner by this (hashed) address, when the link
        # goes to a corrected one.
        "issued_to": award.recipient_email
        if award.recipient_email.lower() != link.email.lower()
        else "",
    }
    with translation.override(_language(link)):
        subject = render_to_string("claims/email/subject.txt", context)
        text = render_to_string("claims/email/body.txt", context)
        html = render_to_string("claims/email/body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split())[:250],  # one line: titles are the issuer's text
        body=text,
        to=[link.email],
        reply_to=[organisation.email] if organisation.email else None,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message
