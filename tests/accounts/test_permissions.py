"""The permission matrix, role by role and action by action, with the personas."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from credstack.accounts.permissions import Action, can, require
from credstack.common.errors import NotAuthenticatedError, PermissionDeniedError

ACTIONS = [action.value for action in Action]

# The matrix as docs/platform.md states it, written out independently of the code's table.
EXPECTED = {
    "owner": set(ACTIONS),
    "administrator": set(ACTIONS),
    "issuer": {"view", "define", "award", "revoke"},
    "reviewer": {"view", "approve_definition"},
    "viewer": {"view"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("action", ACTIONS)
def test_it_grants_each_role_exactly_its_actions_in_its_own_organisation(personas, role, action):
    user = personas.in_uni_a()[role]
    assert can(user, personas.uni_a, action) is (action in EXPECTED[role])
    if action in EXPECTED[role]:
        require(user, personas.uni_a, action)
    else:
        with pytest.raises(PermissionDeniedError):
            require(user, personas.uni_a, action)


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("action", ACTIONS)
def test_it_gives_a_role_in_one_organisation_no_right_in_another(personas, role, action):
    user = personas.in_uni_a()[role]
    assert not can(user, personas.uni_b, action)
    with pytest.raises(PermissionDeniedError):
        require(user, personas.uni_b, action)


@pytest.mark.parametrize("action", ACTIONS)
def test_it_never_lets_dave_of_uni_b_act_on_uni_a(personas, action):
    assert can(personas.dave, personas.uni_b, action)  # dave owns Uni B...
    assert not can(personas.dave, personas.uni_a, action)  # ...and that buys nothing in A
    with pytest.raises(PermissionDeniedError):
        require(personas.dave, personas.uni_a, action)


@pytest.mark.parametrize("persona", ["bob", "carol"])
@pytest.mark.parametrize("action", ACTIONS)
def test_it_gives_learners_and_employers_no_right_over_an_issuer(personas, persona, action):
    with pytest.raises(PermissionDeniedError):
        require(getattr(personas, persona), personas.uni_a, action)


@pytest.mark.parametrize("action", ACTIONS)
def test_it_asks_anonymous_users_to_sign_in(personas, action):
    assert not can(AnonymousUser(), personas.uni_a, action)
    with pytest.raises(NotAuthenticatedError):
        require(AnonymousUser(), personas.uni_a, action)
    with pytest.raises(NotAuthenticatedError):
        require(None, personas.uni_a, action)


@pytest.mark.parametrize("action", ACTIONS)
def test_it_lets_the_platform_administrator_administer_but_not_issue(personas, action):
    administers = action in {"view", "manage_members", "manage_organisation"}
    assert can(personas.pat, personas.uni_a, action) is administers


def test_it_denies_everything_to_a_deactivated_member(personas):
    personas.oscar.is_active = False
    personas.oscar.save()
    assert not any(can(personas.oscar, personas.uni_a, action) for action in ACTIONS)


def test_it_refuses_an_unknown_action_instead_of_guessing(personas):
    with pytest.raises(ValueError):
        can(personas.oscar, personas.uni_a, "delete_everything")


def test_it_follows_a_role_change_at_once(personas):
    from credstack.accounts.services import set_membership

    assert not can(personas.victor, personas.uni_a, "award")
    set_membership(personas.uni_a, personas.victor, "issuer", by=personas.oscar)
    assert can(personas.victor, personas.uni_a, "award")
