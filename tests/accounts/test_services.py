"""Users, organisations and memberships through their services."""

from __future__ import annotations

import pytest

from credstack.accounts.models import Membership, Organisation
from credstack.accounts.services import (
    create_organisation,
    create_user,
    remove_member,
    set_membership,
)
from credstack.common.errors import ConflictError, PermissionDeniedError, ValidationFailedError


def test_it_logs_users_in_by_email_stored_lower_case(db):
    user = create_user("Eve@Example.ORG", "correct horse battery")
    assert user.email == "eve@example.org"
    assert user.check_password("correct horse battery")
    assert user.public_id.startswith("usr_") and len(user.public_id) == 24
    with pytest.raises(ConflictError):
        create_user("eve@example.org")


def test_it_makes_the_creator_the_owner_of_a_new_organisation(db):
    owner = create_user("owner@example.org")
    organisation = create_organisation(
        name="Université de Test", kind="university", country="fr", owner=owner
    )
    assert organisation.slug == "universite-de-test"
    assert organisation.country == "FR"
    assert organisation.public_id.startswith("org_")
    assert Membership.objects.get(organisation=organisation).role == "owner"


def test_it_lists_every_bad_field_of_an_organisation(db):
    owner = create_user("owner@example.org")
    with pytest.raises(ValidationFailedError) as raised:
        create_organisation(
            name=" ", kind="castle", country="Finland", slug="Bad Slug", owner=owner
        )
    fields = sorted(problem.split(":")[0] for problem in raised.value.problems)
    assert fields == ["country", "kind", "name", "slug"]
    assert not Organisation.objects.exists()


def test_it_refuses_a_taken_slug(personas):
    with pytest.raises(ConflictError):
        create_organisation(
            name="Other", slug="uni-a", kind="company", country="FI", owner=personas.bob
        )


def test_it_lets_an_administrator_add_members_but_not_owners(personas):
    membership = set_membership(personas.uni_a, personas.bob, "viewer", by=personas.ada)
    assert membership.role == "viewer"
    with pytest.raises(PermissionDeniedError):
        set_membership(personas.uni_a, personas.bob, "owner", by=personas.ada)
    with pytest.raises(PermissionDeniedError):
        set_membership(personas.uni_a, personas.oscar, "viewer", by=personas.ada)


def test_it_never_lets_dave_change_uni_a_members(personas):
    with pytest.raises(PermissionDeniedError):
        set_membership(personas.uni_a, personas.dave, "owner", by=personas.dave)
    with pytest.raises(PermissionDeniedError):
        remove_member(personas.uni_a, personas.alice, by=personas.dave)
    assert not Membership.objects.filter(user=personas.dave, organisation=personas.uni_a).exists()
    assert Membership.objects.filter(user=personas.alice, organisation=personas.uni_a).exists()


def test_it_keeps_at_least_one_owner(personas):
    with pytest.raises(ConflictError):
        set_membership(personas.uni_a, personas.oscar, "viewer", by=personas.oscar)
    with pytest.raises(ConflictError):
        remove_member(personas.uni_a, personas.oscar, by=personas.oscar)
    set_membership(personas.uni_a, personas.ada, "owner", by=personas.oscar)
    remove_member(personas.uni_a, personas.oscar, by=personas.ada)
    assert list(
        Membership.objects.filter(organisation=personas.uni_a, role="owner").values_list(
            "user__email", flat=True
        )
    ) == ["ada@example.org"]


def test_it_refuses_an_unknown_role(personas):
    with pytest.raises(ValidationFailedError):
        set_membership(personas.uni_a, personas.bob, "emperor", by=personas.oscar)


def test_it_updates_a_profile_for_its_managers_only(personas):
    from credstack.accounts.services import update_organisation

    for persona in ("alice", "rita", "victor", "dave", "bob"):
        with pytest.raises(PermissionDeniedError):
            update_organisation(
                personas.uni_a, {"region": "Pirkanmaa"}, by=getattr(personas, persona)
            )
    updated = update_organisation(
        personas.uni_a, {"region": "Pirkanmaa", "country": "se"}, by=personas.ada
    )
    assert (updated.region, updated.country) == ("Pirkanmaa", "SE")
    with pytest.raises(ValidationFailedError):
        update_organisation(personas.uni_a, {"kind": "castle"}, by=personas.ada)
    with pytest.raises(ValidationFailedError):
        update_organisation(personas.uni_a, {"public_id": "org_mine"}, by=personas.ada)


def test_it_freezes_the_slug_once_the_organisation_has_keys(personas):
    from credstack.accounts.services import update_organisation
    from credstack.issuing.services import create_signing_key

    assert update_organisation(personas.uni_a, {"slug": "uni-a-fi"}, by=personas.oscar).slug == (
        "uni-a-fi"
    )
    with pytest.raises(ConflictError):
        update_organisation(personas.uni_a, {"slug": "uni-b"}, by=personas.oscar)
    create_signing_key(personas.uni_a, by=personas.oscar)
    with pytest.raises(ConflictError) as raised:
        update_organisation(personas.uni_a, {"slug": "uni-a"}, by=personas.oscar)
    assert raised.value.code == "slug_frozen"
