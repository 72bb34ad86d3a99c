"""Who may do what to an organisation's objects: one matrix, one function to ask it.

Every view, API endpoint and service calls :func:`require` (or :func:`can`) with the
organisation that owns the object at hand; nothing else decides permissions. A user's
rights come only from their membership of *that* organisation, so a member of one
organisation never gets a right over another's objects.

The platform administrator (a superuser) may view and administer every organisation
(members, profile) but holds no issuing right it was not given through a membership:
defining, approving, awarding, revoking and keys stay with the organisation's people.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from credstack.common.errors import NotAuthenticatedError, PermissionDeniedError

if TYPE_CHECKING:
    from credstack.accounts.models import Organisation


class Action(StrEnum):
    VIEW = "view"
    DEFINE = "define"
    APPROVE_DEFINITION = "approve_definition"
    AWARD = "award"
    REVOKE = "revoke"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_KEYS = "manage_keys"
    MANAGE_ORGANISATION = "manage_organisation"


_ALL = frozenset(Action)

# Role (as stored in Membership.role) -> the actions it allows.
MATRIX: dict[str, frozenset[Action]] = {
    "owner": _ALL,
    "administrator": _ALL,
    "issuer": frozenset({Action.VIEW, Action.DEFINE, Action.AWARD, Action.REVOKE}),
    "reviewer": frozenset({Action.VIEW, Action.APPROVE_DEFINITION}),
    "viewer": frozenset({Action.VIEW}),
}

PLATFORM_ADMINISTRATOR_ACTIONS = frozenset(
    {Action.VIEW, Action.MANAGE_MEMBERS, Action.MANAGE_ORGANISATION}
)


def role_of(user: Any, organisation: Organisation) -> str | None:
    """The user's role in the organisation, or None (anonymous users and non-members)."""
    if user is None or not getattr(user, "is_authenticated", False) or organisation.pk is None:
        return None
    from credstack.accounts.models import Membership

    return (
        Membership.objects.filter(user_id=user.pk, organisation_id=organisation.pk)
        .values_list("role", flat=True)
        .first()
    )


def can(user: Any, organisation: Organisation, action: Action | str) -> bool:
    """True when ``user`` may do ``action`` to ``organisation``'s objects.

    ``action`` must be one of :class:`Action` (a ValueError otherwise: a typo must not
    silently deny, or worse, allow).
    """
    action = Action(action)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not getattr(user, "is_active", False):
        return False
    role = role_of(user, organisation)
    if role is not None and action in MATRIX.get(role, frozenset()):
        return True
    return bool(getattr(user, "is_superuser", False)) and action in PLATFORM_ADMINISTRATOR_ACTIONS


def require(user: Any, organisation: Organisation, action: Action | str) -> None:
    """Raise unless ``user`` may do ``action`` to ``organisation``'s objects.

    Raises NotAuthenticatedError for an anonymous user and PermissionDeniedError for
    everyone else who may not.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticatedError("sign in first")
    if not can(user, organisation, action):
        raise PermissionDeniedError(
            f"you may not {Action(action).value.replace('_', ' ')} for {organisation.name}"
        )
