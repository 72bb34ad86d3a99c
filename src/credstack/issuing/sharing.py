"""An award's public page and downloads: the services behind ``/c/<award id>/``.

The page is public, like any link a learner shares: whoever has the address (an award's
opaque public id) sees the credential as issued, verified live, and may download it as

- ``json``: the signed credential (JSON-LD, Data Integrity proof);
- ``jwt``: the same credential secured as a VC-JWT by its issuer's key, signed once on
  the first download and kept (:func:`vc_jwt_of`);
- ``png`` / ``svg``: an image with the credential baked in: the definition's own image
  when it has one of that kind, else a QR code (PNG) or a drawn badge (SVG);
- ``pdf``: a certificate rendered by a background job (:func:`request_certificate`).

The live check reads this instance's own status lists and DID documents from the
database (:class:`~credstack.issuing.instance_fetcher.InstanceFetcher`), so it is right
on a local instance too. Nothing here changes an award; the issuer's internal reason for
a revocation or suspension is never shown, only the status.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credstack.common.errors import ConflictError, NotFoundError
from credstack.issuing.identifiers import (
    active_key,
    base_url,
    organisation_did_web,
    verification_method,
)
from credstack.issuing.images import stored_image
from credstack.issuing.models import (
    Award,
    AwardCertificate,
    AwardVcJwt,
    CertificateState,
    DefinitionVersion,
    SigningKey,
)
from credstack.standards import sign
from credstack.standards.errors import BakingError
from credstack.standards.fetch import Fetcher
from credstack.standards.keys.did_key import did_key_from_public_key, verification_method_id
from credstack.standards.keys.multikey import public_key_from_multibase
from credstack.verification.downloads import (
    KINDS,
    attachment_response,
    download_filename,
    download_response,
)
from credstack.verification.services import verification_fetcher
from credstack.verification.sharing import Download, render_credential_page, verifier_link

logger = logging.getLogger(__name__)

DOWNLOAD_KINDS = ("json", "jwt", "png", "svg", "pdf")
JWT_MEDIA_TYPE = "application/jwt"
PDF_MEDIA_TYPE = "application/pdf"

CERTIFICATE_RETRY_AFTER = timedelta(minutes=5)
"""A rendering still pending (its worker died) or failed this long ago is tried again."""

# --- Finding an award and its addresses ------------------------------------------------


def get_public_award(public_id: str) -> Award:
    """The award with ``public_id`` (``awd_…``); NotFoundError when there is none."""
    award = (
        Award.objects.select_related("organisation", "definition_version")
        .filter(public_id=public_id)
        .first()
    )
    if award is None:
        raise NotFoundError(_("There is no credential at this address."))
    return award


def award_page_url(award: Award) -> str:
    """The absolute address of the award's public page (what a learner shares)."""
    return base_url() + reverse("issuing:award-page", args=[award.public_id])


def award_download_url(award: Award, kind: str) -> str:
    return base_url() + reverse("issuing:award-download", args=[award.public_id, kind])


def award_verify_url(award: Award) -> str:
    """The verifier's link that verifies the award's JSON credential (the QR codes)."""
    return verifier_link(base_url(), award_download_url(award, "json"))


def award_fetcher() -> Fetcher:
    """What the live check reads documents with: the public verifier's fetcher, which
    answers this instance's own documents from the database (see apps.IssuingConfig)."""
    return verification_fetcher()


# --- The page --------------------------------------------------------------------------


def award_downloads(award: Award) -> list[Download]:
    def link(kind: str) -> str:
        return reverse("issuing:award-download", args=[award.public_id, kind])

    return [
        Download(_("credential (JSON-LD)"), link("json"), KINDS["json"][0]),
        Download(_("credential (VC-JWT)"), link("jwt"), JWT_MEDIA_TYPE),
        Download(_("badge image with the credential inside (PNG)"), link("png"), "image/png"),
        Download(_("badge image with the credential inside (SVG)"), link("svg"), "image/svg+xml"),
        # Not a plain download: while the PDF is rendered the link answers with a page.
        Download(_("certificate (PDF)"), link("pdf"), PDF_MEDIA_TYPE, attachment=False),
    ]


