"""``credstack resend-claim AWARD_ID``: send a learner a new claim link."""

from __future__ import annotations

from typing import Annotated

import typer

from credstack.config.commands import (
    ActingUserOption,
    HomeOption,
    _acting_user,
    _fail,
    _fail_on_app_error,
    _setup,
    stdout,
)
from credstack.config.instance import data_directory


def resend_claim(
    award_id: Annotated[str, typer.Argument(help="The award (awd_…) or credential (urn:uuid:…).")],
    acting_as: ActingUserOption = None,
    home: HomeOption = None,
) -> None:
    """Email the learner a new claim link for an award; the previous link stops working.
    The email leaves from the job worker (at once when jobs run immediately)."""
    _setup(data_directory(home))
    from django.db.models import Q

    from credstack.claims.services import resend_claim as resend
    from credstack.common.errors import CredstackError
    from credstack.issuing.models import Award

    award = Award.objects.filter(Q(public_id=award_id) | Q(credential_id=award_id)).first()
    if award is None:
        _fail(f"no award {award_id}")
    try:
        address = resend(award, by=_acting_user(acting_as))
    except CredstackError as error:
        _fail_on_app_error(error)
    stdout.print(f"award           {award.public_id}")
    stdout.print(f"claim link to   {address}")


def register(app: typer.Typer) -> None:
    app.command("resend-claim")(resend_claim)
