"""The public verifier page: thin views over :mod:`credstack.verification.services`."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from credstack.common.errors import CredstackError
from credstack.verification import services

# Room for the form's other fields and the multipart framing around the credential.
FORM_OVERHEAD_BYTES = 64 * 1024
# Pasted text longer than this is not echoed back into the form (keeps the page small).
MAX_ECHO_CHARS = 64 * 1024


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Keeps an uploaded file in memory, never on disk, and drops one over ``limit``
    bytes (``too_large`` then tells the view). Uploaded credentials are never stored."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self._chunks: list[bytes] = []
        self._size = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._chunks, self._size = [], 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._size += len(raw_data)
        if self._size > self.limit:
            self.too_large = True
            self._chunks = []
        elif not self.too_large:
            self._chunks.append(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self._size > self.limit:
            return None

        return InMemoryUploadedFile(
            file=io.BytesIO(b"".join(self._chunks)),
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


@csrf_exempt  # the upload handler must be set before CSRF reads the body; see below
def verify_page(request: HttpRequest) -> HttpResponse:
    """GET: the form, or the report for ``?url=`` (a QR code's link). POST: verify an
    uploaded file, pasted text or a URL."""
    if request.method == "POST":
        return _verify_posted(request)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    url = request.GET.get("url", "").strip()
    recipient = request.GET.get("recipient", "").strip()
    if not url:
        return _page(request, {})
    return _verify_and_render(request, {"url": url, "recipient": recipient}, url=url)


@csrf_protect
def _verify_checked_post(request: HttpRequest, handler: MemoryOnlyUploadHandler) -> HttpResponse:
    limit = services.max_submission_bytes()
    try:
        data = request.POST
        files = request.FILES
    except RequestDataTooBig:
        return _error(request, {}, services.too_large_error(limit))
    text = data.get("text", "")
    url = data.get("url", "").strip()
    recipient = data.get("recipient", "").strip()
    echo = {"text": text if len(text) <= MAX_ECHO_CHARS else "", "url": url}
    echo["recipient"] = recipient
    if handler.too_large:
        return _error(request, echo, services.too_large_error(limit))
    upload = files.get("file")
    content = upload.read() if upload is not None else None
    return _verify_and_render(request, echo, text=text, upload=content, url=url)


def _verify_posted(request: HttpRequest) -> HttpResponse:
    limit = services.max_submission_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + FORM_OVERHEAD_BYTES:
        # Refused before anything is read: the body is never buffered.
        return _error(request, {}, services.too_large_error(limit))
    handler = MemoryOnlyUploadHandler(request, limit)
    request.upload_handlers = [handler]
    return _verify_checked_post(request, handler)


def _verify_and_render(
    request: HttpRequest,
    echo: dict[str, str],
    *,
    text: str | None = None,
    upload: bytes | None = None,
    url: str | None = None,
) -> HttpResponse:
    try:
        services.check_rate_limit(services.client_address(request))
        report = services.verify_submission(
            text=text, upload=upload, url=url, recipient=echo.get("recipient")
        )
    except CredstackError as error:
        return _error(request, echo, error)
    # The form under a result starts empty: text left in it would make the next upload
    # "two credentials at once". After an error, the visitor's input stays to be fixed.
    return _page(request, {"result": services.describe_report(report)})


def _error(request: HttpRequest, echo: dict[str, str], error: CredstackError) -> HttpResponse:
    response = _page(request, {**echo, "error": error.message}, status=error.http_status)
    if isinstance(error, services.RateLimitedError):
        response["Retry-After"] = str(error.retry_after)
    return response


def _page(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    limit = services.max_submission_bytes()
    context = {"limit": services.size_label(limit), **context}
    response = render(request, "verification/verify.html", context, status=status)
    # A report is about one visitor's credential: not for shared caches or search engines.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
