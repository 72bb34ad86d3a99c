"""Micro-credential definitions: the EU elements, versions and the review workflow."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from credstack.common.errors import ConflictError, PermissionDeniedError, ValidationFailedError
from credstack.issuing.models import DefinitionVersion
from credstack.issuing.services import (
    approve_definition,
    create_definition,
    missing_mandatory_elements,
    publish_definition,
    retire_definition,
    submit_definition,
    update_definition,
)
from tests.conftest import COMPLETE_DEFINITION

T0 = datetime(2026, 3, 1, tzinfo=UTC)

COMPLETE = COMPLETE_DEFINITION

# The Recommendation's mandatory elements a version can lack (learner identification and
# date of issuing are filled at award), each with the field(s) that carry it.
MANDATORY = {
    "title of the micro-credential": {"title": ""},
    "country/region of the issuer": {"issuer_country": ""},
    "awarding body(ies)": {"awarding_bodies": []},
    "learning outcomes": {"learning_outcomes": []},
    "notional workload": {"workload_ects": None, "workload_hours": None},
    "level": {"eqf_level": None},
    "type of assessment": {"assessment_type": ""},
    "form of participation": {"participation_form": ""},
    "type of quality assurance": {"quality_assurance": ""},
}


def published(personas, fields=None):
    definition = create_definition(personas.uni_a, fields or COMPLETE, by=personas.alice, now=T0)
    submit_definition(definition, by=personas.alice)
    approve_definition(definition, by=personas.rita)
    publish_definition(definition, by=personas.alice, now=T0)
    definition.refresh_from_db()
    return definition


def test_it_fills_the_issuer_and_awarding_body_from_the_organisation(personas):
    definition = create_definition(personas.uni_a, {"title": "Draft"}, by=personas.alice)
    version = definition.latest_version()
    assert (version.number, version.status) == (1, "draft")
    assert (version.issuer_country, version.issuer_region) == ("FI", "Uusimaa")
    assert version.awarding_bodies == [
        {"name": "Uni A", "url": "https://uni-a.example.edu", "country": "FI"}
    ]
    assert version.achievement_type == "MicroCredential"
    assert definition.public_id.startswith("def_")


def test_it_refuses_to_publish_an_empty_definition_listing_every_missing_element(personas):
    definition = create_definition(
        personas.uni_a, {"issuer_country": "", "awarding_bodies": []}, by=personas.alice
    )
    with pytest.raises(ValidationFailedError) as raised:
        publish_definition(definition, by=personas.oscar)
    assert raised.value.code == "mandatory_elements_missing"
    problems = raised.value.problems
    assert len(problems) == len(MANDATORY)
    for element in MANDATORY:
        assert any(problem.startswith(element) for problem in problems), element
    assert DefinitionVersion.objects.get().status == "draft"


@pytest.mark.parametrize("element", sorted(MANDATORY))
def test_it_names_each_single_missing_mandatory_element(personas, element):
    definition = create_definition(
        personas.uni_a, {**COMPLETE, **MANDATORY[element]}, by=personas.alice
    )
    missing = missing_mandatory_elements(definition.latest_version())
    assert len(missing) == 1 and missing[0].startswith(element)
    with pytest.raises(ValidationFailedError):
        submit_definition(definition, by=personas.alice)


def test_it_accepts_hours_or_a_national_framework_level_instead(personas):
    fields = {
        **COMPLETE,
        "workload_ects": None,
        "workload_hours": 40,
        "eqf_level": None,
        "national_framework": "Finnish National Qualifications Framework",
        "national_framework_level": "6",
    }
    definition = create_definition(personas.uni_a, fields, by=personas.alice)
    assert missing_mandatory_elements(definition.latest_version()) == []


def test_it_walks_a_definition_through_review_to_publication(personas):
    definition = published(personas)
    version = definition.published_version
    assert version is not None
    assert (version.number, version.status) == (1, "published")
    assert version.approved_by == personas.rita and version.published_at == T0


def test_it_gives_later_steps_a_published_definition_and_a_key(published_definition):
    version = published_definition.published_version
    assert (version.number, version.status) == (1, "published")
    assert published_definition.organisation.signing_keys.filter(retired_at=None).count() == 1
    assert version.workload_ects == Decimal("3.0")


def test_it_makes_a_new_version_when_a_published_definition_changes(personas):
    definition = published(personas)
    first = definition.published_version
    second = update_definition(definition, {"title": "Data literacy II"}, by=personas.alice)
    assert (second.number, second.status, second.title) == (2, "draft", "Data literacy II")
    assert second.learning_outcomes == COMPLETE["learning_outcomes"]
    first.refresh_from_db()
    assert (first.status, first.title) == ("published", COMPLETE["title"])
    definition.refresh_from_db()
    assert definition.published_version == first  # awards keep using v1 until v2 is out

    submit_definition(definition, by=personas.alice)
    approve_definition(definition, by=personas.oscar)
    publish_definition(definition, by=personas.alice)
    definition.refresh_from_db()
    first.refresh_from_db()
    assert definition.published_version == second
    assert first.status == "superseded"
    assert DefinitionVersion.objects.filter(definition=definition).count() == 2


def test_it_edits_a_draft_in_place_and_sends_a_reviewed_one_back_to_draft(personas):
    definition = create_definition(personas.uni_a, COMPLETE, by=personas.alice)
    update_definition(definition, {"title": "Renamed"}, by=personas.alice)
    submit_definition(definition, by=personas.alice)
    approve_definition(definition, by=personas.rita)
    version = update_definition(definition, {"title": "Renamed again"}, by=personas.alice)
    assert (version.number, version.status, version.approved_by) == (1, "draft", None)
    with pytest.raises(ConflictError):
        publish_definition(definition, by=personas.alice)


def test_it_refuses_to_change_a_published_version_in_place(personas):
    version = published(personas).published_version
    version.title = "Quietly changed"
    with pytest.raises(ConflictError):
        version.save()
    assert DefinitionVersion.objects.get(pk=version.pk).title == COMPLETE["title"]


def test_it_keeps_the_workflow_order(personas):
    definition = create_definition(personas.uni_a, COMPLETE, by=personas.alice)
    with pytest.raises(ConflictError):
        approve_definition(definition, by=personas.rita)
    with pytest.raises(ConflictError):
        publish_definition(definition, by=personas.alice)
    submit_definition(definition, by=personas.alice)
    with pytest.raises(ConflictError):
        submit_definition(definition, by=personas.alice)


def test_it_lets_only_reviewers_administrators_and_owners_approve(personas):
    definition = create_definition(personas.uni_a, COMPLETE, by=personas.alice)
    submit_definition(definition, by=personas.alice)
    for persona in ("alice", "victor", "bob", "carol", "dave", "pat"):
        with pytest.raises(PermissionDeniedError):
            approve_definition(definition, by=getattr(personas, persona))
    approve_definition(definition, by=personas.ada)


@pytest.mark.parametrize("persona", ["rita", "victor", "bob", "carol", "dave", "pat"])
def test_it_lets_only_definers_create_or_change_definitions(personas, persona):
    user = getattr(personas, persona)
    with pytest.raises(PermissionDeniedError):
        create_definition(personas.uni_a, COMPLETE, by=user)
    definition = create_definition(personas.uni_a, COMPLETE, by=personas.alice)
    for action in (submit_definition, publish_definition, retire_definition):
        with pytest.raises(PermissionDeniedError):
            action(definition, by=user)
    with pytest.raises(PermissionDeniedError):
        update_definition(definition, {"title": "Hijacked"}, by=user)
    assert definition.latest_version().title == COMPLETE["title"]


def test_it_lists_every_bad_field_at_once(personas):
    with pytest.raises(ValidationFailedError) as raised:
        create_definition(
            personas.uni_a,
            {
                "eqf_level": 9,
                "participation_form": "telepathy",
                "learning_outcomes": "not a list",
                "alignments": [{"name": "no url"}],
                "issuer_country": "Finland",
                "language": "english!",
                "expiry_rule": "months_after_award",
                "price_currency": "euro",
            },
            by=personas.alice,
        )
    fields = {problem.split(":")[0].split("[")[0] for problem in raised.value.problems}
    assert fields == {
        "eqf_level",
        "participation_form",
        "learning_outcomes",
        "alignments",
        "issuer_country",
        "language",
        "expiry_months",
        "price_currency",
    }


def test_it_refuses_unknown_fields_and_workflow_fields(personas):
    with pytest.raises(ValidationFailedError):
        create_definition(personas.uni_a, {"status": "published"}, by=personas.alice)
    with pytest.raises(ValidationFailedError):
        create_definition(personas.uni_a, {"colour": "blue"}, by=personas.alice)


def test_it_stops_changes_to_a_retired_definition(personas):
    definition = published(personas)
    retire_definition(definition, by=personas.alice)
    definition.refresh_from_db()
    assert definition.published_version.status == "retired"
    with pytest.raises(ConflictError):
        update_definition(definition, {"title": "Back"}, by=personas.alice)
