"""The form of the issuer's "award one credential" page.

It reads and checks what the browser sends (dates, lengths, the recipient's kind) and
turns it into the arguments of ``services.issue_credential``, which checks the award
itself (a real email or DID, an http(s) evidence link, a published version).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credstack.issuing.models import Award

MAX_NAME_LENGTH = Award._meta.get_field("recipient_name").max_length
MAX_GRADE_LENGTH = Award._meta.get_field("grade").max_length
MAX_URL_LENGTH = Award._meta.get_field("evidence_url").max_length
MAX_NARRATIVE_LENGTH = 5000  # as a bulk row's
WEB_KEY_PREFIX = "web-"
_WEB_KEY = re.compile(r"web-[0-9a-f]{32}")


def new_form_key() -> str:
    """A fresh idempotency key for one award form: submitting the form twice (a double
    click, a reload after a slow answer) sends the same key, so one award is made."""
    return WEB_KEY_PREFIX + uuid.uuid4().hex


def with_form_key(data: QueryDict, *, fresh: bool = False) -> QueryDict:
    """A copy of the posted form whose key is usable: the one sent, unless it is missing
    or malformed (or ``fresh``), then a new one, which the re-shown form carries on."""
    data = data.copy()
    if fresh or not _WEB_KEY.fullmatch(data.get("idempotency_key", "")):
        data["idempotency_key"] = new_form_key()
    return data


class AwardForm(forms.Form):
    recipient = forms.CharField(
        label=gettext_lazy("Learner's email address or DID"),
        max_length=500,
        help_text=gettext_lazy(
            "An email address (the credential carries it only as a salted hash), or a "
            "DID the learner gave you, such as did:key:z6Mk…"
        ),
    )
    recipient_name = forms.CharField(
        label=gettext_lazy("Learner's name"),
        max_length=MAX_NAME_LENGTH,
        help_text=gettext_lazy("As the credential and its certificate show it."),
    )
    narrative = forms.CharField(
        label=gettext_lazy("Narrative (optional)"),
        required=False,
        max_length=MAX_NARRATIVE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What this learner did to earn it."),
    )
    evidence_url = forms.URLField(
        label=gettext_lazy("Evidence link (optional)"),
        required=False,
        max_length=MAX_URL_LENGTH,
        assume_scheme="https",
        help_text=gettext_lazy("An http(s) link to the learner's work, e.g. a portfolio."),
    )
    grade = forms.CharField(
        label=gettext_lazy("Grade or result (optional)"),
        required=False,
        max_length=MAX_GRADE_LENGTH,
    )
    award_date = forms.DateField(
        label=gettext_lazy("Award date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("When it was earned; not in the future. Default: now."),
    )
    expiry = forms.DateField(
        label=gettext_lazy("Valid until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("The last day it is valid. Default: the definition's expiry rule."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.now().astimezone(UTC).date()
        self.fields["recipient"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_idempotency_key(self) -> str:
        key = str(self.cleaned_data.get("idempotency_key") or "")
        if not _WEB_KEY.fullmatch(key):
            raise forms.ValidationError(_("The form is damaged: reload the page."))
        return key

    def clean_recipient(self) -> str:
        return str(self.cleaned_data["recipient"]).strip()

    def clean_award_date(self) -> date | None:
        day: date | None = self.cleaned_data.get("award_date")
        if day is not None and day > self.today:
            raise forms.ValidationError(_("The award date is in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        expiry, award_date = cleaned.get("expiry"), cleaned.get("award_date")
        if expiry is not None and expiry <= (award_date or self.today):
            self.add_error("expiry", _("The expiry date must be after the award date."))
        return cleaned

    def award_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``issue_credential`` (all but the version and ``by``)."""
        data = self.cleaned_data
        recipient = data["recipient"]
        is_did = recipient.lower().startswith("did:")
        award_date, expiry = data.get("award_date"), data.get("expiry")
        return {
            "recipient_email": None if is_did else recipient,
            "recipient_did": recipient if is_did else None,
            "recipient_name": data["recipient_name"],
            "narrative": data.get("narrative") or None,
            "evidence_url": data.get("evidence_url") or None,
            "grade": data.get("grade") or None,
            # The same moments a bulk row's dates give: the start and end of the day, UTC.
            "awarded_at": datetime.combine(award_date, time(0, 0), tzinfo=UTC)
            if award_date
            else None,
            "valid_until": datetime.combine(expiry, time(23, 59, 59), tzinfo=UTC)
            if expiry
            else None,
            "idempotency_key": data["idempotency_key"],
        }
