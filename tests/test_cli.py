"""The credstack command line, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from credstack.cli import app
from tests.shared_data import fixture_path, read_json, read_text, standards_path

runner = CliRunner()
W3C = standards_path("vectors", "w3c-vc-di-eddsa")


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "key.json"
    code, _, _ = invoke("keys", "generate", "--out", str(path))
    assert code == 0
    return path


def test_it_generates_a_multikey_key_pair_with_its_did_key(tmp_path: Path) -> None:
    code, out, _ = invoke("keys", "generate")
    assert code == 0
    key = json.loads(out)
    assert key["type"] == "Multikey"
    assert key["publicKeyMultibase"].startswith("z6Mk")
    assert key["controller"] == f"did:key:{key['publicKeyMultibase']}"
    assert key["secretKeyMultibase"].startswith("z")


def test_it_refuses_to_overwrite_an_existing_key_file(key_file: Path) -> None:
    before = key_file.read_text()
    code, _, err = invoke("keys", "generate", "--out", str(key_file))
    assert code == 2
    assert "already exists" in err
    assert key_file.read_text() == before


@pytest.mark.parametrize(
    ("suite", "directory", "suffix"),
    [
        ("eddsa-rdfc-2022", "eddsa-rdfc-2022", "DataInt"),
        ("eddsa-jcs-2022", "eddsa-jcs-2022", "JCS"),
    ],
)
def test_it_reproduces_the_w3c_proof_values_exactly(
    suite: str, directory: str, suffix: str
) -> None:
    config = read_json("vectors", "w3c-vc-di-eddsa", directory, f"proofConfig{suffix}.json")
    code, out, _ = invoke(
        "sign",
        str(W3C / "unsigned.json"),
        "--key",
        str(W3C / "keyPair.json"),
        "--suite",
        suite,
        "--verification-method",
        config["verificationMethod"],
        "--created",
        config["created"],
    )
    assert code == 0
    expected = read_text("vectors", "w3c-vc-di-eddsa", directory, f"sigBTC58{suffix}.txt").strip()
    assert json.loads(out)["proof"]["proofValue"] == expected


def test_it_signs_with_the_keys_did_key_and_the_result_verifies(
    key_file: Path, tmp_path: Path
) -> None:
    unsigned = read_json("fixtures", "1edtech-validator", "ob30", "simple.json")
    del unsigned["proof"]
    unsigned["issuer"]["id"] = "did:example:placeholder"
    source = tmp_path / "unsigned.json"
    source.write_text(json.dumps(unsigned))
    code, out, _ = invoke("sign", str(source), "--key", str(key_file))
    assert code == 0
    signed = json.loads(out)
    did = json.loads(key_file.read_text())["controller"]
    assert signed["issuer"]["id"] == did
    assert signed["proof"]["verificationMethod"].startswith(did + "#")
    signed_path = tmp_path / "signed.json"
    signed_path.write_text(out)
    code, out, _ = invoke("verify", str(signed_path), "--json", "--offline")
    report = json.loads(out)
    assert (code, report["verified"], report["verdict"]) == (0, True, "valid")

    signed["name"] = "Teamwork Badge (with honours)"
    signed_path.write_text(json.dumps(signed))
    code, out, _ = invoke("verify", str(signed_path), "--json", "--offline")
    report = json.loads(out)
    assert (code, report["verified"], report["verdict"]) == (1, False, "invalid")


def test_it_signs_a_vc_jwt_that_verifies(key_file: Path, tmp_path: Path) -> None:
    unsigned = read_json("fixtures", "1edtech-validator", "ob30", "simple.json")
    del unsigned["proof"]
    del unsigned["issuer"]["id"]
    source = tmp_path / "unsigned.json"
    source.write_text(json.dumps(unsigned))
    code, out, _ = invoke("sign", str(source), "--key", str(key_file), "--suite", "vc-jwt")
    assert code == 0
    assert out.count(".") == 2
    code, out, _ = invoke("verify", "-", "--json", "--offline", stdin=out)
    assert json.loads(out)["verified"] is True


def test_it_reads_a_credential_from_stdin_and_reports_in_plain_text() -> None:
    code, out, _ = invoke(
        "verify", "-", "--offline", stdin=fixture_path("ob30", "simple.json").read_text()
    )
    assert code == 1
    assert "COULD_NOT_CHECK" in out
    assert "issuer binding" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not valid JSON"), ("hello", "not a credential"), ("[1, 2]", "JSON object")],
)
def test_it_explains_bad_input_without_a_traceback(content: str, message: str) -> None:
    code, out, _ = invoke("verify", "-", "--json", "--offline", stdin=content)
    report = json.loads(out)
    assert code == 1
    assert report["verdict"] == "invalid"
    assert message in report["checks"][0]["message"]


def test_it_exits_2_on_usage_errors(tmp_path: Path) -> None:
    assert invoke("verify", str(tmp_path / "missing.json"))[0] == 2
    assert invoke("verify")[0] == 2
    assert (
        invoke(
            "sign", str(W3C / "unsigned.json"), "--key", str(W3C / "keyPair.json"), "--suite", "rsa"
        )[0]
        == 2
    )


def test_it_bakes_and_unbakes_a_credential(tmp_path: Path) -> None:
    credential = fixture_path("ob30", "simple.json")
    baked = tmp_path / "badge.png"
    code, _, _ = invoke(
        "bake", str(credential), str(fixture_path("ob30", "simple-json.png")), "--out", str(baked)
    )
    assert code == 0
    code, out, _ = invoke("unbake", str(baked))
    assert code == 0
    assert json.loads(out) == json.loads(credential.read_text())


def test_it_refuses_to_unbake_an_image_without_a_credential(tmp_path: Path) -> None:
    plain = tmp_path / "plain.svg"
    plain.write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    code, _, err = invoke("unbake", str(plain))
    assert code == 1
    assert "cannot unbake" in err


def test_it_benchmarks_both_suites_in_a_quick_run() -> None:
    code, out, _ = invoke("bench", "--quick", "--json")
    assert code == 0
    results = json.loads(out)
    assert results["quads"] > 50
    assert [row["suite"] for row in results["suites"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    assert all(row["sign_per_s"] > 0 and row["verify_per_s"] > 0 for row in results["suites"])
