"""The issuer pages of an organisation: its dashboard, its micro-credential definitions
(list, create, view, edit, workflow) and the definition images at ``/media/``.

Thin views over :mod:`credstack.issuing.services` and :mod:`credstack.issuing.images`,
which check permissions themselves. A page of an organisation the user may not view is
a 404 (its existence is not revealed); a member whose role does not allow an action
gets a 403 page saying so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from credstack.accounts.models import Membership, Organisation, Role
from credstack.accounts.permissions import Action, can, require, role_of
from credstack.common.errors import (
    ConflictError,
    CredstackError,
    PermissionDeniedError,
    ValidationFailedError,
)
from credstack.common.pages import render_private
from credstack.issuing import images, services
from credstack.issuing.forms import (
    AWARDING_BODY_COLUMNS,
    CYCLE_CHOICES,
    EXPIRY_CHOICES,
    FIELDSETS,
    MANDATORY_FIELDS,
    PARTICIPATION_CHOICES,
    STATUS_LABELS,
    SUPERVISION_CHOICES,
    DefinitionForm,
    version_values_equal,
)
from credstack.issuing.models import (
    FROZEN_STATUSES,
    AchievementDefinition,
    Award,
    AwardStatus,
    DefinitionImage,
    DefinitionStatus,
    DefinitionVersion,
)

RECENT_AWARDS = 5
"""How many of the latest awards the dashboard lists."""

# The words ``services.missing_mandatory_elements`` uses, and the field that supplies each.
MISSING_ELEMENT_FIELDS = {
    "title of the micro-credential": "title",
    "country/region of the issuer": "issuer_country",
    "awarding body(ies)": "awarding_bodies",
    "learning outcomes": "learning_outcomes",
    "notional workload needed to achieve the learning outcomes (ECTS or hours)": ("workload_ects"),
    "level (and cycle, if applicable) of the learning experience (EQF/NQF)": "eqf_level",
    "type of assessment": "assessment_type",
    "form of participation in the learning activity": "participation_form",
    "type of quality assurance used to underpin the micro-credential": "quality_assurance",
}

ROLE_LABELS = {
    Role.OWNER: gettext_lazy("Owner"),
    Role.ADMINISTRATOR: gettext_lazy("Administrator"),
    Role.ISSUER: gettext_lazy("Issuer"),
    Role.REVIEWER: gettext_lazy("Reviewer"),
    Role.VIEWER: gettext_lazy("Viewer"),
}
AWARD_STATUS_LABELS = {
    AwardStatus.ACTIVE: gettext_lazy("Active"),
    AwardStatus.SUSPENDED: gettext_lazy("Suspended"),
    AwardStatus.REVOKED: gettext_lazy("Revoked"),
}


# --- Looking things up -------------------------------------------------------------------


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not can(request.user, organisation, Action.VIEW):
        raise Http404(_("There is no such organisation, or you are not one of its members."))
    return organisation


def _definition(organisation: Organisation, definition_id: str) -> AchievementDefinition:
    definition = (
        AchievementDefinition.objects.filter(organisation=organisation, public_id=definition_id)
        .select_related("organisation", "published_version")
        .first()
    )
    if definition is None:
        raise Http404(_("There is no such definition."))
    return definition


def definitions_with_latest(organisation: Organisation) -> QuerySet[AchievementDefinition]:
    """The organisation's definitions, each annotated with its latest version's
    ``latest_number``, ``latest_status`` and ``latest_title``."""
    latest = DefinitionVersion.objects.filter(definition=OuterRef("pk")).order_by("-number")
    return (
        AchievementDefinition.objects.filter(organisation=organisation)
        .select_related("published_version")
        .annotate(
            latest_number=Subquery(latest.values("number")[:1]),
            latest_status=Subquery(latest.values("status")[:1]),
            latest_title=Subquery(latest.values("title")[:1]),
        )
        .order_by("-created_at", "-pk")
    )


def shown_status(definition: AchievementDefinition, latest_status: str) -> str:
    """A retired definition shows as retired whatever its latest version is."""
    return DefinitionStatus.RETIRED if definition.retired_at is not None else latest_status


def optional_url(name: str, *args: Any) -> str:
    """The URL named ``name``, or "" where no such page exists on this instance."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _role_label(request: HttpRequest, organisation: Organisation) -> Any:
    role = role_of(request.user, organisation)
    if role is None:
        return _("Platform administrator")
    return ROLE_LABELS.get(Role(role), role)


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    return render_private(request, template, context, status=status)


