"""Reading the packaged seed tables and the rules that turn their text into catalogue
data (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from credstack.demo import tables
from tests.demo.conftest import csv_rows
from tests.shared_data import shared_dir


@pytest.mark.parametrize(
    "name",
    [tables.PROVIDERS_FILE, tables.JOB_CREDENTIALS_FILE, tables.INDUSTRY_EXAMPLES_FILE],
)
def test_the_packaged_tables_are_the_shared_research_tables(name):
    packaged = tables.resources.files("credstack.demo").joinpath("seed").joinpath(name).read_bytes()
    assert packaged == (shared_dir() / "domain" / "seed-tables" / name).read_bytes()


def test_it_reads_every_row_of_every_table():
    seed = tables.load_tables()
    providers = csv_rows(tables.PROVIDERS_FILE)
    jobs = csv_rows(tables.JOB_CREDENTIALS_FILE)
    industries = csv_rows(tables.INDUSTRY_EXAMPLES_FILE)
    assert [p.name for p in seed.providers] == [row["provider"] for row in providers]
    assert [c.title for c in seed.job_credentials] == [
        row["relevant_microcredential"] for row in jobs
    ]
    assert [(c.job_requirement, c.cost, c.source) for c in seed.job_credentials] == [
        (row["job_requirement"], row["cost"], row["source"]) for row in jobs
    ]
    assert [e.industry for e in seed.industry_examples] == [row["industry"] for row in industries]
    assert [f"{e.credential_title} ({e.credential_provider})" for e in seed.industry_examples] == [
        row["microcredential"] for row in industries
    ]


def test_every_provider_of_table_2_is_a_provider_of_table_1():
    seed = tables.load_tables()
    for credential in seed.job_credentials:
        assert seed.provider_named(credential.provider) is not None, credential.provider


def test_linkedin_in_table_2_is_linkedin_learning():
    seed = tables.load_tables()
    provider = seed.provider_named("LinkedIn")
    assert provider is not None
    assert provider.name == "LinkedIn Learning"
    assert seed.provider_named("PMI") is None


def test_the_platform_type_gives_the_organisation_kind():
    seed = tables.load_tables()
    kinds = {p.name: p.kind for p in seed.providers}
    for row in csv_rows(tables.PROVIDERS_FILE):
        expected = "mooc_platform" if row["platform_type"] == "MOOC" else "training_provider"
        assert kinds[row["provider"]] == expected


@pytest.mark.parametrize(
    ("cost", "price"),
    [
        ("$198", Decimal(198)),
        ("$1,350", Decimal(1350)),
        ("$129.99", Decimal("129.99")),
        ("Free", Decimal(0)),
        ("$49/month", None),
        ("Free with Premium", None),
        ("Varies", None),
        ("$50-$300", None),
    ],
)
def test_only_a_single_amount_is_a_price(cost, price):
    assert tables.price_of(cost) == price


@pytest.mark.parametrize(
    ("time", "hours"),
    [
        ("8 weeks", 8 * tables.HOURS_PER_WEEK),
        ("6-12 months", 6 * tables.HOURS_PER_MONTH),
        ("1-2 years", tables.HOURS_PER_YEAR),
        ("3 hours", 3),
        ("1 hour", 1),
        ("Self-paced", tables.SELF_PACED_HOURS),
    ],
)
def test_the_workload_is_estimated_from_the_completion_time(time, hours):
    assert tables.workload_hours(time) == Decimal(hours)


def test_titles_match_when_one_holds_the_other_words_in_order():
    assert tables.titles_match("Project Management", "Project Management MicroMasters")
    assert not tables.titles_match("Management Project", "Project Management MicroMasters")
    assert tables.titles_match("big data", "Big Data Analytics")
    assert not tables.titles_match("Data Science", "Data Analysis with Python")
    assert not tables.titles_match("", "Anything")


def test_an_industry_lends_its_name_to_the_credential_it_names():
    seed = tables.load_tables()
    assert any(seed.industries_of(credential) for credential in seed.job_credentials)
    for example in seed.industry_examples:
        for credential in seed.job_credentials:
            same_provider = seed.provider_named(credential.provider) == seed.provider_named(
                example.mooc_provider
            )
            if same_provider and tables.titles_match(example.mooc_title, credential.title):
                assert example.industry in seed.industries_of(credential)


def test_unmatched_micro_credentials_of_known_providers_join_the_catalogue():
    seed = tables.load_tables()
    examples = seed.catalogue_examples()
    for example in seed.industry_examples:
        known = seed.provider_named(example.credential_provider) is not None
        matched = any(
            seed.provider_named(c.provider) == seed.provider_named(example.credential_provider)
            and tables.titles_match(example.credential_title, c.title)
            for c in seed.job_credentials
        )
        assert (example in examples) == (known and not matched)
