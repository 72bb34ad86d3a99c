"""Open Badges 2.0 verification: hosted and signed assertions, served by a fake fetcher.

The badge objects are built here after the examples of the Open Badges 2.0
specification (Assertion, BadgeClass, Profile, CryptographicKey, RevocationList).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.standards.fetch import FetchStatusError, StaticFetcher
from credstack.standards.ob2 import Ob2Result, recipient_matches, verify_ob2_assertion

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
OB2 = "https://w3id.org/openbadges/v2"
ISSUER_ID = "https://issuer.example/issuer"
BADGE_ID = "https://issuer.example/badges/robotics"
ASSERTION_ID = "https://issuer.example/assertions/123"
KEY_ID = "https://issuer.example/keys/1"
REVOCATION_LIST_ID = "https://issuer.example/revocations"
SIGNED_ID = "urn:uuid:5a6c0a7e-8e4f-4d43-9d4c-55a3b1f3c2aa"

RECIPIENT = "bob@example.org"
SALT = "deadsea"
HASHED_IDENTITY = "sha256$" + hashlib.sha256((RECIPIENT + SALT).encode()).hexdigest()

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
P256_KEY = ec.generate_private_key(ec.SECP256R1())


def pem(private_key: Any) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jws(payload: Any, key: Any = RSA_KEY, alg: str = "RS256") -> str:
    header = {"alg": alg}
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    if alg == "RS256":
        signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    elif alg == "ES256":
        r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        signature = b""
    return f"{signing_input}.{b64url(signature)}"


def issuer(**changes: Any) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "@context": OB2,
        "type": "Issuer",
        "id": ISSUER_ID,
        "name": "Uni A",
        "url": "https://issuer.example",
        "email": "badges@issuer.example",
        "publicKey": KEY_ID,
        "revocationList": REVOCATION_LIST_ID,
    }
    profile.update(changes)
    return {name: value for name, value in profile.items() if value is not None}


def badge_class() -> dict[str, Any]:
    return {
        "@context": OB2,
        "type": "BadgeClass",
        "id": BADGE_ID,
        "name": "Awesome Robotics Badge",
        "description": "For doing awesome things with robots.",
        "image": "https://issuer.example/badges/robotics.png",
        "criteria": {"narrative": "Build a robot that sorts recycling."},
        "issuer": ISSUER_ID,
    }


def hosted_assertion(**changes: Any) -> dict[str, Any]:
    assertion: dict[str, Any] = {
        "@context": OB2,
        "type": "Assertion",
        "id": ASSERTION_ID,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": SALT,
            "identity": HASHED_IDENTITY,
        },
        "badge": BADGE_ID,
        "verification": {"type": "HostedBadge"},
        "issuedOn": "2026-03-01T12:00:00+00:00",
    }
    assertion.update(changes)
    return {name: value for name, value in assertion.items() if value is not None}


def signed_assertion(**changes: Any) -> dict[str, Any]:
    signed = {"id": SIGNED_ID, "verification": {"type": "SignedBadge", "creator": KEY_ID}}
    signed.update(changes)
    return hosted_assertion(**signed)


def crypto_key(private_key: Any = RSA_KEY, **changes: Any) -> dict[str, Any]:
    key = {
        "@context": OB2,
        "type": "CryptographicKey",
        "id": KEY_ID,
        "owner": ISSUER_ID,
        "publicKeyPem": pem(private_key),
    }
    key.update(changes)
    return key


def revocation_list(*entries: Any) -> dict[str, Any]:
    return {
        "@context": OB2,
        "type": "RevocationList",
        "id": REVOCATION_LIST_ID,
        "issuer": ISSUER_ID,
        "revokedAssertions": list(entries),
    }


class FakeFetcher(StaticFetcher):
    """StaticFetcher that can also answer an HTTP status error for chosen URLs."""

    def __init__(self, documents: dict[str, Any], statuses: dict[str, int] | None = None) -> None:
        super().__init__(documents)
        self.statuses = statuses or {}

    def get_json(self, url: str) -> Any:
        if url in self.statuses:
            self.requested.append(url)
            raise FetchStatusError(
                f"{url} answered HTTP {self.statuses[url]}", status=self.statuses[url]
            )
        return super().get_json(url)


def served(**overrides: Any) -> dict[str, Any]:
    documents = {
        ASSERTION_ID: hosted_assertion(),
        BADGE_ID: badge_class(),
        ISSUER_ID: issuer(),
        KEY_ID: crypto_key(),
        REVOCATION_LIST_ID: revocation_list("https://issuer.example/assertions/999"),
    }
    documents.update(overrides)
    return {url: document for url, document in documents.items() if document is not None}


def outcome(result: Ob2Result, name: str) -> str:
    check = result.check(name)
    assert check is not None, f"no {name} check in {result.checks}"
    return check.outcome


def failed_names(result: Ob2Result) -> set[str]:
    return {check.name for check in result.checks if check.outcome == "failed"}


# Hosted


@pytest.mark.parametrize(
    "source",
    [ASSERTION_ID, hosted_assertion(), json.dumps(hosted_assertion())],
    ids=["url", "object", "json-text"],
)
def test_it_verifies_a_valid_hosted_assertion(source: Any) -> None:
    fetcher = FakeFetcher(served())

    result = verify_ob2_assertion(source, fetcher=fetcher, now=NOW, recipient=RECIPIENT)

    assert result.valid, result.checks
    assert result.verification_type == "hosted"
    assert not result.revoked and not result.expired
    assert result.assertion == hosted_assertion()
    assert result.badge_class == badge_class()
    assert result.issuer == issuer()
    for name in ("assertion", "assertion_id", "badge_class", "issuer", "verification_scope"):
        assert outcome(result, name) == "passed"
    assert outcome(result, "revocation") == "passed"
    assert outcome(result, "recipient") == "passed"
    assert fetcher.requested[0] == ASSERTION_ID


def test_it_trusts_the_hosted_copy_over_the_assertion_it_was_given() -> None:
    forged = hosted_assertion(expires="2099-01-01T00:00:00Z", badge="https://elsewhere.example/b")
    hosted = hosted_assertion(expires="2026-06-01T00:00:00Z")

    result = verify_ob2_assertion(
        forged, fetcher=FakeFetcher(served(**{ASSERTION_ID: hosted})), now=NOW
    )

    assert result.assertion == hosted
    assert result.expired
    assert not result.valid


def test_it_does_not_need_a_recipient_to_be_valid() -> None:
    result = verify_ob2_assertion(ASSERTION_ID, fetcher=FakeFetcher(served()), now=NOW)

    assert result.valid
    assert outcome(result, "recipient") == "not_checked"


def test_it_reports_a_revoked_flag_on_the_hosted_assertion() -> None:
    stripped = {
        "@context": OB2,
        "id": ASSERTION_ID,
        "revoked": True,
        "revocationReason": "Awarded in error",
    }

    result = verify_ob2_assertion(
        ASSERTION_ID, fetcher=FakeFetcher(served(**{ASSERTION_ID: stripped})), now=NOW
    )

    assert result.revoked and not result.valid
    assert result.revocation_reason == "Awarded in error"
    assert outcome(result, "revocation") == "failed"
    assert "Awarded in error" in (result.check("revocation") or result.checks[0]).message


def test_it_reports_410_gone_as_revoked() -> None:
    fetcher = FakeFetcher(served(), statuses={ASSERTION_ID: 410})

    result = verify_ob2_assertion(hosted_assertion(), fetcher=fetcher, now=NOW)

    assert result.revoked and not result.valid
    assert outcome(result, "revocation") == "failed"
    assert "410" in (result.check("revocation") or result.checks[0]).message


def test_it_reports_another_http_error_as_unfetchable_not_revoked() -> None:
    fetcher = FakeFetcher(served(), statuses={ASSERTION_ID: 500})

    result = verify_ob2_assertion(ASSERTION_ID, fetcher=fetcher, now=NOW)

    assert not result.revoked and not result.valid
    assert outcome(result, "assertion") == "failed"
    assert ASSERTION_ID in (result.check("assertion") or result.checks[0]).message


@pytest.mark.parametrize(
    "entry",
    [ASSERTION_ID, {"id": ASSERTION_ID, "revocationReason": "Violation of policy"}],
)
def test_it_reports_a_hosted_assertion_in_the_revocation_list(entry: Any) -> None:
    fetcher = FakeFetcher(served(**{REVOCATION_LIST_ID: revocation_list(entry)}))

    result = verify_ob2_assertion(ASSERTION_ID, fetcher=fetcher, now=NOW)

    assert result.revoked and not result.valid
    assert outcome(result, "revocation") == "failed"


def test_it_matches_legacy_uid_entries_of_the_revocation_list() -> None:
    hosted = hosted_assertion(uid="abc123")
    fetcher = FakeFetcher(
        served(**{ASSERTION_ID: hosted, REVOCATION_LIST_ID: revocation_list({"uid": "abc123"})})
    )

    result = verify_ob2_assertion(ASSERTION_ID, fetcher=fetcher, now=NOW)

    assert result.revoked


def test_it_cannot_call_an_assertion_valid_when_the_revocation_list_is_unreachable() -> None:
    fetcher = FakeFetcher(served(**{REVOCATION_LIST_ID: None}))

    result = verify_ob2_assertion(ASSERTION_ID, fetcher=fetcher, now=NOW)

    assert not result.revoked and not result.valid
    assert outcome(result, "revocation") == "not_checked"
    assert REVOCATION_LIST_ID in (result.check("revocation") or result.checks[0]).message


def test_it_reports_an_expired_assertion() -> None:
    hosted = hosted_assertion(expires="2026-11-01T00:00:00Z")

    result = verify_ob2_assertion(
        ASSERTION_ID, fetcher=FakeFetcher(served(**{ASSERTION_ID: hosted})), now=NOW
    )

    assert result.expired and not result.valid
    assert outcome(result, "expiry") == "failed"
    assert (result.check("expiry") or result.checks[0]).message == (
        "the assertion expired at 2026-11-01T00:00:00Z"
    )


def test_it_accepts_an_assertion_that_expires_later() -> None:
    hosted = hosted_assertion(expires="2027-01-01T00:00:00Z")

    result = verify_ob2_assertion(
        ASSERTION_ID, fetcher=FakeFetcher(served(**{ASSERTION_ID: hosted})), now=NOW
    )

    assert result.valid and not result.expired


def test_it_reports_an_assertion_issued_in_the_future() -> None:
    hosted = hosted_assertion(issuedOn="2027-01-01T00:00:00Z")

    result = verify_ob2_assertion(
        ASSERTION_ID, fetcher=FakeFetcher(served(**{ASSERTION_ID: hosted})), now=NOW
    )

    assert outcome(result, "issued_on") == "failed" and not result.valid


def test_it_reports_a_hosted_id_that_is_not_the_url_it_came_from() -> None:
    hosted = hosted_assertion(id="https://issuer.example/assertions/456")

    result = verify_ob2_assertion(
        ASSERTION_ID, fetcher=FakeFetcher(served(**{ASSERTION_ID: hosted})), now=NOW
    )

    assert outcome(result, "assertion_id") == "failed" and not result.valid


def test_it_reports_a_given_id_that_is_not_the_hosted_id() -> None:
    given_assertion = hosted_assertion(
        id="urn:uuid:0d1e2f30-1111-4222-8333-944455566677",
        verification=None,
        verify={"type": "hosted", "url": ASSERTION_ID},
    )

    result = verify_ob2_assertion(given_assertion, fetcher=FakeFetcher(served()), now=NOW)

    assert outcome(result, "assertion_id") == "failed" and not result.valid


def test_it_reports_an_unfetchable_badge_class_with_its_url() -> None:
    result = verify_ob2_assertion(
        ASSERTION_ID, fetcher=FakeFetcher(served(**{BADGE_ID: None})), now=NOW
    )

    assert not result.valid
    assert outcome(result, "badge_class") == "failed"
    assert BADGE_ID in (result.check("badge_class") or result.checks[0]).message
    assert result.badge_class is None and result.issuer is None
    assert outcome(result, "revocation") == "not_checked"


def test_it_reports_an_unfetchable_issuer() -> None:
    result = verify_ob2_assertion(
        ASSERTION_ID, fetcher=FakeFetcher(served(**{ISSUER_ID: None})), now=NOW
    )

    assert outcome(result, "issuer") == "failed" and not result.valid


def test_it_reports_a_badge_class_missing_required_properties() -> None:
    incomplete = badge_class()
    del incomplete["criteria"]

    result = verify_ob2_assertion(
        ASSERTION_ID, fetcher=FakeFetcher(served(**{BADGE_ID: incomplete})), now=NOW
    )

    assert outcome(result, "badge_class") == "failed"
    assert "criteria" in (result.check("badge_class") or result.checks[0]).message


def test_it_reports_an_assertion_missing_required_properties() -> None:
    hosted = hosted_assertion(issuedOn=None, badge=None)

    result = verify_ob2_assertion(
        ASSERTION_ID, fetcher=FakeFetcher(served(**{ASSERTION_ID: hosted})), now=NOW
    )

    assert outcome(result, "assertion_data") == "failed"
    assert "badge, issuedOn" in (result.check("assertion_data") or result.checks[0]).message


@pytest.mark.parametrize(
    ("policy", "assertion_id", "passes"),
    [
        (None, ASSERTION_ID, True),
        (None, "https://other.example/assertions/123", False),
        ({"type": "VerificationObject", "allowedOrigins": "other.example"}, None, True),
        ({"type": "VerificationObject", "allowedOrigins": ["x.example"]}, None, False),
        ({"startsWith": "https://other.example/assertions/"}, None, True),
        ({"startsWith": ["https://other.example/badges/"]}, None, False),
        ({"verificationProperty": "email"}, None, False),
    ],
)
def test_it_applies_the_issuer_verification_policy_to_hosted_assertions(
    policy: Any, assertion_id: str | None, passes: bool
) -> None:
    url = assertion_id or "https://other.example/assertions/123"
    documents = served(**{url: hosted_assertion(id=url), ISSUER_ID: issuer(verification=policy)})

    result = verify_ob2_assertion(url, fetcher=FakeFetcher(documents), now=NOW)

    assert (outcome(result, "verification_scope") == "passed") is passes
    assert result.valid is passes


# Signed


def test_it_verifies_a_valid_signed_assertion() -> None:
    token = make_jws(signed_assertion())
    fetcher = FakeFetcher(served())

    result = verify_ob2_assertion(token, fetcher=fetcher, now=NOW, recipient=RECIPIENT)

    assert result.valid, result.checks
    assert result.verification_type == "signed"
    assert result.assertion == signed_assertion()
    assert outcome(result, "signature") == "passed"
    assert outcome(result, "key") == "passed"
    assert outcome(result, "recipient") == "passed"
    assert ASSERTION_ID not in fetcher.requested


def test_it_verifies_an_es256_signed_assertion() -> None:
    token = make_jws(signed_assertion(), P256_KEY, "ES256")
    fetcher = FakeFetcher(served(**{KEY_ID: crypto_key(P256_KEY)}))

    assert verify_ob2_assertion(token, fetcher=fetcher, now=NOW).valid


def test_it_uses_a_key_embedded_in_the_issuer_profile() -> None:
    token = make_jws(signed_assertion())
    fetcher = FakeFetcher(served(**{ISSUER_ID: issuer(publicKey=[crypto_key()]), KEY_ID: None}))

    assert verify_ob2_assertion(token, fetcher=fetcher, now=NOW).valid


def test_it_tries_the_issuer_keys_when_the_assertion_names_no_creator() -> None:
    second_key_id = "https://issuer.example/keys/2"
    token = make_jws(signed_assertion(verification={"type": "SignedBadge"}))
    documents = served(
        **{
            ISSUER_ID: issuer(publicKey=[second_key_id, KEY_ID]),
            second_key_id: crypto_key(OTHER_RSA_KEY, id=second_key_id),
        }
    )

    assert verify_ob2_assertion(token, fetcher=FakeFetcher(documents), now=NOW).valid


def test_it_reports_a_signature_by_the_wrong_key() -> None:
    token = make_jws(signed_assertion(), OTHER_RSA_KEY)

    result = verify_ob2_assertion(token, fetcher=FakeFetcher(served()), now=NOW)

    assert not result.valid
    assert outcome(result, "signature") == "failed"
    assert "does not verify" in (result.check("signature") or result.checks[0]).message


def test_it_reports_a_tampered_signed_assertion() -> None:
    header, _, signature = make_jws(signed_assertion()).split(".")
    tampered = signed_assertion(expires="2099-01-01T00:00:00Z")
    token = f"{header}.{b64url(json.dumps(tampered).encode())}.{signature}"

    result = verify_ob2_assertion(token, fetcher=FakeFetcher(served()), now=NOW)

    assert outcome(result, "signature") == "failed" and not result.valid


def test_it_refuses_a_key_the_issuer_does_not_list() -> None:
    rogue_key_id = "https://rogue.example/keys/1"
    token = make_jws(
        signed_assertion(verification={"type": "SignedBadge", "creator": rogue_key_id}),
        OTHER_RSA_KEY,
    )
    documents = served(**{rogue_key_id: crypto_key(OTHER_RSA_KEY, id=rogue_key_id)})
    fetcher = FakeFetcher(documents)

    result = verify_ob2_assertion(token, fetcher=fetcher, now=NOW)

    assert not result.valid
    assert outcome(result, "key") == "failed"
    assert "not listed" in (result.check("key") or result.checks[0]).message
    assert rogue_key_id not in fetcher.requested


def test_it_refuses_a_key_owned_by_someone_else() -> None:
    token = make_jws(signed_assertion())
    fetcher = FakeFetcher(served(**{KEY_ID: crypto_key(owner="https://rogue.example/issuer")}))

    result = verify_ob2_assertion(token, fetcher=fetcher, now=NOW)

    assert outcome(result, "signature") == "failed"
    assert "owned by" in (result.check("signature") or result.checks[0]).message


def test_it_reports_an_unfetchable_key_with_its_url() -> None:
    token = make_jws(signed_assertion())

    result = verify_ob2_assertion(token, fetcher=FakeFetcher(served(**{KEY_ID: None})), now=NOW)

    assert outcome(result, "signature") == "failed"
    assert KEY_ID in (result.check("signature") or result.checks[0]).message


@pytest.mark.parametrize(
    "entry",
    [SIGNED_ID, {"id": SIGNED_ID, "revocationReason": "Awarded in error"}],
)
def test_it_reports_a_signed_assertion_in_the_revocation_list(entry: Any) -> None:
    token = make_jws(signed_assertion())
    fetcher = FakeFetcher(served(**{REVOCATION_LIST_ID: revocation_list(entry)}))

    result = verify_ob2_assertion(token, fetcher=fetcher, now=NOW)

    assert result.revoked and not result.valid
    assert outcome(result, "signature") == "passed"


def test_it_reports_an_expired_signed_assertion() -> None:
    token = make_jws(signed_assertion(expires="2026-01-01T00:00:00Z"))

    result = verify_ob2_assertion(token, fetcher=FakeFetcher(served()), now=NOW)

    assert result.expired and not result.valid


def test_it_refuses_a_signed_assertion_given_without_its_jws() -> None:
    result = verify_ob2_assertion(signed_assertion(), fetcher=FakeFetcher(served()), now=NOW)

    assert outcome(result, "signature") == "failed" and not result.valid


@pytest.mark.parametrize(
    "token",
    [
        make_jws(signed_assertion(), alg="none"),
        make_jws(signed_assertion(), alg="HS256"),
        b64url(b'{"alg":"RS256"}') + "." + b64url(b"not json") + ".c2ln",
        b64url(b'{"alg":"RS256"}') + "." + b64url(b"[1]") + ".c2ln",
        "not.a.jws",
        "no dots and no scheme",
        "{not json",
        "[1, 2]",
        "ftp://issuer.example/assertions/1",
    ],
)
def test_it_reports_unusable_sources_as_failed_checks(token: str) -> None:
    result = verify_ob2_assertion(token, fetcher=FakeFetcher(served()), now=NOW)

    assert not result.valid
    assert failed_names(result)


# Recipient


@pytest.mark.parametrize(
    ("identity", "candidate", "matches"),
    [
        (
            {"type": "email", "hashed": True, "salt": SALT, "identity": HASHED_IDENTITY},
            RECIPIENT,
            True,
        ),
        (
            {"type": "email", "hashed": True, "salt": SALT, "identity": HASHED_IDENTITY},
            "carol@example.org",
            False,
        ),
        ({"type": "email", "hashed": True, "identity": HASHED_IDENTITY}, RECIPIENT, False),
        (
            {
                "type": "email",
                "hashed": True,
                "identity": "md5$" + hashlib.md5(RECIPIENT.encode()).hexdigest().upper(),
            },
            RECIPIENT,
            True,
        ),
        (
            # The specification's own example: sha256 of "mayze", unsalted.
            {
                "type": "email",
                "hashed": True,
                "identity": "sha256$"
                "7a1a1b3f7d40552e4299180e346e3add12bf9a751a43d9c4ca4518febc2c60c6",
            },
            "mayze",
            True,
        ),
        ({"type": "email", "hashed": False, "identity": "Bob@Example.org"}, RECIPIENT, True),
        (
            {"type": "url", "hashed": False, "identity": "https://bob.example"},
            "https://bob.example",
            True,
        ),
        ({"type": "telephone", "hashed": False, "identity": "+16175551212"}, "+16175551213", False),
    ],
)
def test_it_matches_recipients(identity: dict[str, Any], candidate: str, matches: bool) -> None:
    assert recipient_matches(identity, candidate) is matches


def test_it_reports_a_recipient_mismatch() -> None:
    result = verify_ob2_assertion(
        ASSERTION_ID, fetcher=FakeFetcher(served()), now=NOW, recipient="carol@example.org"
    )

    assert outcome(result, "recipient") == "failed" and not result.valid


def test_it_reports_an_unknown_hash_algorithm() -> None:
    hosted = hosted_assertion(
        recipient={"type": "email", "hashed": True, "identity": "sha1$abcdef"}
    )

    result = verify_ob2_assertion(
        ASSERTION_ID,
        fetcher=FakeFetcher(served(**{ASSERTION_ID: hosted})),
        now=NOW,
        recipient=RECIPIENT,
    )

    assert outcome(result, "recipient") == "failed"
    assert "sha1" in (result.check("recipient") or result.checks[0]).message


def test_it_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone"):
        verify_ob2_assertion(ASSERTION_ID, fetcher=FakeFetcher(served()), now=datetime(2026, 1, 1))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(
        ["recipient", "badge", "verification", "issuedOn", "expires", "id", "revoked"]
    ),
    value=json_values,
)
def test_arbitrary_hosted_data_never_raises(name: str, value: Any) -> None:
    hosted = copy.deepcopy(hosted_assertion())
    hosted[name] = value

    result = verify_ob2_assertion(
        ASSERTION_ID,
        fetcher=FakeFetcher(served(**{ASSERTION_ID: hosted})),
        now=NOW,
        recipient=RECIPIENT,
    )

    assert isinstance(result, Ob2Result)
    if name in ("recipient", "badge", "issuedOn") and value != hosted_assertion()[name]:
        assert not result.valid


@settings(max_examples=150, deadline=None)
@given(
    st.text(max_size=200)
    | st.from_regex(r"[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,40}")
)
def test_arbitrary_text_sources_are_failed_checks_never_exceptions(text: str) -> None:
    result = verify_ob2_assertion(text, fetcher=FakeFetcher(served()), now=NOW)

    assert not result.valid
    assert failed_names(result)
