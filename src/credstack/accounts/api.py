"""API of the accounts app: who am I, organisation profiles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from credstack.accounts.models import Membership, Organisation
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
