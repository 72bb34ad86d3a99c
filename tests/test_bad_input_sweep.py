"""Bad input to every form of the site gets a clear answer and loses nothing.

Each web form (a definition's, an award's, the bulk upload, the claim page, the wallet's
import, the public verifier, the sign-in) is sent what a careless or hostile client
sends: nothing, values of the wrong kind, NUL characters, bytes that are not UTF-8, very
long texts, files too large or not what they claim. Every answer must be a 4xx, or a
page saying what went wrong (the verifier's says the credential is not valid); never a
server error, never a redirect as if it had worked, and no row of the platform's tables
written, not even part of one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from credstack.standards.fetch import OfflineFetcher
from tests.conftest import Personas

APPS = ("accounts", "issuing", "bulk", "claims", "wallet")
LONG = "x" * 100_000
SMALL_LIMIT = 4096
MAX_ROWS = 5
ERROR_MARKER = 'role="alert"'
INVALID_VERDICT = 'data-verdict="invalid"'


@dataclass
class Form:
    """A form: where it posts, as whom, and a valid submission the cases spoil."""

    path: str
    user: Any
    valid: dict[str, Any]
    files: tuple[str, ...] = ()
    # A 200 page that says this is an answer too (the verifier's report).
    also_accepted: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class Site:
    forms: dict[str, Form]


@pytest.fixture
def site(
    personas: Personas,
    published_definition: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> Site:
    from django.core.cache import cache

    from credstack.issuing.services import issue_credential
    from tests.claims.conftest import token_in

    settings.CREDSTACK_VERIFICATION_FETCHER = OfflineFetcher()
    settings.CREDSTACK_VERIFY_RATE_LIMIT = 0
    for limit in (
        "CREDSTACK_BULK_MAX_BYTES",
        "CREDSTACK_WALLET_MAX_BYTES",
        "CREDSTACK_VERIFY_MAX_BYTES",
        "CREDSTACK_IMAGE_MAX_BYTES",
    ):
        setattr(settings, limit, SMALL_LIMIT)
    settings.CREDSTACK_BULK_MAX_ROWS = MAX_ROWS
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        issue_credential(
            published_definition.published_version,
            recipient_email="ana@example.org",
            recipient_name="Ana Silva",
            by=personas.alice,
        )
    token = token_in(mailoutbox[-1])
    definition = published_definition.public_id
    return Site(
        forms={
            "definition": Form(
                "/orgs/uni-a/definitions/new/",
                personas.alice,
                {"title": "Data literacy", "eqf_level": "6", "workload_ects": "3"},
                files=("image_file",),
            ),
            "definition-edit": Form(
                f"/orgs/uni-a/definitions/{definition}/edit/",
                personas.alice,
                {"title": "Data literacy, second edition", "eqf_level": "6"},
                files=("image_file",),
            ),
            "award": Form(
                f"/orgs/uni-a/definitions/{definition}/award/",
                personas.alice,
                {"recipient": "learner@example.org", "recipient_name": "Lea Learner"},
            ),
            "bulk-upload": Form(
                "/orgs/uni-a/bulk/new/",
                personas.alice,
                {"definition": definition},
                files=("file",),
            ),
            "claim": Form(
                f"/claim/{token}/",
                None,
                {
                    "action": "account",
                    "password": "a long enough passphrase",
                    "display_name": "Ana",
                },
            ),
            "wallet-import": Form(
                "/wallet/import/", personas.bob, {"text": '{"type": ["VerifiableCredential"]}'}
            ),
            "verifier": Form(
                "/verify/",
                None,
                {"text": '{"type": ["VerifiableCredential"]}'},
                files=("file",),
                also_accepted=(INVALID_VERDICT,),
            ),
            "login": Form("/accounts/login/", None, {"username": "bob@example.org"}),
        }
    )


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in APPS
        for model in apps.get_app_config(app).get_models()
    }


def _with_every_text(form: Form, value: Callable[[str], str]) -> dict[str, Any]:
    return {name: value(str(text)) for name, text in form.valid.items()}


def _form_encoded(fields: dict[str, bytes]) -> bytes:
    return b"&".join(
        quote_from_bytes(name.encode()).encode() + b"=" + quote_from_bytes(value).encode()
        for name, value in fields.items()
    )


def _svg_with_script() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="1"/></svg>'


# Each case: (name, the forms it applies to or None for every form, how to post it).
# A poster takes the client, the form and the site and returns the response.
Poster = Callable[[Any, Form], Any]


def _post(data: dict[str, Any]) -> Poster:
    return lambda client, form: client.post(form.path, data)


CASES: list[tuple[str, tuple[str, ...] | None, Callable[[Form], Poster]]] = [
    ("nothing", None, lambda form: _post({})),
    (
        "nul-characters",
        None,
        lambda form: _post(_with_every_text(form, lambda text: f"{text}\x00\x00")),
    ),
    (
        "not-utf-8",
        None,
        lambda form: (
            lambda client, posted: client.post(
                posted.path,
                _form_encoded(
                    {
                        name: b"\xff\xfe" + str(text).encode() + b"\xc3"
                        for name, text in form.valid.items()
                    }
                ),
                content_type="application/x-www-form-urlencoded",
            )
        ),
    ),
    ("very-long-texts", None, lambda form: _post(_with_every_text(form, lambda text: LONG))),
    (
        "several-values-for-one-field",
        None,
        lambda form: (
            lambda client, posted: client.post(
                posted.path,
                _form_encoded({name: b"a&" + name.encode() + b"=\x00" for name in form.valid}),
                content_type="application/x-www-form-urlencoded",
            )
        ),
    ),
    (
        "wrong-kinds",
        ("definition", "definition-edit"),
        lambda form: _post(
            {
                "title": "Data",
                "eqf_level": "nine",
                "workload_ects": "1e999",
                "workload_hours": "-3",
                "expiry_rule": "fixed_date",
                "expiry_date": "31/02/2026",
                "expiry_months": "99999999999999999999",
                "price_amount": "NaN",
                "participation_form": "telepathy",
            }
        ),
    ),
    (
        "wrong-kinds",
        ("award",),
        lambda form: _post(
            {
                "recipient": "not an address",
                "recipient_name": "Lea",
                "evidence_url": "javascript:alert(1)",
                "award_date": "2026-13-45",
                "expiry": "yesterday",
                "idempotency_key": "'; DROP TABLE issuing_award; --",
            }
        ),
    ),
    (
        "wrong-kinds",
        ("claim",),
        lambda form: _post({"action": "nonsense", "password": ["a", "b"]}),
    ),
    (
        "wrong-kinds",
        ("bulk-upload",),
        lambda form: _post({"definition": "def_does_not_exist", "file": "not a file"}),
    ),
    (
        "wrong-kinds",
        ("wallet-import", "verifier"),
        lambda form: _post({"url": "file:///etc/passwd", "recipient": "x" * 5000}),
    ),
    (
        "oversized-upload",
        ("definition", "definition-edit", "bulk-upload", "verifier"),
        lambda form: _post(
            {
                **form.valid,
                form.files[0]: SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * SMALL_LIMIT * 4),
            }
        ),
    ),
    (
        "oversized-upload",
        ("wallet-import",),
        lambda form: _post({"file": SimpleUploadedFile("big.json", b"{" + b" " * SMALL_LIMIT * 4)}),
    ),
    (
        "upload-not-what-it-claims",
        ("definition", "definition-edit"),
        lambda form: _post(
            {
                **form.valid,
                "image_file": SimpleUploadedFile("image.png", b"GIF89a not a png", "image/png"),
            }
        ),
    ),
    (
        "svg-with-script",
        ("definition", "definition-edit", "verifier"),
        lambda form: _post(
            {
                **form.valid,
                form.files[0]: SimpleUploadedFile("image.svg", _svg_with_script(), "image/svg+xml"),
            }
        ),
    ),
    (
        "svg-with-script",
        ("wallet-import",),
        lambda form: _post(
            {"file": SimpleUploadedFile("badge.svg", _svg_with_script(), "image/svg+xml")}
        ),
    ),
    (
        "csv-with-wrong-columns",
        ("bulk-upload",),
        lambda form: _post(
            {
                **form.valid,
                "file": SimpleUploadedFile("a.csv", b"colour,size\nred,9\n", "text/csv"),
            }
        ),
    ),
    (
        "csv-in-a-legacy-encoding",
        ("bulk-upload",),
        lambda form: _post(
            {
                **form.valid,
                "file": SimpleUploadedFile(
                    "a.csv", "email,name\nlea@example.org,Léa Müller\n".encode("cp1252")
                ),
            }
        ),
    ),
    (
        "csv-with-nul-bytes",
        ("bulk-upload",),
        lambda form: _post(
            {
                **form.valid,
                "file": SimpleUploadedFile("a.csv", b"email,name\nlea@exa\x00mple.org,L\x00ea\n"),
            }
        ),
    ),
    (
        "too-many-rows",
        ("bulk-upload",),
        lambda form: _post(
            {
                **form.valid,
                "file": SimpleUploadedFile(
                    "a.csv",
                    b"email,name\n"
                    + b"".join(f"l{n}@example.org,L {n}\n".encode() for n in range(MAX_ROWS + 1)),
                ),
            }
        ),
    ),
    (
        "binary-file",
        ("bulk-upload", "wallet-import", "verifier"),
        lambda form: _post(
            {
                **({"definition": form.valid["definition"]} if "definition" in form.valid else {}),
                "file": SimpleUploadedFile("a.bin", bytes(range(256)) * 8),
            }
        ),
    ),
    (
        "malformed-json",
        ("wallet-import", "verifier"),
        lambda form: _post({"text": '{"@context": ["https://www.w3.org/ns/credentials/v2", '}),
    ),
    (
        "json-with-escaped-nul",
        ("wallet-import", "verifier"),
        lambda form: _post(
            {
                "text": '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": '
                '["VerifiableCredential"], "name": "A\\u0000", "issuer": "did:example:1", '
                '"credentialSubject": {"id": "did:example:2"}}'
            }
        ),
    ),
]

PARAMETERS = [
    pytest.param(form_name, case_name, make, id=f"{form_name}-{case_name}")
    for form_name in (
        "definition",
        "definition-edit",
        "award",
        "bulk-upload",
        "claim",
        "wallet-import",
        "verifier",
        "login",
    )
    for case_name, forms, make in CASES
    if forms is None or form_name in forms
]


@pytest.mark.parametrize(("form_name", "case_name", "make"), PARAMETERS)
def test_bad_input_to_a_form_gets_a_clear_answer_and_writes_nothing(
    site: Site, client: Any, form_name: str, case_name: str, make: Callable[[Form], Poster]
) -> None:
    form = site.forms[form_name]
    if form.user is not None:
        client.force_login(form.user)
    before = _rows()
    response = make(form)(client, form)
    page = response.content.decode("utf-8", "replace")
    assert response.status_code < 500, page[:2000]
    assert response.status_code not in (301, 302, 303), (
        f"{form_name}/{case_name} was taken as good input: {response.get('Location')}"
    )
    if response.status_code == 200:
        markers = (ERROR_MARKER, *form.also_accepted)
        assert any(marker in page for marker in markers), (
            f"{form_name}/{case_name}: 200 without a message"
        )
    else:
        assert 400 <= response.status_code < 500
        if "text/html" in response.get("Content-Type", ""):
            assert ERROR_MARKER in page or response.status_code in (400, 404), page[:2000]
    assert _rows() == before


def test_a_csv_with_a_nul_byte_is_refused_naming_its_line() -> None:
    import io

    from credstack.bulk.csv_import import CsvFormatError, open_bulk_csv

    data = b"email,name\nlea@example.org,Lea\n\nana@example.org,A\x00na\n"
    with pytest.raises(CsvFormatError) as refused:
        list(open_bulk_csv(io.BytesIO(data)).rows())
    assert refused.value.line == 4
    assert refused.value.message.startswith("line 4 holds a NUL character")