def _denied(
    request: HttpRequest, organisation: Organisation, error: CredstackError
) -> HttpResponse:
    return _page(
        request,
        "issuing/denied.html",
        {
            "organisation": organisation,
            "org_section": "definitions",
            "role": _role_label(request, organisation),
            "message": error.message,
        },
        status=403,
    )


# --- Organisations -------------------------------------------------------------------------


@login_required
def organisations_page(request: HttpRequest) -> HttpResponse:
    """``/orgs/``: the organisations the user is a member of."""
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    rows = [
        {
            "organisation": membership.organisation,
            "role": ROLE_LABELS.get(Role(membership.role), membership.role),
        }
        for membership in memberships
    ]
    return _page(request, "issuing/organisations.html", {"rows": rows})


@login_required
def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    """``/orgs/<slug>/``: the organisation's dashboard for its members."""
    organisation = _organisation(request, slug)
    definitions = list(definitions_with_latest(organisation))
    by_status = Counter(shown_status(d, d.latest_status) for d in definitions)
    award_counts = Award.objects.filter(organisation=organisation).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status=AwardStatus.ACTIVE)),
        suspended=Count("pk", filter=Q(status=AwardStatus.SUSPENDED)),
        revoked=Count("pk", filter=Q(status=AwardStatus.REVOKED)),
    )
    recent = (
        Award.objects.filter(organisation=organisation)
        .select_related("definition_version__definition")
        .order_by("-awarded_at", "-pk")[:RECENT_AWARDS]
    )
    context = {
        "organisation": organisation,
        "org_section": "dashboard",
        "role": _role_label(request, organisation),
        "definition_total": len(definitions),
        "definition_counts": [
            {"status": status, "label": label, "count": by_status.get(status, 0)}
            for status, label in STATUS_LABELS.items()
            if status != DefinitionStatus.SUPERSEDED
        ],
        "award_counts": award_counts,
        "recent_awards": [
            {"award": award, "status_label": AWARD_STATUS_LABELS.get(award.status, award.status)}
            for award in recent
        ],
        "awards_url": optional_url("issuing:awards", organisation.slug),
        "bulk_url": optional_url("bulk:new", organisation.slug),
        "can_define": can(request.user, organisation, Action.DEFINE),
    }
    return _page(request, "issuing/organisation.html", context)


# --- Definitions ---------------------------------------------------------------------------


@login_required
def definitions_page(request: HttpRequest, slug: str) -> HttpResponse:
    """``/orgs/<slug>/definitions/``: every definition, its latest version and status."""
    organisation = _organisation(request, slug)
    rows = [
        {
            "definition": definition,
            "title": definition.latest_title,
            "number": definition.latest_number,
            "status": (status := shown_status(definition, definition.latest_status)),
            "status_label": STATUS_LABELS.get(status, status),
            "published_number": (
                definition.published_version.number if definition.published_version else None
            ),
        }
        for definition in definitions_with_latest(organisation)
    ]
    context = {
        "organisation": organisation,
        "org_section": "definitions",
        "rows": rows,
        "can_define": can(request.user, organisation, Action.DEFINE),
    }
    return _page(request, "issuing/definitions/list.html", context)


def _form_context(organisation: Organisation, form: DefinitionForm, **extra: Any) -> dict[str, Any]:
    form.describe_errors()
    image_name = form["image"].value() or ""
    image = images.stored_image(image_name) if image_name else None
    return {
        "organisation": organisation,
        "org_section": "definitions",
        "form": form,
        "fieldsets": [
            {
                "key": key,
                "legend": legend,
                "intro": intro,
                "fields": [form[name] for name in names],
            }
            for key, legend, intro, names in FIELDSETS
        ],
        "mandatory_fields": MANDATORY_FIELDS,
        "problems": form.problem_links() if form.is_bound else [],
        "current_image": image,
        **extra,
    }


