"""How complete and current a profile is, and what its members should do about it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from members.models import EXPIRY_WARNING_DAYS, Company, CompanyCertification

SUMMARY_AT_LEAST = 80  # characters: a sentence that tells a buyer what the company does
EXPIRY_WARNING = datetime.timedelta(days=EXPIRY_WARNING_DAYS)
CONFIRM_EVERY = datetime.timedelta(days=365)


@dataclass(frozen=True)
class Check:
    label: str  # what a complete profile has
    done: bool
    fix: str  # what to do, when not done
    url: str  # where to do it


@dataclass(frozen=True)
class Completeness:
    checks: list[Check]

    @property
    def score(self) -> int:
        """Per cent of the checks done."""
        return round(100 * sum(check.done for check in self.checks) / len(self.checks))

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if not check.done]


def completeness(company: Company, today: datetime.date | None = None) -> Completeness:
    """The checklist of one company; prefetch ``capabilities``, ``case_studies`` and
    ``certifications__certification`` when listing several."""
    today = today or timezone.localdate()
    edit = reverse("area:profile", args=[company.slug])
    lapsing = [held for held in company.certifications.all() if _lapsing(held, today)]
    confirmed = company.last_confirmed_at
    return Completeness(
        [
            Check(
                f"A summary of at least {SUMMARY_AT_LEAST} characters",
                len(company.summary.strip()) >= SUMMARY_AT_LEAST,
                "Write a longer summary: it is what buyers read in search results.",
                edit,
            ),
            Check(
                "At least one capability",
                bool(company.capabilities.all()),
                "Choose your capabilities: buyers filter by them.",
                edit,
            ),
            Check(
                "At least one case study",
                bool(company.case_studies.all()),
                "Add a case study: buyers look for work like theirs.",
                reverse("area:case_studies", args=[company.slug]),
            ),
            Check(
                f"Certificates current for at least {EXPIRY_WARNING_DAYS} more days",
                not lapsing,
                "Renew or update: "
                + ", ".join(f"{held.certification.name}{_ends(held, today)}" for held in lapsing),
                reverse("area:certifications", args=[company.slug]),
            ),
            Check(
                "Confirmed as correct in the last 12 months",
                confirmed is not None and timezone.now() - confirmed <= CONFIRM_EVERY,
                "Check the profile, then confirm it is still correct.",
                reverse("area:dashboard") + f"#company-{company.pk}",
            ),
        ]
    )


def _lapsing(held: CompanyCertification, today: datetime.date) -> bool:
    return held.valid_until is not None and held.valid_until < today + EXPIRY_WARNING


def _ends(held: CompanyCertification, today: datetime.date) -> str:
    if held.valid_until is None:
        return ""
    verb = "expired" if held.valid_until < today else "expires"
    return f" ({verb} {held.valid_until:%-d %B %Y})"
