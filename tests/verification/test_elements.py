"""The EU micro-credential elements read from a credential's fields."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.verification.elements import micro_credential_elements, texts


def example() -> dict[str, Any]:
    text = resources.files("credstack.examples").joinpath("micro-credential.json").read_text()
    return json.loads(text)  # type: ignore[no-any-return]


def values(credential: Any) -> dict[str, list[str]]:
    return {e.key: e.values for e in micro_credential_elements(credential)}


def test_it_reads_the_elements_ob3_has_fields_for() -> None:
    found = values(example())
    assert found["title"] == ["Data Analysis with Python"]
    assert found["awarding_body"] == ["Universidade Exemplo, Faculty of Science"]
    assert found["country"] == ["Lisboa, Portugal (PT)"]
    assert found["date_of_issue"] == ["30 June 2026, 12:00 UTC"]
    assert found["workload"] == ["5 ECTS credits"]
    assert found["level"] == ["EQF level 6 (European Qualifications Framework)"]
    assert found["learner"] == ["identified by a hashed email address"]
    assert found["grade"] == ["Final grade: 16 / 20"]
    assert found["skills"] == ["use data processing techniques (ESCO)"]


def test_it_reads_the_european_learning_model_names_with_or_without_a_prefix() -> None:
    credential = example()
    achievement = credential["credentialSubject"]["achievement"]
    achievement.update(
        {
            "learningOutcome": ["Clean a data set", {"name": "Fit a model"}],
            "elm:assessmentType": "Proctored online examination",
            "modeOfLearning": "online",
            "qualityAssurance": {"en": "Accredited by A3ES"},
            "volumeOfLearning": "PT125H",
            "entryRequirement": "Basic Python",
            "supervisionAndIdentityVerification": "supervised-with-identity-check",
            "integrationStackability": "Counts towards the MSc in Data Science",
            "furtherInformation": "https://uni-exemplo.example/dap",
            "nationalFramework": "QNQ",
            "nationalFrameworkLevel": "6",
            "cycle": "first",
        }
    )
    found = values(credential)
    assert found["learning_outcomes"] == ["Clean a data set", "Fit a model"]
    assert found["assessment"] == ["Proctored online examination"]
    assert found["participation"] == ["online"]
    assert found["quality_assurance"] == ["Accredited by A3ES"]
    assert found["workload"] == ["5 ECTS credits", "125 hours"]
    assert found["prerequisites"] == ["Basic Python"]
    assert found["supervision"] == ["supervised-with-identity-check"]
    assert found["stackability"] == ["Counts towards the MSc in Data Science"]
    assert found["further_information"] == ["https://uni-exemplo.example/dap"]
    assert found["level"] == [
        "EQF level 6 (European Qualifications Framework)",
        "QNQ: 6",
        "cycle: first",
    ]


def test_it_lists_every_mandatory_element_even_when_the_credential_states_none() -> None:
    elements = micro_credential_elements({"credentialSubject": {}})
    mandatory = [e for e in elements if e.mandatory]
    assert len(mandatory) == 11
    assert not any(e.present for e in mandatory)


def test_it_takes_the_learner_name_and_identifier_when_given() -> None:
    found = values({"credentialSubject": {"id": "mailto:bob@example.org", "name": "Bob"}})
    assert found["learner"] == ["Bob", "bob@example.org"]


def test_it_reads_an_ob2_assertion_with_an_embedded_badge_class() -> None:
    assertion = {
        "type": "Assertion",
        "issuedOn": "2019-05-01T00:00:00Z",
        "badge": {"name": "First aid", "issuer": {"name": "Red Cross"}},
    }
    found = values(assertion)
    assert found["title"] == ["First aid"]
    assert found["date_of_issue"] == ["1 May 2019"]


def test_texts_flattens_nested_values_and_caps_their_number() -> None:
    assert texts([" a  b ", 3, 2.5, True, None, {"name": "n", "description": "d"}]) == [
        "a b",
        "3",
        "2.5",
        "n: d",
    ]
    assert len(texts(["x"] * 500)) == 50


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "issuer",
                    "address",
                    "achievement",
                    "credentialSubject",
                    "alignment",
                    "result",
                    "resultDescription",
                    "identifier",
                    "validFrom",
                    "awardedDate",
                    "learningOutcome",
                    "creditsAvailable",
                    "id",
                    "value",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_it_never_raises_on_any_json_value(value: Any) -> None:
    elements = micro_credential_elements(value if isinstance(value, dict) else {"x": value})
    assert len([e for e in elements if e.mandatory]) == 11
    assert all(isinstance(v, str) for e in elements for v in e.values)
