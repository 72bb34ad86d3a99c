"""The platform's commands (``credstack init``, ``serve``, ``issue``, ``revoke``,
``token create``), added to the ``credstack`` typer application by :func:`register`.
Django is set up only inside them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from credstack.config.instance import data_directory, prepare_data_directory, setup_django

EXIT_USAGE = 2
# No emoji codes (did:key: would become one), no guessing highlights, no wrapping of ids.
stdout = Console(emoji=False, highlight=False, markup=False, soft_wrap=True)
stderr = Console(stderr=True, emoji=False, highlight=False, soft_wrap=True)


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    stderr.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(code)


def _ask(value: str | None, prompt: str, *, no_input: bool, secret: bool = False) -> str:
    if value:
        return value
    if no_input or not sys.stdin.isatty():
        _fail(f"{prompt} is required (give it as an option when not interactive)")
    answer: str = typer.prompt(prompt, hide_input=secret, confirmation_prompt=secret)
    return answer


def _setup(directory: Path) -> None:
    from django.core.exceptions import ImproperlyConfigured

    try:
        setup_django(directory)
    except ImproperlyConfigured as error:
        _fail(f"configuration: {error}")


def init(
    home: Annotated[
        Path | None, typer.Option(help="Data directory (default: $CREDSTACK_HOME or ./.credstack).")
    ] = None,
    admin_email: Annotated[str | None, typer.Option(help="The administrator's email.")] = None,
    admin_password: Annotated[
        str | None,
        typer.Option(
            envvar="CREDSTACK_ADMIN_PASSWORD",
            help="The administrator's password (or $CREDSTACK_ADMIN_PASSWORD).",
        ),
    ] = None,
    organisation: Annotated[
        str | None, typer.Option("--organisation", "--org", help="The first issuer's name.")
    ] = None,
    slug: Annotated[str | None, typer.Option(help="Its slug (in URLs and did:web).")] = None,
    kind: Annotated[str, typer.Option(help="university, training_provider, company, ...")] = (
        "university"
    ),
    country: Annotated[
        str | None, typer.Option(help="Its country, ISO 3166-1 alpha-2 (e.g. FI).")
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt; fail on a missing option.")
    ] = False,
) -> None:
    """Create a local instance: data directory, secrets, database, an administrator, a
    first issuing organisation and its signing key. Safe to run again."""
    directory = data_directory(home)
    prepared = prepare_data_directory(directory)
    _setup(directory)

    from django.conf import settings
    from django.core.management import call_command

    from credstack.accounts.models import Organisation, User
    from credstack.accounts.services import create_organisation, create_user
    from credstack.common.errors import CredstackError
    from credstack.issuing.identifiers import base_url, issuer_id, organisation_did_web
    from credstack.issuing.models import SigningKey
    from credstack.issuing.services import create_signing_key

    stdout.print(f"data directory  {directory}")
    for path in prepared.created:
        stdout.print(f"created         {path} (mode 600)")
    for path in prepared.kept:
        stdout.print(f"kept            {path}")
    call_command("migrate", interactive=False, verbosity=0)
    stdout.print(f"database        {_describe_database(settings.DATABASES['default'])} (migrated)")

    try:
        email = _ask(admin_email, "Administrator email", no_input=no_input)
        admin = User.objects.filter(email=email.strip().lower()).first()
        if admin is None:
            password = _ask(
                admin_password, "Administrator password", no_input=no_input, secret=True
            )
            admin = create_user(email, password, superuser=True)
            stdout.print(f"administrator   {admin.email} (created)")
        else:
            stdout.print(f"administrator   {admin.email} (exists, unchanged)")

        name = _ask(organisation, "Organisation name", no_input=no_input)
        from django.utils.text import slugify

        org = Organisation.objects.filter(slug=slug or slugify(name)[:60]).first()
        if org is None:
            org = create_organisation(
                name=name,
                slug=slug,
                kind=kind,
                country=_ask(country, "Country (ISO 3166-1 alpha-2)", no_input=no_input),
                owner=admin,
            )
            stdout.print(f"organisation    {org.name} ({org.slug}, {org.public_id}) (created)")
        else:
            stdout.print(f"organisation    {org.name} ({org.slug}) (exists, unchanged)")

        if not SigningKey.objects.filter(organisation=org, retired_at__isnull=True).exists():
            key = create_signing_key(org, by=None)
            stdout.print(f"signing key     {key.public_key_multibase} (created, encrypted)")
        stdout.print(f"issuer id       {issuer_id(org)}")
        if organisation_did_web(org) is not None:
            stdout.print(f"DID document    {base_url()}/orgs/{org.slug}/did.json")
    except CredstackError as error:
        details = getattr(error, "problems", None)
        _fail(error.message + (": " + "; ".join(details) if details else ""))
    stdout.print("next            credstack serve  (then open http://127.0.0.1:8000/admin/)")


def _describe_database(database: dict[str, Any]) -> str:
    if database["ENGINE"].endswith("sqlite3"):
        return f"SQLite {database['NAME']}"
    return f"PostgreSQL {database['NAME']} on {database['HOST'] or 'localhost'}"


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    home: Annotated[
        Path | None, typer.Option(help="Data directory (default: $CREDSTACK_HOME or ./.credstack).")
    ] = None,
) -> None:
    """Run the platform for local use. In production run
    `gunicorn credstack.config.wsgi` behind a reverse proxy instead, with
    `credstack worker` for background jobs (docs/deployment.md)."""
    directory = data_directory(home)
    if not directory.is_dir():
        _fail(f"no data directory {directory}: run `credstack init` first")
    _setup(directory)

    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not Path(database["NAME"]).exists():
        _fail(f"no database in {directory}: run `credstack init` first")
    if MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes()
    ):
        stdout.print("applying database migrations")
        call_command("migrate", interactive=False, verbosity=0)
    stdout.print(f"credstack on http://{host}:{port}/ (data in {directory}); Ctrl-C stops it")
    try:
        run(host, port, StaticFilesHandler(get_wsgi_application()), threading=True)
    except OSError as error:
        _fail(f"cannot listen on {host}:{port}: {error}", code=1)
    except KeyboardInterrupt:
        pass


def worker(
    home: Annotated[
        Path | None, typer.Option(help="Data directory (default: $CREDSTACK_HOME or ./.credstack).")
    ] = None,
) -> None:
    """Run the background job worker (bulk awards and the other queued jobs). Run exactly
    one per instance, always: it also resumes, every minute, a bulk job whose worker
    stopped. Ctrl-C (SIGINT) stops it after the running job; SIGTERM at once."""
    directory = data_directory(home)
    if not directory.is_dir():
        _fail(f"no data directory {directory}: run `credstack init` first")
    _setup(directory)

    from django.conf import settings
    from django.core.management import call_command

    if settings.HUEY.get("immediate"):
        _fail(
            "jobs run inside the web process here (CREDSTACK_JOBS_IMMEDIATE, or debug): "
            "no worker is needed; set CREDSTACK_JOBS_IMMEDIATE=false to use one"
        )
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not Path(database["NAME"]).exists():
        _fail(f"no database in {directory}: run `credstack init` first")
    call_command("run_huey")


# --- Awarding: credstack issue, credstack revoke, credstack token create ---------------

HomeOption = Annotated[
    Path | None, typer.Option(help="Data directory (default: $CREDSTACK_HOME or ./.credstack).")
]
ActingUserOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Act as this user (email) and check their rights; by default the command acts "
        "as the instance's operator.",
    ),
]


def _acting_user(email: str | None) -> Any:
    if email is None:
        return None
    from credstack.accounts.models import User

    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        _fail(f"no user {email}")
    return user


def _fail_on_app_error(error: Exception) -> NoReturn:
    problems = getattr(error, "problems", None)
    message = getattr(error, "message", str(error))
    _fail(message + (": " + "; ".join(problems) if problems else ""), code=1)


def issue(
    definition: Annotated[str, typer.Option(help="The definition's id (def_…).")],
    email: Annotated[str | None, typer.Option(help="The learner's email address.")] = None,
    did: Annotated[str | None, typer.Option(help="Or the learner's DID.")] = None,
    name: Annotated[str, typer.Option(help="The learner's name.")] = "",
    grade: Annotated[str | None, typer.Option(help="The grade or result.")] = None,
    narrative: Annotated[str | None, typer.Option(help="Evidence narrative.")] = None,
    evidence_url: Annotated[str | None, typer.Option(help="Evidence URL.")] = None,
    idempotency_key: Annotated[
        str | None, typer.Option(help="Run again with the same key: no second credential.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Also write the signed credential (JSON) here.")
    ] = None,
    acting_as: ActingUserOption = None,
    home: HomeOption = None,
) -> None:
    """Award a published micro-credential to one learner and print the award."""
    _setup(data_directory(home))
    import json

    from credstack.common.errors import CredstackError
    from credstack.issuing.models import AchievementDefinition
    from credstack.issuing.services import issue_credential

    found = (
        AchievementDefinition.objects.select_related("published_version", "organisation")
        .filter(public_id=definition)
        .first()
    )
    if found is None:
        _fail(f"no definition {definition}")
    if found.published_version is None:
        _fail(f"definition {definition} has no published version", code=1)
    try:
        award = issue_credential(
            found.published_version,
            recipient_email=email,
            recipient_did=did,
            recipient_name=name,
            by=_acting_user(acting_as),
            grade=grade,
            narrative=narrative,
            evidence_url=evidence_url,
            idempotency_key=idempotency_key,
        )
    except CredstackError as error:
        _fail_on_app_error(error)
    stdout.print(f"award           {award.public_id}")
    stdout.print(f"credential      {award.credential_id}")
    stdout.print(f"recipient       {award.recipient_email or award.recipient_did}")
    stdout.print(f"issuer          {award.credential['issuer']['id']}")
    if award.valid_until is not None:
        stdout.print(f"valid until     {award.valid_until.isoformat()}")
    if out is not None:
        out.write_text(json.dumps(award.credential, indent=2, ensure_ascii=False) + "\n")
        stdout.print(f"wrote           {out}")


def revoke(
    award_id: Annotated[str, typer.Argument(help="The award (awd_…) or credential (urn:uuid:…).")],
    reason: Annotated[str, typer.Option(help="Why (kept with the award).")],
    suspend: Annotated[
        bool, typer.Option("--suspend", help="Suspend (reversible) instead of revoking.")
    ] = False,
    acting_as: ActingUserOption = None,
    home: HomeOption = None,
) -> None:
    """Revoke a credential for good (or suspend it with --suspend); its status list is
    re-signed and served at once."""
    _setup(data_directory(home))
    from django.db.models import Q

    from credstack.common.errors import CredstackError
    from credstack.issuing.models import Award
    from credstack.issuing.services import revoke_credential, suspend_credential

    award = Award.objects.filter(Q(public_id=award_id) | Q(credential_id=award_id)).first()
    if award is None:
        _fail(f"no award {award_id}")
    change = suspend_credential if suspend else revoke_credential
    try:
        award = change(award, reason=reason, by=_acting_user(acting_as))
    except CredstackError as error:
        _fail_on_app_error(error)
    stdout.print(f"award           {award.public_id} {award.status} ({award.status_reason})")


token_app = typer.Typer(help="Manage API tokens for the VC-API.", no_args_is_help=True)


@token_app.command("create")
def create_token(
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    name: Annotated[str, typer.Option(help="What the token is for, e.g. the LMS.")],
    scope: Annotated[
        list[str], typer.Option(help="issue and/or status (repeat the option for both).")
    ],
    acting_as: ActingUserOption = None,
    home: HomeOption = None,
) -> None:
    """Create an API token and print it once: only its hash is stored."""
    _setup(data_directory(home))
    from credstack.accounts.models import Organisation
    from credstack.common.errors import CredstackError
    from credstack.issuing.services import create_api_token

    organisation = Organisation.objects.filter(slug=org).first()
    if organisation is None:
        _fail(f"no organisation {org}")
    try:
        row, token = create_api_token(
            organisation, name=name, scopes=scope, by=_acting_user(acting_as)
        )
    except CredstackError as error:
        _fail_on_app_error(error)
    stderr.print(f"token {row.public_id} for {organisation.name} ({', '.join(row.scopes)})")
    stderr.print("store it now: it is shown only once")
    stdout.print(token)


def register(app: typer.Typer) -> None:
    """Add the platform's commands to the ``credstack`` application."""
    app.command()(init)
    app.command()(serve)
    app.command()(worker)
    from credstack.demo.command import demo

    app.command()(demo)
    app.command()(issue)
    app.command()(revoke)
    app.add_typer(token_app, name="token")
    from credstack.bulk.commands import register as register_bulk_commands

    register_bulk_commands(app)
    from credstack.claims.commands import register as register_claims_commands

    register_claims_commands(app)
