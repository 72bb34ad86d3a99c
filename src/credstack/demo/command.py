"""``credstack demo``: a local instance seeded with demo data, served at once.

Registered by :func:`credstack.config.commands.register`. Django is set up only when
the command runs, on a data directory of its own (``./.credstack-demo``) whose database,
secrets and mail never touch a real instance's.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Annotated

import typer

DEFAULT_HOME = "./.credstack-demo"
MARKER_FILE_NAME = "demo.json"
# The demo has its own database, job queue, secrets and console mail: settings a real
# instance may have in the environment are ignored by the demo's process.
IGNORED_ENVIRONMENT = (
    "DATABASE_URL",
    "CREDSTACK_REDIS_URL",
    "CREDSTACK_SMTP_URL",
    "CREDSTACK_SECRET_KEY",
    "CREDSTACK_SECRET_KEY_FILE",
    "CREDSTACK_KEY_ENCRYPTION_KEY",
    "CREDSTACK_KEY_ENCRYPTION_KEY_FILE",
    "CREDSTACK_BASE_URL",
    "CREDSTACK_ALLOWED_HOSTS",
    "CREDSTACK_DEBUG",
)
ANY_ADDRESS = ("0.0.0.0", "::", "")


def demo_base_url(host: str, port: int) -> str:
    """The address the demo's credentials name: the host and port it listens on (the
    loopback address when it listens on every interface)."""
    shown = "127.0.0.1" if host in ANY_ADDRESS else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _is_demo_directory(directory: Path) -> bool:
    return (directory / MARKER_FILE_NAME).is_file() or not any(directory.iterdir())


def _seeded_address(directory: Path) -> str | None:
    try:
        marker = json.loads((directory / MARKER_FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    address = marker.get("base_url") if isinstance(marker, dict) else None
    return address if isinstance(address, str) else None


def _use_demo_environment(directory: Path, host: str, base_url: str) -> None:
    for name in IGNORED_ENVIRONMENT:
        os.environ.pop(name, None)
    hosts = ["*"] if host in ANY_ADDRESS else list(dict.fromkeys([host, "localhost", "127.0.0.1"]))
    os.environ.update(
        CREDSTACK_HOME=str(directory),
        CREDSTACK_BASE_URL=base_url,
        CREDSTACK_ALLOWED_HOSTS=",".join(hosts),
        CREDSTACK_DEMO="true",
        CREDSTACK_JOBS_IMMEDIATE="true",
        DJANGO_SETTINGS_MODULE="credstack.config.settings",
    )


def demo(
    home: Annotated[
        Path | None, typer.Option(help=f"The demo's data directory (default: {DEFAULT_HOME}).")
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    reset: Annotated[
        bool, typer.Option("--reset", help="Delete the demo's data directory and seed anew.")
    ] = False,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Seed and stop, without serving.")
    ] = False,
) -> None:
    """Run a demo instance: providers, micro-credentials and job requirements from the
    project's research tables, learners with awards (one revoked, one suspended, one
    expired) in their wallets. Seeds once, then serves until Ctrl-C."""
    from credstack.config.commands import _fail, _setup, serve, stdout
    from credstack.config.instance import prepare_data_directory

    directory = Path(home if home is not None else DEFAULT_HOME).expanduser().resolve()
    base_url = demo_base_url(host, port)
    if directory.exists() and not directory.is_dir():
        _fail(f"{directory} is a file, not a directory")
    if reset and directory.exists():
        if not _is_demo_directory(directory):
            _fail(
                f"{directory} is not a demo's data directory (no {MARKER_FILE_NAME}): "
                "refusing to delete it"
            )
        shutil.rmtree(directory)
        stdout.print(f"deleted         {directory}")
    if directory.is_dir() and not _is_demo_directory(directory):
        _fail(
            f"{directory} holds something other than a demo (no {MARKER_FILE_NAME}); "
            "choose another --home"
        )
    seeded_for = _seeded_address(directory) if directory.is_dir() else None
    if seeded_for is not None and seeded_for != base_url:
        _fail(
            f"this demo was seeded for {seeded_for} and its credentials name that address: "
            "run it with the same --host and --port, or with --reset to seed it anew"
        )

    started = time.monotonic()
    _use_demo_environment(directory, host, base_url)
    prepare_data_directory(directory)
    # Marked at once, so an interrupted first run is resumed rather than refused.
    (directory / MARKER_FILE_NAME).write_text(
        json.dumps({"base_url": base_url}, indent=2) + "\n", encoding="utf-8"
    )
    _setup(directory)

    from django.core.management import call_command

    from credstack.common.errors import CredstackError
    from credstack.demo import accounts
    from credstack.demo.seeding import seed_demo

    call_command("migrate", interactive=False, verbosity=0)
    try:
        report = seed_demo()
    except CredstackError as error:
        problems = getattr(error, "problems", None)
        _fail("seeding failed: " + error.message + (": " + "; ".join(problems) if problems else ""))
    made = ", ".join(f"{count} {kind}" for kind, count in report.created.items())
    stdout.print(f"data directory  {directory}")
    stdout.print(
        f"demo data       {report.organisations} organisations, {report.definitions} published "
        f"micro-credentials, {report.awards} awards, {report.wallet_credentials} in wallets "
        f"({'created ' + made if made else 'all there already'}; "
        f"{time.monotonic() - started:.1f} s)"
    )
    stdout.print(f"password        {accounts.DEMO_PASSWORD}  (every demo account)")
    for account in accounts.featured_accounts():
        stdout.print(f"{str(account.role_label).lower():<15} {account.email}")
    stdout.print(f"open            {base_url}/  (the home page lists the accounts and a tour)")
    if no_serve:
        options = [f"--home {home}"] if home is not None else []
        options += [f"--host {host}"] if host != "127.0.0.1" else []
        options += [f"--port {port}"] if port != 8000 else []
        stdout.print("serve it with   " + " ".join(["credstack demo", *options]))
        return
    serve(host=host, port=port, home=directory)
