"""The reference side on its own: interop/sign.mjs and verify.mjs behave as Digital
Bazaar's implementation does, and their loader is offline and pinned. These checks need
no credstack code, so a failure here points at the harness, not at credstack.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import base58
import pytest

from tests.interop import digital_bazaar
from tests.shared_data import read_json

pytestmark = pytest.mark.interop

W3C_VECTORS = ("vectors", "w3c-vc-di-eddsa")
CONTEXTS_DIR = digital_bazaar.INTEROP_DIR.parent / "src/credstack/standards/jsonld/contexts"


def w3c_key_pair() -> dict[str, Any]:
    key_pair: dict[str, Any] = read_json(*W3C_VECTORS, "keyPair.json")
    return key_pair


def did_key_alumni_credential() -> dict[str, Any]:
    credential: dict[str, Any] = read_json(*W3C_VECTORS, "unsigned.json")
    credential["issuer"] = f"did:key:{w3c_key_pair()['publicKeyMultibase']}"
    return credential


def test_it_reproduces_the_w3c_eddsa_rdfc_2022_vector() -> None:
    expected = read_json(*W3C_VECTORS, "eddsa-rdfc-2022", "signedDataInt.json")

    signed = digital_bazaar.sign(
        read_json(*W3C_VECTORS, "unsigned.json"),
        w3c_key_pair(),
        created=expected["proof"]["created"],
        verification_method=expected["proof"]["verificationMethod"],
    )

    assert signed == expected


def test_it_reproduces_the_1edtech_open_badges_vector() -> None:
    vector = read_json("vectors", "1edtech-ob3-di", "ob-vector.json")
    key_pair = {
        "publicKeyMultibase": vector["publicKeyMultibase"],
        # ed25519-priv multicodec (0x1300) + 32-byte seed, base58btc.
        "secretKeyMultibase": multibase_ed25519_secret(bytes.fromhex(vector["secretKeyHex"])[:32]),
    }

    signed = digital_bazaar.sign(
        vector["unsigned"],
        key_pair,
        created=vector["proofConfig"]["created"],
        verification_method=vector["proofConfig"]["verificationMethod"],
    )

    assert signed == vector["signed"]


def multibase_ed25519_secret(seed: bytes) -> str:
    return "z" + base58.b58encode(b"\x80\x26" + seed).decode("ascii")


def test_it_verifies_a_credential_it_signed_with_a_did_key() -> None:
    signed = digital_bazaar.sign(did_key_alumni_credential(), w3c_key_pair())

    result = digital_bazaar.verify(signed)

    assert result == digital_bazaar.NodeVerification(verified=True, error=None)


def test_it_refuses_a_key_that_is_not_the_issuers() -> None:
    # The W3C signed vector is signed by a did:key but issued by https://vc.example: the
    # issuance purpose requires the verification method's controller to be the issuer.
    result = digital_bazaar.verify(read_json(*W3C_VECTORS, "eddsa-rdfc-2022", "signedDataInt.json"))

    assert not result.verified
    assert "issuer must match the verification method controller" in (result.error or "")


def test_it_refuses_a_credential_with_one_value_changed() -> None:
    signed = digital_bazaar.sign(did_key_alumni_credential(), w3c_key_pair())
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "The School of Counterexamples"

    result = digital_bazaar.verify(tampered)

    assert not result.verified
    assert result.error == "Invalid signature."


def test_its_loader_never_fetches_a_context_that_credstack_does_not_pin() -> None:
    credential = did_key_alumni_credential()
    credential["@context"].append("https://contexts.example/unpinned/v1")

    with pytest.raises(digital_bazaar.DigitalBazaarRefusedError, match="unpinned/v1"):
        digital_bazaar.sign(credential, w3c_key_pair())


def test_its_loader_fails_closed_on_a_pinned_context_that_was_altered(tmp_path: Path) -> None:
    altered = tmp_path / "contexts"
    shutil.copytree(CONTEXTS_DIR, altered)
    examples = altered / "credentials-examples-v2.jsonld"
    examples.write_text(examples.read_text("utf-8").replace("examples#", "examples2#"), "utf-8")

    completed = digital_bazaar.run_script(
        "verify.mjs",
        "-",
        stdin=json.dumps(did_key_alumni_credential()),
        env={"CREDSTACK_CONTEXTS_DIR": str(altered)},
    )

    assert completed.returncode == 1
    assert "credentials-examples-v2.jsonld fails its SHA-256 check" in completed.stderr


def test_its_scripts_reject_wrong_usage() -> None:
    completed = digital_bazaar.run_script("sign.mjs", "-", stdin="{}", check_usage=False)

    assert completed.returncode == 2
    assert "--key" in completed.stderr


def test_it_fails_with_the_install_command_when_the_node_packages_are_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(digital_bazaar.INTEROP_DIR / "package.json", tmp_path / "package.json")
    monkeypatch.setattr(digital_bazaar, "INTEROP_DIR", tmp_path)

    with pytest.raises(pytest.fail.Exception, match=r"make install-test"):
        digital_bazaar.require_digital_bazaar()


def test_it_fails_with_the_install_command_when_node_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(digital_bazaar, "_node", lambda: None)

    with pytest.raises(pytest.fail.Exception, match=r"make install-test"):
        digital_bazaar.require_digital_bazaar()