def _bind_form(request: HttpRequest, organisation: Organisation) -> tuple[DefinitionForm, bool]:
    """The posted form, with an uploaded image checked and stored first (so a problem
    elsewhere in the form does not make the user upload it again); and whether the
    form's own checks passed."""
    data = request.POST.copy()
    upload = request.FILES.get("image_file")
    image_error: str | None = None
    if upload is not None:
        limit = images.max_image_bytes()
        if upload.size is not None and upload.size > limit:
            image_error = _("The image is %(size)s; the largest accepted is %(limit)s.") % {
                "size": images.size_label(upload.size),
                "limit": images.size_label(limit),
            }
        else:
            try:
                stored = images.store_image(
                    organisation, upload.read(), upload.name or "", by=request.user
                )
            except ValidationFailedError as error:
                image_error = error.message
            else:
                data["image"] = stored.name
                data.pop("remove_image", None)
    elif data.get("remove_image"):
        data["image"] = ""
    form = DefinitionForm(data)
    valid = form.is_valid()
    if image_error is not None:
        form.add_error("image_file", image_error)
        valid = False
    return form, valid


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def definition_new_page(request: HttpRequest, slug: str) -> HttpResponse:
    """``/orgs/<slug>/definitions/new/``: a new definition's first draft."""
    organisation = _organisation(request, slug)
    try:
        require(request.user, organisation, Action.DEFINE)
        if request.method != "POST":
            form = DefinitionForm(initial=_new_initial(organisation))
            return _page(
                request, "issuing/definitions/form.html", _form_context(organisation, form)
            )
        form, valid = _bind_form(request, organisation)
        if valid:
            try:
                definition = services.create_definition(
                    organisation, form.changes(), by=request.user
                )
            except ValidationFailedError as error:
                form.add_problems(error.problems or [error.message])
            else:
                messages.success(
                    request,
                    _("The definition was saved as draft version 1."),
                )
                return redirect(
                    "issuing:definition", slug=organisation.slug, definition_id=definition.public_id
                )
    except PermissionDeniedError as error:
        return _denied(request, organisation, error)
    return _page(
        request,
        "issuing/definitions/form.html",
        _form_context(organisation, form),
        status=422,
    )


def _new_initial(organisation: Organisation) -> dict[str, Any]:
    body = {"name": organisation.name, "url": organisation.website, "country": organisation.country}
    return {
        "issuer_country": organisation.country,
        "issuer_region": organisation.region,
        "awarding_bodies": " | ".join(body[key] for key in AWARDING_BODY_COLUMNS).rstrip(" |"),
        "language": "en",
        "achievement_type": "MicroCredential",
        "expiry_rule": "none",
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def definition_edit_page(request: HttpRequest, slug: str, definition_id: str) -> HttpResponse:
    """``/orgs/<slug>/definitions/<id>/edit/``: change the latest version; a published
    one stays as it is and the change becomes a new draft version."""
    organisation = _organisation(request, slug)
    definition = _definition(organisation, definition_id)
    latest = definition.latest_version()
    extra = {"definition": definition, "latest": latest, "frozen": latest.status in FROZEN_STATUSES}
    try:
        require(request.user, organisation, Action.DEFINE)
        if definition.retired_at is not None:
            raise ConflictError(_("The definition is retired: it cannot be changed."))
        if request.method != "POST":
            form = DefinitionForm(initial=DefinitionForm.initial_from(latest))
            return _page(
                request,
                "issuing/definitions/form.html",
                _form_context(organisation, form, **extra),
            )
        form, valid = _bind_form(request, organisation)
        if valid:
            changes = form.changes()
            if version_values_equal(latest.content(), changes):
                messages.info(
                    request,
                    _("Nothing was changed: version %(number)s stays as it was.")
                    % {"number": latest.number},
                )
                return redirect(
                    "issuing:definition", slug=organisation.slug, definition_id=definition_id
                )
            try:
                version = services.update_definition(definition, changes, by=request.user)
            except ValidationFailedError as error:
                form.add_problems(error.problems or [error.message])
            except ConflictError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _saved_message(latest, version))
                return redirect(
                    "issuing:definition", slug=organisation.slug, definition_id=definition_id
                )
    except PermissionDeniedError as error:
        return _denied(request, organisation, error)
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect("issuing:definition", slug=organisation.slug, definition_id=definition_id)
    return _page(
        request,
        "issuing/definitions/form.html",
        _form_context(organisation, form, **extra),
        status=422,
    )


def _saved_message(before: DefinitionVersion, after: DefinitionVersion) -> str:
    if after.number != before.number:
        return _(
            "Saved as draft version %(new)s. Version %(old)s stays as it was: new awards "
            "use it until version %(new)s is published."
        ) % {"new": after.number, "old": before.number}
    if before.status in (DefinitionStatus.IN_REVIEW, DefinitionStatus.APPROVED):
        return _(
            "Version %(number)s was saved and is a draft again: submit it for review once more."
        ) % {"number": after.number}
    return _("Version %(number)s was saved.") % {"number": after.number}


@login_required
def definition_page(
    request: HttpRequest, slug: str, definition_id: str, number: int | None = None
) -> HttpResponse:
    """``/orgs/<slug>/definitions/<id>/`` (the latest version) and ``…/versions/<n>/``."""
    organisation = _organisation(request, slug)
    definition = _definition(organisation, definition_id)
    return _definition_response(request, organisation, definition, number=number)


