"""API of the accounts app: who am I, organisation profiles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from credstack.accounts import services
from credstack.accounts.models import Membership, Organisation, User
from credstack.accounts.permissions import Action, can
from credstack.common.errors import NotFoundError

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    organisation: str
    slug: str
    name: str
    role: str


class MeOut(Schema):
    id: str
    email: str
    display_name: str
    is_platform_administrator: bool
    memberships: list[MembershipOut]


class OrganisationOut(Schema):
    id: str
    name: str
    slug: str
    kind: str
    country: str
    region: str
    website: str
    description: str
    accreditation_notes: str


def organisation_or_404(public_id: str) -> Organisation:
    organisation = Organisation.objects.filter(public_id=public_id).first()
    if organisation is None:
        raise NotFoundError(f"no organisation {public_id}")
    return organisation


@router.get("/me", response=MeOut, auth=django_auth)
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    return {
        "id": user.public_id,
        "email": user.email,
        "display_name": user.display_name,
        "is_platform_administrator": user.is_superuser,
        "memberships": [
            {
                "organisation": membership.organisation.public_id,
                "slug": membership.organisation.slug,
                "name": membership.organisation.name,
                "role": membership.role,
            }
            for membership in memberships
        ],
    }


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def organisation_profile(request: HttpRequest, organisation_id: str) -> dict[str, Any]:
    """An organisation's public profile (what its credentials say about it)."""
    organisation = organisation_or_404(organisation_id)
    return {
        "id": organisation.public_id,
        **{
            name: getattr(organisation, name)
            for name in OrganisationOut.model_fields
            if name != "id"
        },
    }


class OrganisationChanges(Schema):
    name: str | None = None
    slug: str | None = None
    kind: str | None = None
    country: str | None = None
    region: str | None = None
    website: str | None = None
    email: str | None = None
    description: str | None = None
    accreditation_notes: str | None = None


class MemberIn(Schema):
    email: str
    role: str


class MemberOut(Schema):
    user: str
    email: str
    display_name: str
    role: str


def _profile(organisation: Organisation) -> dict[str, Any]:
    return organisation_profile(None, organisation.public_id)  # type: ignore[arg-type]


def _members_visible_to(request: HttpRequest, organisation_id: str) -> Organisation:
    organisation = organisation_or_404(organisation_id)
    if not can(request.user, organisation, Action.VIEW):
        raise NotFoundError(f"no organisation {organisation_id}")
    return organisation


@router.patch("/organisations/{organisation_id}", response=OrganisationOut, auth=django_auth)
def update_organisation(
    request: HttpRequest, organisation_id: str, payload: OrganisationChanges
) -> dict[str, Any]:
    organisation = organisation_or_404(organisation_id)
    services.update_organisation(
        organisation,
        payload.dict(exclude_unset=True),
        by=request.user,  # type: ignore[arg-type]
    )
    return _profile(organisation)


@router.get("/organisations/{organisation_id}/members", response=list[MemberOut], auth=django_auth)
def list_members(request: HttpRequest, organisation_id: str) -> list[dict[str, Any]]:
    """The organisation's members (for its own members and the platform administrator)."""
    organisation = _members_visible_to(request, organisation_id)
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__email")
    )
    return [
        {
            "user": membership.user.public_id,
            "email": membership.user.email,
            "display_name": membership.user.display_name,
            "role": membership.role,
        }
        for membership in memberships
    ]


def _user_by_email(email: str) -> User:
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        raise NotFoundError(f"no user with the email {email}; they must sign up first")
    return user


@router.put("/organisations/{organisation_id}/members", response=list[MemberOut], auth=django_auth)
def set_member(
    request: HttpRequest, organisation_id: str, payload: MemberIn
) -> list[dict[str, Any]]:
    """Give a registered user a role (adding them if needed)."""
    organisation = _members_visible_to(request, organisation_id)
    services.set_membership(
        organisation,
        _user_by_email(payload.email),
        payload.role,
        by=request.user,  # type: ignore[arg-type]
    )
    return list_members(request, organisation_id)


@router.delete(
    "/organisations/{organisation_id}/members/{user_id}",
    response=list[MemberOut],
    auth=django_auth,
)
def remove_member(request: HttpRequest, organisation_id: str, user_id: str) -> list[dict[str, Any]]:
    organisation = _members_visible_to(request, organisation_id)
    user = User.objects.filter(public_id=user_id).first()
    if user is None:
        raise NotFoundError(f"no user {user_id}")
    services.remove_member(organisation, user, by=request.user)  # type: ignore[arg-type]
    return list_members(request, organisation_id)
