"""The definition form of the issuer pages: every content field of a definition
version, in plain language, read from and written to the services' field values.

The form only turns what was typed into typed values (numbers, dates, lists); the
services judge them (``issuing.services``) and :meth:`DefinitionForm.add_problems`
puts each problem they report next to its field.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from credstack.issuing import images
from credstack.issuing.models import DefinitionStatus, DefinitionVersion
from credstack.standards.vc.ob3 import ACHIEVEMENT_TYPES

STATUS_LABELS = {
    DefinitionStatus.DRAFT: _("Draft"),
    DefinitionStatus.IN_REVIEW: _("In review"),
    DefinitionStatus.APPROVED: _("Approved"),
    DefinitionStatus.PUBLISHED: _("Published"),
    DefinitionStatus.SUPERSEDED: _("Superseded"),
    DefinitionStatus.RETIRED: _("Retired"),
}

PARTICIPATION_CHOICES = [
    ("online", _("Online")),
    ("onsite", _("On site")),
    ("blended", _("Blended (online and on site)")),
    ("volunteering", _("Volunteering")),
    ("work_experience", _("Work experience")),
]
CYCLE_CHOICES = [
    ("short", _("Short cycle")),
    ("first", _("First cycle (bachelor level)")),
    ("second", _("Second cycle (master level)")),
    ("third", _("Third cycle (doctoral level)")),
]
SUPERVISION_CHOICES = [
    ("none", _("Unsupervised, no identity verification")),
    ("supervised", _("Supervised, no identity verification")),
    ("supervised_online_identity", _("Supervised with online identity verification")),
    ("supervised_onsite_identity", _("Supervised with on-site identity verification")),
]
EXPIRY_CHOICES = [
    ("none", _("Never expires")),
    ("fixed_date", _("Expires on a fixed date")),
    ("months_after_award", _("Expires a number of months after the award")),
]

LIST_FIELDS = ("learning_outcomes", "tags")
# Columns of the one-line-per-item text formats, in order.
AWARDING_BODY_COLUMNS = ("name", "url", "country")
ALIGNMENT_COLUMNS = ("name", "url", "framework", "code")

FIELDSETS: list[tuple[str, Any, Any, tuple[str, ...]]] = [
    (
        "mandatory",
        _("Mandatory elements of an EU micro-credential"),
        _(
            "The Council Recommendation of 16 June 2022 asks every micro-credential to "
            "state these. A draft may lack some; it cannot be submitted for review or "
            "published until all are given. The learner's identification and the date "
            "of issuing are added when the credential is awarded."
        ),
        (
            "title",
            "issuer_country",
            "issuer_region",
            "awarding_bodies",
            "learning_outcomes",
            "workload_ects",
            "workload_hours",
            "eqf_level",
            "national_framework",
            "national_framework_level",
            "cycle",
            "assessment_type",
            "participation_form",
            "quality_assurance",
        ),
    ),
    (
        "optional",
        _("Optional EU elements"),
        _("The Recommendation's optional elements: give those that apply."),
        ("prerequisites", "supervision", "grade_scheme", "stackability", "further_information"),
    ),
    (
        "catalogue",
        _("Description, image and catalogue"),
        _("What learners and employers see besides, and what a course catalogue shows."),
        (
            "achievement_type",
            "description",
            "criteria",
            "criteria_url",
            "image_file",
            "remove_image",
            "alignments",
            "tags",
            "language",
            "expiry_rule",
            "expiry_date",
            "expiry_months",
            "price_amount",
            "price_currency",
            "delivery_information",
        ),
    ),
]

MANDATORY_FIELDS = frozenset(FIELDSETS[0][3])

# Text inputs rather than type=number, which browsers empty silently when what was typed
# is not a number in their locale's format: the server says what is wrong instead.
DECIMAL_INPUT = forms.TextInput(attrs={"inputmode": "decimal"})


def _text(label: Any, help_text: Any = "", *, max_length: int | None = None) -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, required=False, max_length=max_length, strip=True
    )


def _area(label: Any, help_text: Any = "", *, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _choice(label: Any, choices: list[tuple[str, Any]], blank: Any, help_text: Any = "") -> Any:
    return forms.ChoiceField(
        label=label, help_text=help_text, required=False, choices=[("", blank), *choices]
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _columns(text: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """One object per non-blank line, its columns separated by ``|``; empty columns are
    left out, and columns beyond the known ones are kept whole in the last."""
    rows = []
    for line in _lines(text):
        cells = [cell.strip() for cell in line.split("|", len(columns) - 1)]
        rows.append({key: cell for key, cell in zip(columns, cells, strict=False) if cell})
    return rows


def _as_columns(rows: Any, columns: tuple[str, ...]) -> str:
    if not isinstance(rows, list):
        return ""
    lines = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        cells = [str(row.get(key) or "") for key in columns]
        while cells and not cells[-1]:
            cells.pop()
        lines.append(" | ".join(cells))
    return "\n".join(lines)


class DefinitionForm(forms.Form):
    """Every content field of a definition version, for creating and editing."""

    # --- EU mandatory elements ---------------------------------------------------------
    title = _text(
        _("Title of the micro-credential"),
        _("As it will appear on the credential, e.g. “Data literacy for public servants”."),
        max_length=300,
    )
    issuer_country = _text(
        _("Country of the issuer"),
        _("Two-letter ISO 3166 code, e.g. FI for Finland or DE for Germany."),
        max_length=2,
    )
    issuer_region = _text(
        _("Region of the issuer (optional)"), _("e.g. Uusimaa or Bavaria."), max_length=100
    )
    awarding_bodies = _area(
        _("Awarding body or bodies"),
        _(
            "One per line: name | website | country code. Only the name is needed, e.g. "
            "“Uni A | https://uni-a.example.edu | FI”."
        ),
        rows=3,
    )
    learning_outcomes = _area(
        _("Learning outcomes"),
        _(
            "One per line: what the learner knows, understands and is able to do, e.g. "
            "“Reads a chart critically”."
        ),
        rows=5,
    )
    workload_ects = forms.DecimalField(
        label=_("Notional workload in ECTS credits"),
        help_text=_("Use ECTS credits where possible (1 ECTS is 25 to 30 hours of work)."),
        required=False,
        max_digits=5,
        decimal_places=1,
        min_value=0,
        widget=DECIMAL_INPUT,
    )
    workload_hours = forms.DecimalField(
        label=_("Notional workload in hours"),
        help_text=_("Otherwise, or as well: the hours a learner needs on average."),
        required=False,
        max_digits=7,
        decimal_places=1,
        min_value=0,
        widget=DECIMAL_INPUT,
    )
    eqf_level = forms.TypedChoiceField(
        label=_("Level in the European Qualifications Framework (EQF)"),
        help_text=_(
            "1 to 8; e.g. 6 for bachelor level. Give this, or a national framework and "
            "level, or both."
        ),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Not given")), *[(str(level), str(level)) for level in range(1, 9)]],
    )
    national_framework = _text(
        _("National qualifications framework"),
        _("e.g. the Finnish National Qualifications Framework."),
        max_length=200,
    )
    national_framework_level = _text(
        _("Level in the national framework"), _("e.g. 6."), max_length=50
    )
    cycle = _choice(
        _("Cycle (if applicable)"),
        CYCLE_CHOICES,
        _("Not applicable"),
        _("The higher-education cycle of the learning, if it has one."),
    )
    assessment_type = _area(
        _("Type of assessment"),
        _("How learning is assessed, e.g. “Online exam with identity check” or “Project”."),
        rows=2,
    )
    participation_form = _choice(
        _("Form of participation in the learning activity"),
        PARTICIPATION_CHOICES,
        _("Not given"),
    )
    quality_assurance = _area(
        _("Type of quality assurance"),
        _(
            "What underpins the micro-credential's quality, e.g. “Internal QA of Uni A, "
            "accredited by FINEEC”."
        ),
        rows=2,
    )

    # --- Optional EU elements ------------------------------------------------------------
    prerequisites = _area(_("Prerequisites needed to enrol"), rows=2)
    supervision = _choice(
        _("Supervision and identity verification during assessment"),
        SUPERVISION_CHOICES,
        _("Not given"),
    )
    grade_scheme = _area(
        _("Grade achieved, or grading scheme"),
        _("e.g. “Pass/fail” or “1 to 5, 5 is best”."),
        rows=2,
    )
    stackability = _area(
        _("Integration and stackability options"),
        _("e.g. counts towards a degree, or combines with other micro-credentials."),
        rows=2,
    )
    further_information = _area(_("Further information"), rows=2)

    # --- Description and catalogue ---------------------------------------------------------
    achievement_type = forms.ChoiceField(
        label=_("Kind of achievement"),
        help_text=_("The Open Badges 3.0 achievement type; MicroCredential unless another fits."),
        required=False,
        choices=[(value, value) for value in ACHIEVEMENT_TYPES],
        initial="MicroCredential",
    )
    description = _area(_("Description"), _("A few sentences for learners and employers."), rows=4)
    criteria = _area(
        _("Criteria: how it is earned"),
        _("What a learner has to do to be awarded it. Plain text or Markdown."),
        rows=4,
    )
    criteria_url = _text(
        _("Web page with the criteria (optional)"),
        _("An https:// address, e.g. the course page."),
        max_length=200,
    )
    image = forms.CharField(required=False, widget=forms.HiddenInput)
    image_file = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.svg,image/png,image/svg+xml"}),
    )
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)
    alignments = _area(
        _("Skills and alignments"),
        _(
            "One per line: name | web address | framework | code; name and address are "
            "needed, e.g. “analyse data | http://data.europa.eu/esco/skill/S5.6.1 | ESCO "
            "| S5.6.1”."
        ),
        rows=3,
    )
    tags = _area(_("Tags"), _("One per line, e.g. “data”."), rows=3)
    language = _text(
        _("Language"),
        _("A language tag such as en, fi or fr-BE: the language the definition is written in."),
        max_length=35,
    )
    expiry_rule = forms.ChoiceField(
        label=_("Expiry"),
        required=False,
        choices=EXPIRY_CHOICES,
        initial="none",
        help_text=_("With a fixed date, give the date; otherwise the number of months."),
    )
    expiry_date = forms.DateField(
        label=_("Expiry date"),
        help_text=_("Only for a fixed date: year-month-day, e.g. 2030-12-31."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    expiry_months = forms.IntegerField(
        label=_("Months after the award"),
        help_text=_("Only for an expiry after the award, e.g. 24."),
        required=False,
        min_value=1,
        max_value=1200,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    price_amount = forms.DecimalField(
        label=_("Price"),
        help_text=_("For the catalogue; leave empty if free or not sold."),
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=0,
        widget=DECIMAL_INPUT,
    )
    price_currency = _text(_("Currency"), _("Three-letter ISO 4217 code, e.g. EUR."), max_length=3)
    delivery_information = _area(
        _("Delivery information"),
        _("When and where it is taught, dates, schedule, how to enrol."),
        rows=3,
    )

    def __init__(self, *args: Any, image_limit: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = images.size_label(images.max_image_bytes() if image_limit is None else image_limit)
        self.fields["image_file"].help_text = _(
            "A PNG (shrunk to at most 512 × 512 pixels) or an SVG without scripts or outside "
            "references; at most %(limit)s. Leave empty to keep the current image."
        ) % {"limit": limit}
        current = self.data.get("achievement_type") if self.is_bound else None
        current = current or self.initial.get("achievement_type")
        field = self.fields["achievement_type"]
        if current and current not in ACHIEVEMENT_TYPES:  # an extension type (ext:…)
            field.choices = [*field.choices, (current, current)]  # type: ignore[attr-defined]

    # --- Reading and writing versions ------------------------------------------------------

    @staticmethod
    def initial_from(version: DefinitionVersion) -> dict[str, Any]:
        """The form's initial values showing ``version``'s content."""
        content = version.content()
        initial: dict[str, Any] = {
            name: value for name, value in content.items() if name in DefinitionForm.base_fields
        }
        for name in LIST_FIELDS:
            value = content.get(name)
            initial[name] = "\n".join(value) if isinstance(value, list) else ""
        initial["awarding_bodies"] = _as_columns(content["awarding_bodies"], AWARDING_BODY_COLUMNS)
        initial["alignments"] = _as_columns(content["alignments"], ALIGNMENT_COLUMNS)
        if initial.get("eqf_level") is not None:
            initial["eqf_level"] = str(initial["eqf_level"])
        return initial

    def changes(self) -> dict[str, Any]:
        """The cleaned input as field values for ``create_definition``/``update_definition``."""
        data = self.cleaned_data
        values: dict[str, Any] = {}
        for name in (
            "title",
            "issuer_country",
            "issuer_region",
            "national_framework",
            "national_framework_level",
            "cycle",
            "assessment_type",
            "participation_form",
            "quality_assurance",
            "prerequisites",
            "supervision",
            "grade_scheme",
            "stackability",
            "further_information",
            "description",
            "criteria",
            "criteria_url",
            "language",
            "delivery_information",
            "image",
        ):
            values[name] = data.get(name) or ""
        for name in ("workload_ects", "workload_hours", "eqf_level", "expiry_months"):
            values[name] = data.get(name)
        values["issuer_country"] = values["issuer_country"].upper()
        values["price_currency"] = (data.get("price_currency") or "").upper()
        values["price_amount"] = data.get("price_amount")
        values["achievement_type"] = data.get("achievement_type") or "MicroCredential"
        values["expiry_rule"] = data.get("expiry_rule") or "none"
        values["expiry_date"] = data.get("expiry_date")
        for name in LIST_FIELDS:
            values[name] = _lines(data.get(name) or "")
        values["awarding_bodies"] = _columns(
            data.get("awarding_bodies") or "", AWARDING_BODY_COLUMNS
        )
        values["alignments"] = _columns(data.get("alignments") or "", ALIGNMENT_COLUMNS)
        # A rule that does not use the date or the months leaves them empty.
        if values["expiry_rule"] != "fixed_date":
            values["expiry_date"] = None
        if values["expiry_rule"] != "months_after_award":
            values["expiry_months"] = None
        return values

    def clean_image(self) -> str:
        name = self.cleaned_data.get("image") or ""
        if name and images.stored_image(name) is None:
            raise forms.ValidationError(
                _("The image uploaded before is no longer available; upload it again.")
            )
        return name

    # --- Problems --------------------------------------------------------------------------

    def add_problems(self, problems: list[str]) -> None:
        """Put each of the services' problems (``field: message`` or
        ``field[index]: message``) next to its field, or at the top of the form."""
        for problem in problems:
            field, message = _split_problem(problem)
            if field == "image":
                field = "image_file"
            self.add_error(field if field in self.fields else None, message)

    def problem_links(self) -> list[dict[str, Any]]:
        """Every problem for the summary at the top: the field's anchor, label, message."""
        links = []
        for name, messages in self.errors.items():
            field = self.fields.get(name)
            for message in messages:
                links.append(
                    {
                        "anchor": f"id_{name}" if field is not None else "",
                        "label": field.label if field is not None else "",
                        "message": message,
                    }
                )
        return links

    def describe_errors(self) -> None:
        """Point each field with a problem at its hint and its message (for screen
        readers, which read both when the field gets focus)."""
        for name in self.errors:
            field = self.fields.get(name)
            if field is None:
                continue
            described = [f"id_{name}_error"]
            if field.help_text:
                described.insert(0, f"id_{name}_helptext")
            field.widget.attrs["aria-describedby"] = " ".join(described)


_PROBLEM = re.compile(r"(?P<field>[a-z_]+)(\[(?P<index>\d+)\])?:\s*(?P<message>.*)", re.DOTALL)


def _split_problem(problem: str) -> tuple[str | None, str]:
    match = _PROBLEM.fullmatch(problem)
    if match is None:
        return None, problem
    message = match["message"]
    if match["index"] is not None:
        message = str(_("Line %(line)s: %(message)s")) % {
            "line": int(match["index"]) + 1,
            "message": message,
        }
    return match["field"], message


def version_values_equal(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether ``after`` changes nothing of ``before`` (numbers compared as numbers,
    an empty text the same as none)."""
    return all(_same(before.get(name), value) for name, value in after.items())


def _same(old: Any, new: Any) -> bool:
    numbers = (Decimal, int)
    if isinstance(old, numbers) and isinstance(new, numbers):
        return Decimal(old) == Decimal(new)
    if old in (None, "") and new in (None, ""):
        return True
    return bool(old == new)