def _definition_response(
    request: HttpRequest,
    organisation: Organisation,
    definition: AchievementDefinition,
    *,
    number: int | None = None,
    error: CredstackError | None = None,
) -> HttpResponse:
    versions = list(
        definition.versions.select_related("created_by", "approved_by").order_by("-number")
    )
    if not versions:
        raise Http404(_("There is no such definition."))
    latest = versions[0]
    by_number = {version.number: version for version in versions}
    shown = latest if number is None else by_number.get(number)
    if shown is None:
        raise Http404(_("There is no such version."))
    user = request.user
    can_define = can(user, organisation, Action.DEFINE)
    retired = definition.retired_at is not None
    missing = services.missing_mandatory_elements(shown)
    status = shown_status(definition, shown.status) if shown is latest else shown.status
    context = {
        "organisation": organisation,
        "org_section": "definitions",
        "definition": definition,
        "version": shown,
        "latest": latest,
        "is_latest": shown.number == latest.number,
        "status": (
            status := shown_status(definition, shown.status) if shown is latest else shown.status
        ),
        "status_label": STATUS_LABELS.get(status, status),
        "retired": retired,
        "missing": [
            {"element": element, "field": MISSING_ELEMENT_FIELDS.get(element, "")}
            for element in missing
        ],
        "sections": describe_version(shown),
        "image": images.stored_image(shown.image) if shown.image else None,
        "history": [
            {"version": version, "status_label": STATUS_LABELS.get(version.status, version.status)}
            for version in versions
        ],
        "can_define": can_define and not retired,
        "can_submit": can_define and not retired and latest.status == DefinitionStatus.DRAFT,
        "can_approve": (
            can(user, organisation, Action.APPROVE_DEFINITION)
            and not retired
            and latest.status == DefinitionStatus.IN_REVIEW
        ),
        "can_publish": can_define and not retired and latest.status == DefinitionStatus.APPROVED,
        "can_retire": can_define and not retired,
        "award_url": (
            optional_url("issuing:award-new", organisation.slug, definition.public_id)
            if definition.published_version is not None
            and not retired
            and can(user, organisation, Action.AWARD)
            else ""
        ),
        "frozen": latest.status in FROZEN_STATUSES,
        "role": _role_label(request, organisation),
        "error": error.message if error is not None else "",
        "problems": getattr(error, "problems", []) if error is not None else [],
    }
    status_code = error.http_status if error is not None else 200
    return _page(request, "issuing/definitions/detail.html", context, status=status_code)


_TRANSITIONS = {
    "submit": (services.submit_definition, gettext_lazy("Version %(number)s was sent for review.")),
    "approve": (services.approve_definition, gettext_lazy("Version %(number)s was approved.")),
    "publish": (
        services.publish_definition,
        gettext_lazy("Version %(number)s was published: new awards use it."),
    ),
    "retire": (
        services.retire_definition,
        gettext_lazy(
            "The definition was retired: nobody can be awarded it any more; credentials "
            "already awarded stay valid."
        ),
    ),
}


@login_required
@require_POST
def definition_action(
    request: HttpRequest, slug: str, definition_id: str, action: str
) -> HttpResponse:
    """``POST /orgs/<slug>/definitions/<id>/<submit|approve|publish|retire>/``."""
    organisation = _organisation(request, slug)
    definition = _definition(organisation, definition_id)
    if action not in _TRANSITIONS:
        raise Http404(_("There is no such action."))
    transition, done = _TRANSITIONS[action]
    try:
        if action == "retire" and request.POST.get("confirm") != "on":
            raise ValidationFailedError(
                _("Tick the box to confirm that the definition should be retired."),
                code="confirmation_needed",
            )
        result = transition(definition, by=request.user)
    except PermissionDeniedError as error:
        return _denied(request, organisation, error)
    except CredstackError as error:
        definition.refresh_from_db()
        return _definition_response(request, organisation, definition, error=error)
    number = getattr(result, "number", None)
    messages.success(request, str(done) % {"number": number})
    return redirect("issuing:definition", slug=organisation.slug, definition_id=definition_id)


# --- Describing a version in plain language ------------------------------------------------


@dataclass
class Element:
    label: Any
    value: Any = ""
    items: list[str] = field(default_factory=list)
    link: str = ""
    mandatory: bool = False


@dataclass
class Section:
    key: str
    heading: Any
    elements: list[Element]


def _choice_label(choices: list[tuple[str, Any]], value: str) -> Any:
    return dict(choices).get(value, value)


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return str(value.normalize()) if value == value.to_integral_value() else str(value)


