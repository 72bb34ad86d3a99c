"""credstack's trust core, end to end, offline: what `make demo-offline` runs.

A university signs an EU micro-credential (Open Badges 3.0, eddsa-rdfc-2022) with a
status list entry, publishes its status list, and an employer verifies the credential as
it is, tampered with, baked into a PNG badge, and after the university revokes it.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import png
from rich.console import Console
from rich.markup import escape

from credstack.bench import default_credential
from credstack.standards import bake, sign, unbake, verify
from credstack.standards.fetch import StaticFetcher
from credstack.standards.keys.did_key import did_key_from_public_key
from credstack.standards.keys.multikey import Ed25519KeyPair
from credstack.standards.report import VerificationReport
from credstack.standards.status.bitstring import Bitstring
from credstack.standards.status.status_list import status_list_credential

console = Console(emoji=False)
NOW = datetime(2026, 11, 22, tzinfo=UTC)


def badge_png() -> bytes:
    """A 64×64 badge image, drawn here so the demo needs no file."""
    rows = [
        [
            c
            for x in range(64)
            for c in ((30, 90, 160) if (x - 32) ** 2 + (y - 32) ** 2 < 900 else (255, 255, 255))
        ]
        for y in range(64)
    ]
    out = io.BytesIO()
    png.Writer(64, 64, greyscale=False).write(out, rows)
    return out.getvalue()


def show(title: str, report: VerificationReport) -> None:
    style = "green" if report.verified else "red"
    console.print(f"\n[bold]{escape(title)}[/bold]: [bold {style}]{report.verdict.value}[/]")
    for check in report.checks:
        console.print(f"  {check.name:<16} {check.outcome.value:<12} {escape(check.message)}")


def main() -> None:
    university = Ed25519KeyPair.generate()
    did = did_key_from_public_key(university.public_key)
    console.print(f"University's signing key: [cyan]{did}[/cyan]")

    credential = default_credential()
    entry: dict[str, Any] = credential["credentialStatus"]
    signed = sign(credential, university)
    assert isinstance(signed, dict)
    console.print(
        f"Signed [bold]{escape(signed['name'])}[/bold] with {signed['proof']['cryptosuite']}"
    )

    revocations = Bitstring()
    status_list_url = entry["statusListCredential"]

    def published_list() -> dict[str, Any]:
        unsigned = status_list_credential(
            id=status_list_url,
            issuer=did,
            purpose="revocation",
            bitstring=revocations,
            valid_from=datetime(2026, 6, 1, tzinfo=UTC),
        )
        signed_list = sign(unsigned, university)
        assert isinstance(signed_list, dict)
        return signed_list

    web = StaticFetcher({status_list_url: published_list()})
    show("The credential as issued", verify(signed, fetcher=web, now=NOW))
    show(
        "Checked against the learner's email",
        verify(signed, fetcher=web, now=NOW, recipient="ana.silva@example.org"),
    )

    tampered = {**signed, "name": "Data Analysis with Python (with distinction)"}
    show("A copy whose title was changed", verify(tampered, fetcher=web, now=NOW))

    baked = bake(badge_png(), signed)
    console.print(f"\nBaked into a {len(baked):,}-byte PNG badge; unbaked: {unbake(baked).kind}")
    show("The baked badge", verify(baked, fetcher=web, now=NOW))

    revocations.set(int(entry["statusListIndex"]), 1)
    web = StaticFetcher({status_list_url: published_list()})
    show("After the university revokes it", verify(signed, fetcher=web, now=NOW))


if __name__ == "__main__":
    main()
