"""Fixtures of the claim tests: awards of Uni A whose claim emails are sent (the
``awards_issued`` callbacks run, jobs run immediately, mail goes to the test outbox),
and the token read back from the email, as a learner would."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from credstack.issuing.models import Award
from credstack.issuing.services import issue_credential

CLAIM_URL = re.compile(r"https://credstack\.test/claim/([A-Za-z0-9_-]+)/")


def token_in(message: Any) -> str:
    found = CLAIM_URL.findall(message.body)
    assert len(found) == 1, message.body
    return found[0]


class FailingBackend:
    """A mail backend whose server refuses every message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def open(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("the mail server refused the connection")


@dataclass
class Claimable:
    award: Award
    token: str
    message: Any

    @property
    def url(self) -> str:
        return f"/claim/{self.token}/"


@pytest.fixture
def award_for(personas: Any, published_definition: Any) -> Callable[..., Award]:
    """Award Uni A's published definition (by alice); emails are sent only when the
    caller runs the commit callbacks."""

    def award(email: str | None = "ana@example.org", **extra: Any) -> Award:
        return issue_credential(
            published_definition.published_version,
            recipient_email=email,
            recipient_name=extra.pop("name", "Ana Silva"),
            by=personas.alice,
            **extra,
        )

    return award


@pytest.fixture
def send_emails(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run ``action`` and then what it left for after the commit (the claim emails)."""

    def run(action: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def claimable(award_for: Any, send_emails: Any, mailoutbox: list[Any]) -> Callable[..., Claimable]:
    def make(email: str = "ana@example.org", **extra: Any) -> Claimable:
        award = send_emails(lambda: award_for(email, **extra))
        return Claimable(award, token_in(mailoutbox[-1]), mailoutbox[-1])

    return make


@pytest.fixture
def instance_documents(settings: Any) -> Callable[[Award], None]:
    """Let verification read this instance's DID document and status lists offline."""
    from tests.issuing.awarding import instance_fetcher

    def serve(award: Award) -> None:
        settings.CREDSTACK_VERIFICATION_FETCHER = instance_fetcher(award)

    return serve