def render_award_page(request: HttpRequest, award: Award) -> HttpResponse:
    """The award's public page: the credential verified now, in plain language, with
    the learner's name and award date, sharing links and the downloads.

    Search engines are asked not to index it (``noindex``): the learner shares the link
    with whom they choose; a search engine is not one of them by default.
    """
    credential = award.credential
    subject = credential.get("credentialSubject")
    learner = subject.get("name") if isinstance(subject, Mapping) else None
    return render_credential_page(
        request,
        credential,
        public_url=award_page_url(award),
        base_url=base_url(),
        downloads=award_downloads(award),
        fetcher=award_fetcher(),
        credential_url=award_download_url(award, "json"),
        image_url=award_download_url(award, "png"),
        noindex=True,
        template_name="issuing/public/award.html",
        extra_context={
            "award": award,
            "learner_name": learner if isinstance(learner, str) and learner.strip() else None,
        },
    )


# --- Downloads ---------------------------------------------------------------------------


def definition_image(version: DefinitionVersion, kind: str) -> bytes | None:
    """The definition's own image when it is a ``kind`` (png, svg) image, else None."""
    image = stored_image(version.image)
    if image is None or image.extension != kind:
        return None
    return bytes(image.bytes)


def download_award(award: Award, kind: str) -> HttpResponse:
    """The award as a ``kind`` file (json, jwt, png, svg; see :func:`request_certificate`
    for pdf). Raises ValueError for an unknown kind; ConflictError when the VC-JWT
    cannot be signed (no key of the credential's issuer is left)."""
    credential = award.credential
    if kind == "jwt":
        return attachment_response(
            vc_jwt_of(award).encode("ascii"),
            JWT_MEDIA_TYPE,
            filename=download_filename(credential, "jwt"),
        )
    if kind in ("png", "svg"):
        image = definition_image(award.definition_version, kind)
        verify_url = award_verify_url(award)
        if image is not None:
            try:
                return download_response(credential, kind, image=image, verify_url=verify_url)
            except BakingError as error:
                logger.warning("cannot bake into the image of award %s: %s", award.public_id, error)
        return download_response(credential, kind, verify_url=verify_url)
    if kind == "json":
        return download_response(credential, "json")
    raise ValueError(f"unknown download kind {kind!r}")


# --- VC-JWT --------------------------------------------------------------------------------


def vc_jwt_of(award: Award, *, now: datetime | None = None) -> str:
    """The award's credential as a VC-JWT (OB 3.0 §8.2, EdDSA), signed on first call and
    stored, so every later download is the same token.

    The token secures the credential as issued, without its Data Integrity proof. It is
    signed with the organisation's active key when that key speaks for the credential's
    issuer (always on a did:web instance, whose DID document lists every key); a
    credential issued under an earlier did:key is signed with the key of that did:key,
    the only one a verifier accepts for that issuer. Raises ConflictError when no key of
    the organisation speaks for the issuer any more.
    """
    stored = AwardVcJwt.objects.filter(award=award).values_list("token", flat=True).first()
    if stored is not None:
        return stored
    from credstack.issuing.services import load_key_pair

    signing_key, method = _jwt_signer(award)
    credential = {name: value for name, value in award.credential.items() if name != "proof"}
    now = now or timezone.now()
    token = sign(
        credential,
        load_key_pair(signing_key),
        suite="vc-jwt",
        verification_method=method,
        created=now,
    )
    assert isinstance(token, str)
    try:
        with transaction.atomic():
            AwardVcJwt.objects.create(
                award=award, token=token, verification_method=method, signed_at=now
            )
    except IntegrityError:
        # Another request signed it first: everyone gets that one token.
        return AwardVcJwt.objects.values_list("token", flat=True).get(award=award)
    return token


