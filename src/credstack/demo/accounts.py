"""Who the demo's people are: one list the seeding, ``credstack demo``'s output and the
home page's demo box all read, so they never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Every demo account has this password; it is printed and shown on the home page.
DEMO_PASSWORD = "credstack-demo"

UNIVERSITY_NAME = "Demo University"
UNIVERSITY_SLUG = "demo-university"
EMPLOYER_NAME = "Acme Analytics (demo employer)"
EMPLOYER_SLUG = "acme-analytics"
# Organisations made from the seed tables' providers carry this mark in their name, so
# no one takes a demo credential for one the real provider issued.
PROVIDER_NAME_SUFFIX = " (demo)"


ROLE_LABELS: dict[str, str | Promise] = {
    "administrator": _("Administrator"),
    "owner": _("Organisation owner"),
    "issuer": _("Issuer"),
    "reviewer": _("Reviewer"),
    "employer": _("Employer"),
    "learner": _("Learner"),
}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str  # a key of ROLE_LABELS
    what: str | Promise  # what to try with it, for people

    @property
    def role_label(self) -> str | Promise:
        return ROLE_LABELS[self.role]


ADMINISTRATOR = DemoAccount(
    "admin@example.org",
    "Ada Admin",
    "administrator",
    _("Platform administrator: the admin site at /admin/."),
)
UNIVERSITY_OWNER = DemoAccount(
    "grace@example.org",
    "Grace Owner",
    "owner",
    _("Owns Demo University: members, signing key, everything."),
)
ISSUER = DemoAccount(
    "alice@example.org",
    "Alice Issuer",
    "issuer",
    _("Issues for Demo University: defines, awards and revokes micro-credentials."),
)
REVIEWER = DemoAccount(
    "rita@example.org",
    "Rita Reviewer",
    "reviewer",
    _("Reviews Demo University's definitions: one waits for her approval."),
)
EMPLOYER = DemoAccount(
    "carol@example.org",
    "Carol Employer",
    "employer",
    _("Hires for Acme Analytics: verifies credentials, reads the catalogue."),
)
LEARNERS = (
    DemoAccount(
        "bob@example.org",
        "Bob Martin",
        "learner",
        _("His wallet holds valid, revoked, suspended and expired credentials."),
    ),
    *(
        DemoAccount(email, name, "learner", _("A learner with two credentials."))
        for email, name in (
            ("ana@example.org", "Ana Silva"),
            ("chen@example.org", "Chen Wei"),
            ("fatima@example.org", "Fatima Zahra"),
            ("jonas@example.org", "Jonas Berg"),
            ("maria@example.org", "Maria Rossi"),
        )
    ),
)
LEARNER = LEARNERS[0]
# The public wallet profile, at /u/<slug>/.
PUBLIC_PROFILE_SLUG = "bob"


def provider_account(provider_slug: str, provider_name: str) -> DemoAccount:
    """The account that owns, and issues for, the demo organisation of a provider."""
    return DemoAccount(
        f"{provider_slug}@example.org",
        f"{provider_name} issuer",
        "owner",
        _("Owns and issues for %(name)s.") % {"name": provider_name + PROVIDER_NAME_SUFFIX},
    )


def featured_accounts() -> list[DemoAccount]:
    """The accounts worth trying first, one per kind of user."""
    return [LEARNER, ISSUER, REVIEWER, EMPLOYER, ADMINISTRATOR]
