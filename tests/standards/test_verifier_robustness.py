"""Fuzzing the verifier's entry point: every input ends in a report, never an exception.

Inputs are random bytes and text, random JSON, and single mutations of real credentials
(the 1EdTech fixtures, baked images and JWTs). Each must produce a report whose verdict
is not "valid" unless the input is an unchanged credential.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credstack.standards import verify
from credstack.standards.fetch import OfflineFetcher
from credstack.standards.report import Verdict, VerificationReport
from tests.shared_data import fixture_path

NOW = datetime(2026, 11, 1, tzinfo=UTC)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOURCES = [
    fixture_path("ob30", name)
    for name in ("simple.json", "complete.json", "simple.jwt", "simple-json.png", "simple-jwt.svg")
] + [fixture_path("clr20", "simple.json")]
SOURCE_BYTES = [path.read_bytes() for path in SOURCES]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)


def checked(source: Any) -> VerificationReport:
    report = verify(source, fetcher=OfflineFetcher(), now=NOW)
    assert isinstance(report, VerificationReport)
    assert report.checks, "a report always says at least what the input was"
    json.dumps(report.to_dict())  # the report is always serializable
    return report


@FUZZ
@given(st.binary(max_size=2048))
def test_it_reports_on_random_bytes(data: bytes) -> None:
    assert not checked(data).verified


@FUZZ
@given(st.text(max_size=512))
def test_it_reports_on_random_text(text: str) -> None:
    assert not checked(text).verified


@FUZZ
@given(json_values)
def test_it_reports_on_random_json(value: Any) -> None:
    assert not checked(json.dumps(value)).verified


@FUZZ
@given(
    source=st.sampled_from(SOURCE_BYTES),
    position=st.floats(0, 1, exclude_max=True),
    byte=st.integers(0, 255),
    truncate=st.booleans(),
)
def test_it_reports_on_mutated_credentials_and_images(
    source: bytes, position: float, byte: int, truncate: bool
) -> None:
    index = int(position * len(source))
    mutated = source[:index] if truncate else source[:index] + bytes([byte]) + source[index + 1 :]
    report = checked(mutated)
    if mutated != source:
        assert report.verdict is not Verdict.VALID


@FUZZ
@given(value=json_values, data=st.data())
def test_it_reports_on_credentials_with_a_value_replaced(value: Any, data: st.DataObject) -> None:
    credential = json.loads(fixture_path("ob30", "simple.json").read_text())
    mutated = copy.deepcopy(credential)
    target = mutated
    path = []
    while isinstance(target, dict) and target:
        key = data.draw(st.sampled_from(sorted(target)))
        path.append(key)
        if not isinstance(target[key], dict) or data.draw(st.booleans()):
            target[key] = value
            break
        target = target[key]
    report = checked(mutated)
    if mutated != credential:
        assert report.verdict is not Verdict.VALID, path


def test_it_refuses_deeply_nested_json_without_recursing() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    report = checked(deep)
    assert report.verdict is Verdict.INVALID
    assert "nested" in report.checks[0].message


def test_it_refuses_oversized_input() -> None:
    report = checked(b"{" + b" " * (11 * 1024 * 1024) + b"}")
    assert report.verdict is Verdict.INVALID
    assert "larger than" in report.checks[0].message


def test_it_verifies_a_credential_with_an_inline_context() -> None:
    # An inline context object beside the VC 2.0 context once crashed the data model
    # check (a dict tested for membership in a set of URLs).
    from credstack.standards import sign
    from credstack.standards.keys.multikey import Ed25519KeyPair

    credential = json.loads(fixture_path("ob30", "simple.json").read_text())
    del credential["proof"]
    credential["@context"].append({"ects": "https://credstack.example/vocab#ects"})
    credential["ects"] = 5
    credential["issuer"]["id"] = "did:example:placeholder"
    report = checked(sign(credential, Ed25519KeyPair.generate()))
    assert report.verdict is Verdict.VALID, report.to_dict()
