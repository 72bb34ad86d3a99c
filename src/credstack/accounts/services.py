"""Writes to users, organisations and memberships. Views and commands call these."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from credstack.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from credstack.accounts.permissions import Action, require
from credstack.common.errors import ConflictError, ValidationFailedError

_COUNTRY = re.compile(r"[A-Z]{2}")


def create_user(
    email: str, password: str | None = None, *, display_name: str = "", superuser: bool = False
) -> User:
    """Create a user whose login is ``email`` (stored lower-case).

    Raises ConflictError when a user with that email exists.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email=email).exists():
        raise ConflictError(f"a user with the email {email} exists", code="user_exists")
    create = User.objects.create_superuser if superuser else User.objects.create_user
    return create(email, password, display_name=display_name)


# The rules below refuse a null (and, for kind and country, any other length) themselves.
_RULED_FIELDS = frozenset({"slug", "kind", "country"})
_EXACT_FIELDS = frozenset({"kind", "country"})


def _organisation_problems(fields: dict[str, Any]) -> list[str]:
    problems = []
    # What the database would refuse (PostgreSQL: any text longer than its column).
    for name, value in sorted(fields.items()):
        model_field = Organisation._meta.get_field(name)
        limit = model_field.max_length
        if value is None and name not in _RULED_FIELDS:
            problems.append(f"{name}: must not be null (an empty text clears it)")
        elif isinstance(value, str) and name not in _EXACT_FIELDS and limit and len(value) > limit:
            problems.append(f"{name}: at most {limit} characters")
    if fields.get("name") is not None and not str(fields["name"]).strip():
        problems.append("name: an organisation needs a name")
    if fields.get("kind") not in OrganisationKind.values:
        problems.append(f"kind: must be one of {', '.join(OrganisationKind.values)}")
    if not _COUNTRY.fullmatch(str(fields.get("country", ""))):
        problems.append("country: must be an ISO 3166-1 alpha-2 code such as FI or DE")
    slug = fields.get("slug")
    if not slug or slugify(slug) != slug:
        problems.append("slug: lower-case letters, digits and hyphens only")
    return problems


@transaction.atomic
def create_organisation(
    *,
    name: str,
    kind: str,
    country: str,
    owner: User,
    slug: str | None = None,
    **profile: Any,
) -> Organisation:
    """Create an organisation with ``owner`` as its first owner.

    ``profile`` may give region, website, email, description and accreditation_notes.
    The slug defaults to the name's. Raises ValidationFailedError listing every bad
    field, ConflictError when the slug is taken.
    """
    allowed = {"region", "website", "email", "description", "accreditation_notes"}
    unknown = set(profile) - allowed
    if unknown:
        raise TypeError(f"unknown organisation fields: {', '.join(sorted(unknown))}")
    fields = {"name": name, "kind": kind, "country": country.upper(), **profile}
    fields["slug"] = slug if slug is not None else slugify(name)[:60]
    problems = _organisation_problems(fields)
    if problems:
        raise ValidationFailedError("the organisation is not valid", problems)
    if Organisation.objects.filter(slug=fields["slug"]).exists():
        raise ConflictError(f"the slug {fields['slug']!r} is taken", code="slug_taken")
    organisation = Organisation.objects.create(**fields)
    Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
    return organisation


def set_membership(organisation: Organisation, user: User, role: str, *, by: User) -> Membership:
    """Give ``user`` the ``role`` in ``organisation`` (adding them if needed).

    Preconditions: ``by`` may manage members; only an owner may make or unmake an owner;
    the last owner cannot be demoted. Raises PermissionDeniedError, ConflictError,
    ValidationFailedError for an unknown role.
    """
    from credstack.accounts.permissions import role_of
    from credstack.common.errors import PermissionDeniedError

    require(by, organisation, Action.MANAGE_MEMBERS)
    if role not in Role.values:
        raise ValidationFailedError("unknown role", [f"role: must be one of {Role.values}"])
    with transaction.atomic():
        current = Membership.objects.select_for_update().filter(
            organisation=organisation, user=user
        )
        existing = current.first()
        touches_owner = role == Role.OWNER or (existing is not None and existing.role == Role.OWNER)
        if touches_owner and role_of(by, organisation) != Role.OWNER:
            raise PermissionDeniedError("only an owner may make or unmake an owner")
        if existing is not None and existing.role == Role.OWNER and role != Role.OWNER:
            _refuse_removing_last_owner(organisation)
        try:
            membership, _ = Membership.objects.update_or_create(
                organisation=organisation, user=user, defaults={"role": role}
            )
        except IntegrityError as error:  # a concurrent insert of the same membership
            raise ConflictError("the membership changed meanwhile; try again") from error
    return membership


def remove_member(organisation: Organisation, user: User, *, by: User) -> None:
    """Remove ``user`` from ``organisation``; same preconditions as set_membership."""
    from credstack.accounts.permissions import role_of
    from credstack.common.errors import PermissionDeniedError

    require(by, organisation, Action.MANAGE_MEMBERS)
    with transaction.atomic():
        existing = (
            Membership.objects.select_for_update().filter(organisation=organisation, user=user)
        ).first()
        if existing is None:
            return
        if existing.role == Role.OWNER:
            if role_of(by, organisation) != Role.OWNER:
                raise PermissionDeniedError("only an owner may remove an owner")
            _refuse_removing_last_owner(organisation)
        existing.delete()


def _refuse_removing_last_owner(organisation: Organisation) -> None:
    if Membership.objects.filter(organisation=organisation, role=Role.OWNER).count() <= 1:
        raise ConflictError("an organisation keeps at least one owner", code="last_owner")


PROFILE_FIELDS = frozenset(
    {"name", "slug", "kind", "country", "region", "website", "email", "description"}
    | {"accreditation_notes"}
)


@transaction.atomic
def update_organisation(
    organisation: Organisation, changes: dict[str, Any], *, by: User
) -> Organisation:
    """Change an organisation's profile (needs ``manage_organisation``).

    The slug is part of the organisation's did:web, so it cannot change once the
    organisation has a signing key (credentials name that DID). Raises
    PermissionDeniedError, ValidationFailedError listing every bad field, ConflictError.
    """
    require(by, organisation, Action.MANAGE_ORGANISATION)
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValidationFailedError(
            "unknown fields", [f"{name}: not an organisation field" for name in sorted(unknown)]
        )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    fields = {name: getattr(organisation, name) for name in PROFILE_FIELDS} | dict(changes)
    if "country" in changes:
        fields["country"] = str(changes["country"]).upper()
    problems = _organisation_problems(fields)
    if problems:
        raise ValidationFailedError("the organisation is not valid", problems)
    if fields["slug"] != organisation.slug:
        if organisation.signing_keys.exists():  # issuing's keys, by their related name
            raise ConflictError(
                "the slug is part of the organisation's did:web and it has signing keys",
                code="slug_frozen",
            )
        if Organisation.objects.filter(slug=fields["slug"]).exists():
            raise ConflictError(f"the slug {fields['slug']!r} is taken", code="slug_taken")
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.save()
    return organisation
