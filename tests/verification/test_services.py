"""The verification service: the fetcher it uses and the plain-language report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from credstack.standards import verify
from credstack.standards.fetch import HttpFetcher, OfflineFetcher
from credstack.verification import services
from credstack.verification.services import (
    SubmissionError,
    SubmissionTooLargeError,
    describe_report,
    verification_fetcher,
    verify_submission,
)
from tests.verification.credentials import SignedSet


def _network_side(fetcher: Any) -> Any:
    """The fetcher behind the layers that answer this instance's own documents."""
    while hasattr(fetcher, "fallback"):
        fetcher = fetcher.fallback
    return fetcher


def test_public_verification_refuses_private_addresses_by_default(settings: Any) -> None:
    fetcher = _network_side(verification_fetcher())
    assert isinstance(fetcher, HttpFetcher)
    assert fetcher.development_mode is False


def test_development_mode_is_a_setting(settings: Any) -> None:
    settings.CREDSTACK_FETCH_DEVELOPMENT_MODE = True
    fetcher = _network_side(verification_fetcher())
    assert isinstance(fetcher, HttpFetcher) and fetcher.development_mode is True


def test_an_injected_fetcher_replaces_the_network(settings: Any) -> None:
    offline = OfflineFetcher()
    settings.CREDSTACK_VERIFICATION_FETCHER = offline
    assert _network_side(verification_fetcher()) is offline


def test_it_refuses_a_submission_over_the_limit(settings: Any) -> None:
    settings.CREDSTACK_VERIFY_MAX_BYTES = 10
    with pytest.raises(SubmissionTooLargeError):
        verify_submission(upload=b"x" * 11)
    with pytest.raises(SubmissionTooLargeError):
        verify_submission(text="é" * 6)  # 12 bytes in UTF-8


def test_it_refuses_an_overlong_recipient() -> None:
    with pytest.raises(SubmissionError, match="too long"):
        verify_submission(text="{}", recipient="a" * 400)


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
    ],
)
def test_it_refuses_svg_with_active_content(svg: str) -> None:
    with pytest.raises(SubmissionError, match="scripts"):
        verify_submission(text=svg)


def test_a_plain_svg_goes_to_the_trust_core(settings: Any) -> None:
    report = verify_submission(text='<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>')
    assert report.verdict.value == "invalid"


def test_the_plain_language_view_of_a_valid_credential(
    signed: SignedSet, status_list: Callable[..., None], settings: Any
) -> None:
    report = verify(signed.credential, fetcher=settings.CREDSTACK_VERIFICATION_FETCHER)
    view = describe_report(report)
    assert view.verdict == "valid"
    assert view.verdict_text.tone == "good"
    assert view.title == "Data Analysis with Python"
    assert view.criteria is not None and view.criteria.startswith("Pass the supervised")
    assert view.issuer is not None
    assert view.issuer.key_confirmed == "confirmed"
    assert view.issuer.website == "https://www.uni-exemplo.example"
    assert len(view.mandatory_elements) == 11
    assert [c.name for c in view.checks][:3] == ["Format", "Structure", "Signature"]


def test_every_verdict_has_a_meaning_and_advice() -> None:
    from credstack.standards.report import Verdict

    assert set(services.VERDICT_TEXTS) == set(Verdict)
    assert all(str(t.meaning) and str(t.advice) for t in services.VERDICT_TEXTS.values())


def test_an_unreadable_input_has_no_issuer() -> None:
    view = describe_report(verify("garbage", fetcher=OfflineFetcher()))
    assert view.issuer is None
    assert view.verdict == "invalid"


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_saw(settings: Any) -> None:
    from django.test import RequestFactory

    request = RequestFactory().get(
        "/verify/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9"
    )
    assert services.client_address(request) == "10.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert services.client_address(request) == "203.0.113.9"
