"""The ``credstack`` command line."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

app = typer.Typer(
    name="credstack",
    help="credstack: issue, verify and bake Open Badges 3.0 / W3C Verifiable Credentials.",
    no_args_is_help=True,
    add_completion=False,
)
keys_app = typer.Typer(help="Manage signing keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

# Credentials are untrusted text: no emoji codes (did:key: would become an icon), and
# every value printed is escaped so it cannot inject markup.
stdout = Console(emoji=False)
stderr = Console(stderr=True, emoji=False)

EXIT_USAGE = 2
OUTCOME_STYLES = {"passed": "green", "failed": "red", "warning": "yellow", "not_checked": "yellow"}


def _usage_error(message: str) -> NoReturn:
    stderr.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(EXIT_USAGE)


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        _usage_error(f"no such file: {path}")
    except IsADirectoryError:
        _usage_error(f"{path} is a directory, not a file")
    except PermissionError:
        _usage_error(f"cannot read {path}: permission denied")


def _read_json_object(path: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_read_bytes(path))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        _usage_error(f"{path} is not valid JSON ({what}): {error}")
    if not isinstance(value, dict):
        _usage_error(f"{path} must hold a JSON object ({what})")
    return value


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


@app.command()
def verify(
    source: Annotated[
        str, typer.Argument(help="A file (JSON, JWT, PNG, SVG), a URL, or - for stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    recipient: Annotated[
        str | None, typer.Option(help="Check that the credential was issued to this email.")
    ] = None,
    offline: Annotated[bool, typer.Option(help="Never use the network.")] = False,
    dev: Annotated[
        bool, typer.Option(help="Development mode: allow http:// and local addresses.")
    ] = False,
) -> None:
    """Verify a credential. Exit 0 when it is valid, 1 when it is not, 2 on usage errors."""
    from credstack.standards import verify as verify_credential
    from credstack.standards.fetch import Fetcher, HttpFetcher, OfflineFetcher

    is_url = source.startswith(("http://", "https://"))
    if is_url and offline:
        _usage_error("a URL cannot be verified with --offline")
    data: str | bytes = source if is_url else _read_bytes(source)
    fetcher: Fetcher = OfflineFetcher() if offline else HttpFetcher(development_mode=dev)
    report = verify_credential(data, fetcher=fetcher, recipient=recipient)
    if as_json:
        _print_json(report.to_dict())
    else:
        _print_report(report)
    raise typer.Exit(0 if report.verified else 1)


def _print_report(report: Any) -> None:
    style = "green" if report.verified else "red"
    stdout.print(f"[bold {style}]{report.verdict.value.upper()}[/]: {escape(report.summary)}")
    if report.issuer:
        name = escape(report.issuer.get("name") or "")
        stdout.print(f"Issuer: {name} [dim]{escape(report.issuer['id'])}[/dim]")
    table = Table(show_header=True, header_style="bold")
    table.add_column("Check")
    table.add_column("Outcome")
    table.add_column("Details", overflow="fold")
    for check in report.checks:
        outcome = check.outcome.value
        table.add_row(
            check.name.replace("_", " "),
            f"[{OUTCOME_STYLES.get(outcome, 'white')}]{outcome.replace('_', ' ')}[/]",
            escape(check.message),
        )
    stdout.print(table)


@keys_app.command("generate")
def keys_generate(
    out: Annotated[
        Path | None, typer.Option(help="Write the key pair here (mode 600) instead of stdout.")
    ] = None,
) -> None:
    """Generate an Ed25519 key pair in the W3C Multikey JSON form (with its did:key)."""
    from credstack.standards.keys.did_key import did_key_from_public_key, verification_method_id
    from credstack.standards.keys.multikey import Ed25519KeyPair

    key_pair = Ed25519KeyPair.generate()
    did = did_key_from_public_key(key_pair.public_key)
    document = key_pair.to_key_pair_json(id=verification_method_id(did), controller=did)
    text = json.dumps(document, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    if out.exists():
        _usage_error(f"{out} already exists; refusing to overwrite a key")
    out.touch(mode=0o600)
    out.write_text(text)
    stderr.print(f"wrote {out} ({did})")


@app.command()
def sign(
    credential: Annotated[str, typer.Argument(help="The unsigned credential (JSON file or -).")],
    key: Annotated[Path, typer.Option(help="Key pair file (W3C Multikey JSON).")],
    suite: Annotated[
        str, typer.Option(help="eddsa-rdfc-2022 (default), eddsa-jcs-2022 or vc-jwt.")
    ] = "eddsa-rdfc-2022",
    verification_method: Annotated[
        str | None, typer.Option(help="Verification method URL (default: the key's did:key).")
    ] = None,
    created: Annotated[
        str | None, typer.Option(help="Proof creation time, ISO 8601 (default: now).")
    ] = None,
) -> None:
    """Sign a credential and print it (a JSON credential, or a compact VC-JWT)."""
    from credstack.standards import SUITES
    from credstack.standards import sign as sign_credential
    from credstack.standards.errors import StandardsError
    from credstack.standards.keys.multikey import Ed25519KeyPair

    if suite not in SUITES:
        _usage_error(f"unknown suite {suite!r}; choose one of {', '.join(SUITES)}")
    document = _read_json_object(credential, "the credential")
    key_document = _read_json_object(str(key), "the key pair")
    try:
        key_pair = Ed25519KeyPair.from_key_pair_json(key_document)
    except StandardsError as error:
        _usage_error(f"{key}: {error.message}")
    if not key_pair.has_secret:
        _usage_error(f"{key} holds no secret key; it cannot sign")
    created_value: str | datetime | None = created
    if created is not None and suite == "vc-jwt":
        try:
            created_value = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            _usage_error(f"--created {created!r} is not an ISO 8601 date-time")
    try:
        signed = sign_credential(
            document,
            key_pair,
            suite=suite,
            verification_method=verification_method,
            created=created_value,
        )
    except StandardsError as error:
        stderr.print(f"[red]cannot sign:[/red] {escape(error.message)}")
        raise typer.Exit(1) from None
    if isinstance(signed, str):
        sys.stdout.write(signed + "\n")
    else:
        _print_json(signed)


@app.command()
def bake(
    credential: Annotated[str, typer.Argument(help="Signed credential: JSON file or VC-JWT file.")],
    image: Annotated[str, typer.Argument(help="The PNG or SVG image to bake into.")],
    out: Annotated[Path, typer.Option(help="Where to write the baked image.")],
) -> None:
    """Bake a credential into a PNG or SVG image."""
    from credstack.standards import bake as bake_image
    from credstack.standards.errors import StandardsError

    raw = _read_bytes(credential).decode("utf-8", errors="replace").strip()
    payload: dict[str, Any] | str
    payload = _read_json_object(credential, "the credential") if raw.startswith("{") else raw
    try:
        baked = bake_image(_read_bytes(image), payload)
    except StandardsError as error:
        _usage_error(error.message)
    out.write_bytes(baked)
    stderr.print(f"wrote {out}")


@app.command()
def unbake(image: Annotated[str, typer.Argument(help="A baked PNG or SVG image, or -.")]) -> None:
    """Print the credential baked into an image."""
    from credstack.standards import unbake as unbake_image
    from credstack.standards.errors import StandardsError

    try:
        baked = unbake_image(_read_bytes(image))
    except StandardsError as error:
        stderr.print(f"[red]cannot unbake:[/red] {escape(error.message)}")
        raise typer.Exit(1) from None
    if isinstance(baked.payload, str):
        sys.stdout.write(baked.payload + "\n")
    else:
        _print_json(baked.payload)


@app.command()
def bench(
    credential: Annotated[
        str | None, typer.Option(help="An unsigned credential to measure (default: built in).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
    quick: Annotated[bool, typer.Option(help="A short smoke run.")] = False,
    runs: Annotated[int, typer.Option(min=1, help="Runs per figure; the median is given.")] = 5,
) -> None:
    """Measure sign/s and verify/s per suite on one core."""
    from credstack.bench import default_credential, run_benchmark

    document = (
        _read_json_object(credential, "the credential") if credential else default_credential()
    )
    results = run_benchmark(document, runs=1 if quick else runs, seconds=0.1 if quick else 1.0)
    if as_json:
        _print_json(results)
        return
    table = Table(show_header=True, header_style="bold")
    table.add_column("Suite")
    table.add_column("sign/s", justify="right")
    table.add_column("verify/s", justify="right")
    for row in results["suites"]:
        table.add_row(row["suite"], f"{row['sign_per_s']:,.0f}", f"{row['verify_per_s']:,.0f}")
    stdout.print(f"{results['quads']} quads, median of {results['runs']} run(s), one core")
    stdout.print(table)


# --- The platform (Django): credstack init, credstack serve --------------------------
# Defined in credstack.config.commands, which sets Django up only when they run.
from credstack.config.commands import register as _register_platform_commands  # noqa: E402

_register_platform_commands(app)


if __name__ == "__main__":
    app()
