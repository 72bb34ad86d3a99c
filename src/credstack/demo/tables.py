"""The demo's seed tables (``seed/*.csv``, see ``seed/README.txt``) read into plain
objects, and the rules that turn their loose text into catalogue data.

Pure Python: no Django, nothing written. The rules are deliberately simple and
documented in docs/demo.md, since the tables give prices such as ``$49/month``, times
such as ``6-12 months`` and providers written two ways (``LinkedIn`` in table 2 is
``LinkedIn Learning`` of table 1).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import TextIO

PROVIDERS_FILE = "000_table1_providers.csv"
JOB_CREDENTIALS_FILE = "000_table2_job_requirement_to_credential.csv"
INDUSTRY_EXAMPLES_FILE = "000_table3_industry_mooc_vs_microcredential.csv"

# How table 2 and table 3 may name a provider of table 1 (lower-case keys).
PROVIDER_ALIASES = {"linkedin": "LinkedIn Learning"}

# Demo estimates of the notional workload, the EU element the tables do not give.
HOURS_PER_WEEK = 5
HOURS_PER_MONTH = 20
HOURS_PER_YEAR = 240
SELF_PACED_HOURS = Decimal(20)

_TIME = re.compile(
    r"^\s*(?P<low>\d+(?:\.\d+)?)\s*(?:-\s*(?P<high>\d+(?:\.\d+)?))?\s*"
    r"(?P<unit>hours?|weeks?|months?|years?)\s*$",
    re.IGNORECASE,
)
_PRICE = re.compile(r"^\s*\$\s*(?P<amount>\d[\d,]*(?:\.\d+)?)\s*$")
_TITLE_WITH_PROVIDER = re.compile(r"^\s*(?P<title>.+?)\s*\((?P<provider>[^()]+)\)\s*$")


@dataclass(frozen=True)
class Provider:
    """A row of table 1: a provider of micro-credentials."""

    name: str
    platform_type: str
    courses: str
    specializations: str
    course_length: str
    average_cost: str
    source: str

    @property
    def kind(self) -> str:
        """The organisation kind: ``mooc_platform`` for a MOOC, else ``training_provider``."""
        if self.platform_type.strip().lower() == "mooc":
            return "mooc_platform"
        return "training_provider"

    @property
    def slug(self) -> str:
        return slug_of(self.name)


@dataclass(frozen=True)
class JobCredential:
    """A row of table 2: a micro-credential answering a job requirement."""

    job_requirement: str
    title: str
    provider: str  # as the table writes it
    completion_time: str
    cost: str
    source: str


@dataclass(frozen=True)
class IndustryExample:
    """A row of table 3: for an industry, a MOOC and a micro-credential, each written
    ``Title (Provider)``."""

    industry: str
    mooc_title: str
    mooc_provider: str
    credential_title: str
    credential_provider: str
    source: str


@dataclass(frozen=True)
class SeedTables:
    providers: list[Provider]
    job_credentials: list[JobCredential]
    industry_examples: list[IndustryExample]

    def provider_named(self, name: str) -> Provider | None:
        """The table 1 provider ``name`` stands for (exact, case-insensitive, or an
        alias of :data:`PROVIDER_ALIASES`); None for a provider table 1 does not list."""
        return provider_named(name, self.providers)

    def industries_of(self, credential: JobCredential) -> list[str]:
        """The table 3 industries whose MOOC or micro-credential is ``credential``:
        the same provider, and one title's words are a run of the other's."""
        provider = self.provider_named(credential.provider)
        if provider is None:
            return []
        found = []
        for example in self.industry_examples:
            for title, named in (
                (example.mooc_title, example.mooc_provider),
                (example.credential_title, example.credential_provider),
            ):
                if self.provider_named(named) == provider and titles_match(title, credential.title):
                    found.append(example.industry)
        return list(dict.fromkeys(found))

    def catalogue_examples(self) -> list[IndustryExample]:
        """The table 3 micro-credentials that become definitions of their own: those of
        a table 1 provider that match no table 2 credential (those lend it their
        industry instead). Micro-credentials of other bodies (e.g. PMI) are left out."""
        result = []
        for example in self.industry_examples:
            provider = self.provider_named(example.credential_provider)
            if provider is None:
                continue
            matched = any(
                self.provider_named(credential.provider) == provider
                and titles_match(example.credential_title, credential.title)
                for credential in self.job_credentials
            )
            if not matched:
                result.append(example)
        return result


def provider_named(name: str, providers: Iterable[Provider]) -> Provider | None:
    wanted = name.strip().lower()
    wanted = PROVIDER_ALIASES.get(wanted, name).strip().lower()
    return next((p for p in providers if p.name.strip().lower() == wanted), None)


def slug_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


def _words(title: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", title.lower())


def titles_match(first: str, second: str) -> bool:
    """True when the words of one title appear, in order and together, in the other."""
    a, b = _words(first), _words(second)
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def split_title(value: str) -> tuple[str, str]:
    """``"Anatomy (Coursera)"`` → ``("Anatomy", "Coursera")``; no parenthesis: no provider."""
    match = _TITLE_WITH_PROVIDER.match(value)
    if match is None:
        return value.strip(), ""
    return match["title"], match["provider"].strip()


def price_of(cost: str) -> Decimal | None:
    """A one-off price in US dollars (``$198``, ``$1,350``; ``Free`` is 0), or None when
    the cost is no single amount (``$49/month``, ``Free with Premium``, ``Varies``)."""
    if cost.strip().lower() == "free":
        return Decimal(0)
    match = _PRICE.match(cost)
    if match is None:
        return None
    try:
        return Decimal(match["amount"].replace(",", ""))
    except InvalidOperation:
        return None


def workload_hours(completion_time: str) -> Decimal:
    """A demo estimate of the workload in hours from a completion time: the lower bound
    of a range, at :data:`HOURS_PER_WEEK` a week, :data:`HOURS_PER_MONTH` a month and
    :data:`HOURS_PER_YEAR` a year; hours as given; :data:`SELF_PACED_HOURS` otherwise
    (``Self-paced``)."""
    match = _TIME.match(completion_time)
    if match is None:
        return SELF_PACED_HOURS
    amount = Decimal(match["low"])
    unit = match["unit"].lower().rstrip("s")
    per_unit = {"hour": 1, "week": HOURS_PER_WEEK, "month": HOURS_PER_MONTH}
    return amount * per_unit.get(unit, HOURS_PER_YEAR)


def eqf_level_of(title: str) -> int:
    """A demo EQF level from the kind of programme the title names: 7 for a MicroMasters,
    5 for a nanodegree, specialization, bootcamp, programme or professional certificate,
    4 for a single course."""
    words = " ".join(_words(title))
    if "micromasters" in words:
        return 7
    if any(
        kind in words
        for kind in ("nanodegree", "specialization", "bootcamp", "program", "professional")
    ):
        return 5
    return 4


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files("credstack.demo").joinpath("seed").joinpath(name)
    with path.open(encoding="utf-8", newline="") as f:
        return _read(f)


def _read(file: TextIO) -> list[dict[str, str]]:
    return [
        {key.strip(): (value or "").strip() for key, value in row.items() if key}
        for row in csv.DictReader(file)
    ]


def load_tables() -> SeedTables:
    """The three packaged seed tables."""
    providers = [
        Provider(
            name=row["provider"],
            platform_type=row["platform_type"],
            courses=row["number_of_courses"],
            specializations=row["number_of_specializations"],
            course_length=row["course_length"],
            average_cost=row["average_cost"],
            source=row["source"],
        )
        for row in _rows(PROVIDERS_FILE)
    ]
    job_credentials = [
        JobCredential(
            job_requirement=row["job_requirement"],
            title=row["relevant_microcredential"],
            provider=row["provider"],
            completion_time=row["completion_time"],
            cost=row["cost"],
            source=row["source"],
        )
        for row in _rows(JOB_CREDENTIALS_FILE)
    ]
    industry_examples = []
    for row in _rows(INDUSTRY_EXAMPLES_FILE):
        mooc_title, mooc_provider = split_title(row["mooc"])
        credential_title, credential_provider = split_title(row["microcredential"])
        industry_examples.append(
            IndustryExample(
                industry=row["industry"],
                mooc_title=mooc_title,
                mooc_provider=mooc_provider,
                credential_title=credential_title,
                credential_provider=credential_provider,
                source=row["source"],
            )
        )
    return SeedTables(providers, job_credentials, industry_examples)