def _credential_issuer(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    identifier = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return identifier if isinstance(identifier, str) else None


def _jwt_signer(award: Award) -> tuple[SigningKey, str]:
    """The key that may secure the award's credential now, and the ``kid`` to name."""
    organisation = award.organisation
    issuer = _credential_issuer(award.credential)
    if issuer is not None and issuer == organisation_did_web(organisation):
        signing_key = active_key(organisation)
        return signing_key, verification_method(signing_key)
    if issuer is not None and issuer.startswith("did:key:"):
        # A did:key names exactly one key: the one that signed the credential.
        for signing_key in SigningKey.objects.filter(organisation=organisation):
            public_key = public_key_from_multibase(signing_key.public_key_multibase)
            if did_key_from_public_key(public_key) == issuer:
                return signing_key, verification_method_id(issuer)
    raise ConflictError(
        _(
            "This credential cannot be given as a VC-JWT: its issuer %(issuer)s is not "
            "one %(organisation)s can sign for now. The JSON-LD download is the same "
            "credential."
        )
        % {"issuer": issuer or "?", "organisation": organisation.name},
        code="no_key_for_issuer",
    )


# --- PDF certificate -------------------------------------------------------------------------


def request_certificate(award: Award, *, now: datetime | None = None) -> AwardCertificate:
    """The award's certificate row (without its PDF bytes), rendering it if needed.

    Ready, and rendered for the award's current status: returned as it is (read the
    bytes with :func:`certificate_pdf`). Otherwise one rendering is enqueued, however
    many visitors ask at once: when there is no certificate yet, when the award's status
    changed since (a revoked award's certificate says so), or when an earlier rendering
    failed or stalled more than :data:`CERTIFICATE_RETRY_AFTER` ago. With jobs run
    immediately (tests, development) the returned row is already ready.

    Precondition: not called inside a transaction (the job reads the committed row).
    """
    now = now or timezone.now()
    row = AwardCertificate.objects.defer("pdf").filter(award=award).first()
    enqueue = False
    if row is None:
        try:
            with transaction.atomic():
                row = AwardCertificate.objects.create(
                    award=award, state=CertificateState.PENDING, requested_at=now
                )
            enqueue = True
        except IntegrityError:  # another visitor's request created it
            row = AwardCertificate.objects.defer("pdf").get(award=award)
    elif _needs_rendering(row, award, now):
        # Only the request that moves the row on enqueues: a concurrent one finds it moved.
        enqueue = bool(
            AwardCertificate.objects.filter(
                pk=row.pk, state=row.state, requested_at=row.requested_at
            ).update(state=CertificateState.PENDING, requested_at=now, error="")
        )
    if enqueue:
        from credstack.issuing.tasks import render_award_certificate_task

        render_award_certificate_task(award.public_id)
    row = AwardCertificate.objects.defer("pdf").get(pk=row.pk)
    return row


def _needs_rendering(row: AwardCertificate, award: Award, now: datetime) -> bool:
    if row.state == CertificateState.READY:
        return row.for_status != award.status
    return row.requested_at <= now - CERTIFICATE_RETRY_AFTER


def certificate_is_current(row: AwardCertificate, award: Award) -> bool:
    """Whether ``row`` holds a PDF for the award's current status."""
    return row.state == CertificateState.READY and row.for_status == award.status


def certificate_pdf(row: AwardCertificate) -> bytes:
    return bytes(AwardCertificate.objects.values_list("pdf", flat=True).get(pk=row.pk))


def certificate_response(award: Award, row: AwardCertificate) -> HttpResponse:
    response = attachment_response(
        certificate_pdf(row),
        PDF_MEDIA_TYPE,
        filename=download_filename(award.credential, "pdf"),
    )
    # The status it shows may change: let caches keep it only briefly.
    response["Cache-Control"] = "no-cache"
    return response