def describe_version(version: DefinitionVersion) -> list[Section]:
    """The version's elements under the form's headings, each value as a reader would
    say it (empty where not given)."""
    labels = {name: field.label for name, field in DefinitionForm.base_fields.items()}
    workload = [
        _("%(credits)s ECTS credits") % {"credits": _number(version.workload_ects)}
        if version.workload_ects is not None
        else "",
        _("%(hours)s hours") % {"hours": _number(version.workload_hours)}
        if version.workload_hours is not None
        else "",
    ]
    level = []
    if version.eqf_level is not None:
        level.append(_("EQF level %(level)s") % {"level": version.eqf_level})
    if version.national_framework or version.national_framework_level:
        level.append(
            _("%(framework)s, level %(level)s")
            % {
                "framework": version.national_framework or _("national framework"),
                "level": version.national_framework_level or "?",
            }
        )
    if version.cycle:
        level.append(str(_choice_label(CYCLE_CHOICES, version.cycle)))
    issuer = ", ".join(part for part in (version.issuer_region, version.issuer_country) if part)
    bodies = [
        " · ".join(str(body.get(key) or "") for key in AWARDING_BODY_COLUMNS if body.get(key))
        for body in version.awarding_bodies
        if isinstance(body, dict)
    ]
    skills = [
        " · ".join(
            str(skill.get(key) or "")
            for key in ("name", "framework", "code", "url")
            if skill.get(key)
        )
        for skill in version.alignments
        if isinstance(skill, dict)
    ]
    if version.expiry_rule == "fixed_date" and version.expiry_date:
        expiry = _("Expires on %(date)s") % {"date": version.expiry_date.isoformat()}
    elif version.expiry_rule == "months_after_award" and version.expiry_months:
        expiry = _("Expires %(months)s months after the award") % {"months": version.expiry_months}
    else:
        expiry = str(_choice_label(EXPIRY_CHOICES, "none"))
    price = (
        f"{version.price_amount} {version.price_currency}".strip()
        if version.price_amount is not None
        else ""
    )
    mandatory = [
        Element(_("Title"), version.title),
        Element(_("Country and region of the issuer"), issuer),
        Element(_("Awarding bodies"), items=bodies),
        Element(_("Learning outcomes"), items=list(version.learning_outcomes)),
        Element(_("Notional workload"), items=[text for text in workload if text]),
        Element(_("Level (and cycle)"), items=level),
        Element(labels["assessment_type"], version.assessment_type),
        Element(
            labels["participation_form"],
            _choice_label(PARTICIPATION_CHOICES, version.participation_form)
            if version.participation_form
            else "",
        ),
        Element(labels["quality_assurance"], version.quality_assurance),
    ]
    for element in mandatory:
        element.mandatory = True
    optional = [
        Element(labels["prerequisites"], version.prerequisites),
        Element(
            labels["supervision"],
            _choice_label(SUPERVISION_CHOICES, version.supervision) if version.supervision else "",
        ),
        Element(labels["grade_scheme"], version.grade_scheme),
        Element(labels["stackability"], version.stackability),
        Element(labels["further_information"], version.further_information),
    ]
    catalogue = [
        Element(labels["achievement_type"], version.achievement_type),
        Element(labels["description"], version.description),
        Element(labels["criteria"], version.criteria),
        Element(labels["criteria_url"], version.criteria_url, link=version.criteria_url),
        Element(labels["alignments"], items=skills),
        Element(labels["tags"], items=list(version.tags)),
        Element(labels["language"], version.language),
        Element(labels["expiry_rule"], expiry),
        Element(labels["price_amount"], price),
        Element(labels["delivery_information"], version.delivery_information),
    ]
    return [
        Section("mandatory", FIELDSETS[0][1], mandatory),
        Section("optional", FIELDSETS[1][1], optional),
        Section("catalogue", FIELDSETS[2][1], catalogue),
    ]


# --- Images ----------------------------------------------------------------------------------

IMAGE_CACHE_SECONDS = 365 * 24 * 60 * 60


@require_http_methods(["GET", "HEAD"])
def definition_image(request: HttpRequest, sha256: str, extension: str) -> HttpResponse:
    """``/media/<sha256>.<png|svg>``: a definition image. Its name is its content's hash,
    so it can be cached for good; an SVG may not run scripts or load anything even when
    opened on its own."""
    image = DefinitionImage.objects.filter(sha256=sha256).first()
    if image is None or image.extension != extension:
        raise Http404(_("There is no such image."))
    etag = f'"{image.sha256}"'
    if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(bytes(image.bytes), content_type=image.media_type)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={IMAGE_CACHE_SECONDS}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"
    if image.media_type == images.SVG:
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
