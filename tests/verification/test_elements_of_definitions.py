"""The seam with the issuing app: every EU element a definition carries is found by the
verifier under the name the issuing app gives it."""

from __future__ import annotations

from decimal import Decimal

from credstack.issuing.achievement import eu_elements
from credstack.issuing.models import DefinitionVersion
from credstack.verification.elements import micro_credential_elements


def test_the_verifier_reads_every_element_the_issuing_app_names() -> None:
    version = DefinitionVersion(
        awarding_bodies=["Uni A"],
        learning_outcomes=["Explain A", "Apply B"],
        workload_hours=Decimal("25"),
        national_framework="QNQ",
        national_framework_level="6",
        cycle="first",
        assessment_type="written examination",
        participation_form="online",
        quality_assurance="internal",
        prerequisites="none",
        supervision="supervised",
        grade_scheme="0-20",
        stackability="stacks into the MSc",
        further_information="https://uni-a.example",
    )
    elements = eu_elements(version)
    credential = {"credentialSubject": {"achievement": dict(elements)}}
    found = {e.key: e.values for e in micro_credential_elements(credential)}
    assert found["awarding_body"] == ["Uni A"]
    assert found["learning_outcomes"] == ["Explain A", "Apply B"]
    assert found["workload"] == ["25 hours"]
    assert found["level"] == ["QNQ: 6", "cycle: first"]
    assert found["assessment"] == ["written examination"]
    assert found["participation"] == ["online"]
    assert found["quality_assurance"] == ["internal"]
    assert found["prerequisites"] == ["none"]
    assert found["supervision"] == ["supervised"]
    assert found["grade"] == ["grading scheme: 0-20"]
    assert found["stackability"] == ["stacks into the MSc"]
    assert found["further_information"] == ["https://uni-a.example"]
