"""Every fixture of the 1EdTech public validator is classified as it should be.

Most fixtures carry their key only in the verification method's URL fragment and name
issuers whose documents cannot be fetched here, so the best a careful verifier can say
of the valid ones is: the signature holds, the issuer binding is not confirmed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from credstack.standards import verify
from credstack.standards.fetch import OfflineFetcher, StaticFetcher
from credstack.standards.report import Outcome, Verdict, VerificationReport
from tests.shared_data import fixture_path, read_json

NOW = datetime(2026, 11, 1, tzinfo=UTC)

# fixture -> (verdict, the check that decides it, its outcome)
UNCONFIRMED = (Verdict.COULD_NOT_CHECK, "issuer_binding", Outcome.NOT_CHECKED)
OB30_EXPECTED: dict[str, tuple[Verdict, str, Outcome]] = {
    "simple.json": UNCONFIRMED,
    "simple.1ob": UNCONFIRMED,
    "simple_v1.json": UNCONFIRMED,
    "simple-context-alias.json": UNCONFIRMED,
    "simple-context-version.json": UNCONFIRMED,
    "simple-did-web-method.json": UNCONFIRMED,
    "simple-did-key-method.json": UNCONFIRMED,  # did:key signer, urn:uuid issuer (PITFALLS §6)
    "simple-eddsa-2022.json": UNCONFIRMED,
    "simple-multiple-proofs.json": UNCONFIRMED,
    "complete.json": UNCONFIRMED,
    # Expired in 2020; its key (#key-1) is behind a URL that cannot be fetched here.
    "complete_v1.json": (Verdict.EXPIRED, "validity_period", Outcome.FAILED),
    "endorsement-valid.json": UNCONFIRMED,
    # No kid and no jwk, so no key to check it with; and its subject has no achievement.
    "simple.jwt": (Verdict.INVALID, "data_model", Outcome.FAILED),
    # Signed by a did:velocity key; credstack resolves did:key and did:web only.
    "velocity.jwt": (Verdict.COULD_NOT_CHECK, "proof", Outcome.NOT_CHECKED),
    "simple-noproof.json": (Verdict.INVALID, "proof", Outcome.FAILED),
    "simple-err-context.json": (Verdict.INVALID, "data_model", Outcome.FAILED),
    "simple-err-type.json": (Verdict.INVALID, "data_model", Outcome.FAILED),
    "simple-err-issuer.json": (Verdict.INVALID, "data_model", Outcome.FAILED),
    "simple-err-issuer-type.json": (Verdict.INVALID, "data_model", Outcome.FAILED),
    "simple-err-issuer-otheridentifier-type.json": (Verdict.INVALID, "data_model", Outcome.FAILED),
    "simple-err-issuer-parentorg-type.json": (Verdict.INVALID, "data_model", Outcome.FAILED),
    "simple-err-credential-subject-type.json": (Verdict.INVALID, "data_model", Outcome.FAILED),
    "simple-err-credential-subject-identifier-type.json": (
        Verdict.INVALID,
        "data_model",
        Outcome.FAILED,
    ),
    "simple-err-credential-subject-profile-type.json": (
        Verdict.INVALID,
        "data_model",
        Outcome.FAILED,
    ),
    "simple-err-credential-subject-result-type.json": (
        Verdict.INVALID,
        "data_model",
        Outcome.FAILED,
    ),
    "simple-err-credential-subject-achievement-result-description-type.json": (
        Verdict.INVALID,
        "data_model",
        Outcome.FAILED,
    ),
    "simple-err-evidence-type.json": (Verdict.INVALID, "data_model", Outcome.FAILED),
    # Edited after signing (its schema, status and refresh entries): the proof fails.
    "endorsement-err-schema-status-refresh.json": (Verdict.INVALID, "proof", Outcome.FAILED),
    "simple-err-proof-method.json": (Verdict.INVALID, "proof", Outcome.FAILED),
    "simple-err-proof-method-no-scheme.json": (Verdict.INVALID, "proof", Outcome.FAILED),
    "simple-err-proof-method-unknown-did-method.json": (Verdict.INVALID, "proof", Outcome.FAILED),
    "simple-err-proof-method-unknown-scheme.json": (Verdict.INVALID, "proof", Outcome.FAILED),
    "simple-err-proof-value.json": (Verdict.INVALID, "proof", Outcome.FAILED),
    "simple-err-expired.json": (Verdict.EXPIRED, "validity_period", Outcome.FAILED),
    "simple-err-issued.json": (Verdict.NOT_YET_VALID, "validity_period", Outcome.FAILED),
    "credential-status-revoked.json": (Verdict.COULD_NOT_CHECK, "status", Outcome.NOT_CHECKED),
}
# A context that is not pinned is never fetched: the proof cannot be checked.
UNKNOWN_CONTEXT = (Verdict.COULD_NOT_CHECK, "proof", Outcome.NOT_CHECKED)
CLR20_EXPECTED: dict[str, tuple[Verdict, str, Outcome]] = {
    "simple.json": UNCONFIRMED,
    "simple_v1.json": UNKNOWN_CONTEXT,  # clr/v2p0/context.json (unversioned)
    "complex.json": UNKNOWN_CONTEXT,  # clr/v2p0/context.json (unversioned)
    "simple.jwt": UNCONFIRMED,
    "simple_old_safesigned.json": UNKNOWN_CONTEXT,  # dc.imsglobal.org draft context
    "simple-noproof.json": (Verdict.INVALID, "proof", Outcome.FAILED),
}
BAKED = ["simple-json.png", "simple-jwt.png", "simple-jwt_v1.png", "simple-json.svg"]
BAKED += ["simple-jwt.svg", "simple-jwt_v1.svg"]


def run(path: Path, fetcher: object | None = None) -> VerificationReport:
    return verify(path.read_bytes(), fetcher=fetcher or OfflineFetcher(), now=NOW)  # type: ignore[arg-type]


def test_it_has_an_expectation_for_every_fixture() -> None:
    ob30 = {p.name for p in fixture_path("ob30").iterdir() if p.is_file()}
    clr20 = {p.name for p in fixture_path("clr20").iterdir() if p.is_file()}
    assert ob30 == set(OB30_EXPECTED) | set(BAKED)
    assert clr20 == set(CLR20_EXPECTED)


@pytest.mark.parametrize("folder", ["ob30", "clr20"])
def test_it_classifies_each_fixture_on_the_right_check(folder: str) -> None:
    expected = OB30_EXPECTED if folder == "ob30" else CLR20_EXPECTED
    wrong = {}
    for name, (verdict, check_name, outcome) in expected.items():
        report = run(fixture_path(folder, name))
        check = report.check(check_name)
        got = (report.verdict, check_name, check.outcome if check else None)
        if got != (verdict, check_name, outcome):
            wrong[name] = (got, [c.to_dict() for c in report.checks])
    assert wrong == {}


@pytest.mark.parametrize("name", sorted(n for n, e in OB30_EXPECTED.items() if e == UNCONFIRMED))
def test_it_verifies_the_signature_of_each_valid_fixture(name: str) -> None:
    report = run(fixture_path("ob30", name))
    proof = report.check("proof")
    assert proof is not None and proof.outcome in {Outcome.PASSED, Outcome.WARNING}, proof
    assert report.check("data_model").outcome is Outcome.PASSED  # type: ignore[union-attr]
    assert not report.verified, "a fragment-only key must never count as fully verified"


def test_it_finds_the_revoked_credential_revoked_against_its_status_list() -> None:
    folder = fixture_path("ob30", "bit-string-list")
    credential = read_json(
        "fixtures", "1edtech-validator", "ob30", "bit-string-list", "credential-status-revoked.json"
    )
    status_list = read_json("fixtures", "1edtech-validator", "ob30", "bit-string-list", "testlist")
    fetcher = StaticFetcher({credential["credentialStatus"]["statusListCredential"]: status_list})
    report = run(folder / "credential-status-revoked.json", fetcher)
    assert report.verdict is Verdict.REVOKED
    assert report.check("status").outcome is Outcome.FAILED  # type: ignore[union-attr]


def test_it_cannot_call_the_credential_unrevoked_when_the_status_list_is_unreachable() -> None:
    folder = fixture_path("ob30", "bit-string-list")
    report = run(folder / "credential-status-revoked.json", OfflineFetcher())
    assert report.verdict is Verdict.COULD_NOT_CHECK
    assert report.check("status").outcome is Outcome.NOT_CHECKED  # type: ignore[union-attr]


@pytest.mark.parametrize("name", BAKED)
def test_it_unbakes_and_verifies_each_baked_fixture(name: str) -> None:
    report = run(fixture_path("ob30", name))
    assert report.format.startswith("baked-")
    assert report.check("format").outcome is Outcome.PASSED  # type: ignore[union-attr]
    proof = report.check("proof")
    assert proof is not None and proof.outcome is Outcome.PASSED, report.to_dict()
    assert report.verdict is Verdict.COULD_NOT_CHECK


def test_it_names_the_unknown_context_it_would_not_fetch() -> None:
    report = run(fixture_path("clr20", "simple_old_safesigned.json"))
    proof = report.check("proof")
    assert proof is not None
    assert "https://dc.imsglobal.org/draft/clr/v2p0/context" in proof.message
