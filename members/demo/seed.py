"""The demo set: about sixty fictional companies, saved through the services like a real edit.

Only what differs is saved, so loading the demo twice writes nothing the second time: no history
records, no search version.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from django.db import models, transaction

from clusters.taxonomy import Outcome, save_if_different
from members.demo.composer import CompanyPlan, Taxonomy, demo_plans
from members.models import CaseStudy, Company, CompanyCertification, CompanyFramework
from members.search.documents import search_batch
from members.services import company_part_delete, company_part_save, company_save


def _links_differ(company: Company, plan: CompanyPlan) -> bool:
    for name, wanted in (
        ("clusters", plan.clusters),
        ("capabilities", plan.capabilities),
        ("sectors", plan.sectors),
    ):
        have = set(getattr(company, name).values_list("pk", flat=True))
        if have != {obj.pk for obj in wanted}:
            return True
    return False


def _save_company(plan: CompanyPlan) -> tuple[Company, Outcome]:
    company = Company.objects.filter(slug=plan.slug).first()
    if company is None:
        company, outcome = Company(**plan.values), "created"
    else:
        changed = [k for k, v in plan.values.items() if getattr(company, k) != v]
        for name in changed:
            setattr(company, name, plan.values[name])
        outcome = "updated" if changed or _links_differ(company, plan) else "unchanged"
    if outcome != "unchanged":
        company.full_clean()
        company_save(
            company=company,
            clusters=plan.clusters,
            capabilities=plan.capabilities,
            sectors=plan.sectors,
        )
    return company, outcome


def _sync_parts(
    company: Company,
    model: type[CaseStudy | CompanyCertification | CompanyFramework],
    key: Callable[[dict[str, object]], dict[str, object]],
    rows: Sequence[dict[str, object]],
) -> bool:
    """Make the company's rows of ``model`` exactly ``rows``, matched on ``key``."""
    changed = False
    kept: set[int] = set()
    for row in rows:
        instance, outcome = save_if_different(
            model,
            {"company": company, **key(row)},
            row,
            save=lambda part: company_part_save(part=part),  # type: ignore[arg-type]
        )
        kept.add(instance.pk)
        changed |= outcome != "unchanged"
    stale: models.QuerySet = model.objects.filter(company=company).exclude(pk__in=kept)
    for part in stale:
        company_part_delete(part=part)
        changed = True
    return changed


def save_plan(plan: CompanyPlan) -> Outcome:
    """Save one planned company and its parts; a no-op when everything is already so."""
    Company.validate_capabilities(plan.clusters, plan.capabilities)
    company, outcome = _save_company(plan)
    changed = _sync_parts(
        company,
        CompanyCertification,
        lambda row: {"certification": row["certification"]},
        [vars(c) for c in plan.certifications],
    )
    changed |= _sync_parts(
        company,
        CompanyFramework,
        lambda row: {"framework": row["framework"], "lot": row["lot"]},
        [vars(f) for f in plan.frameworks],
    )
    changed |= _sync_parts(
        company,
        CaseStudy,
        lambda row: {"position": row["position"]},
        [{**vars(c), "position": i} for i, c in enumerate(plan.case_studies)],
    )
    if outcome == "unchanged" and changed:
        return "updated"
    return outcome


def seed_demo_companies() -> Counter[Outcome]:
    """Create or update the demo companies, as one change; running it again changes nothing."""
    with transaction.atomic(), search_batch():
        taxonomy = Taxonomy.from_database()
        return Counter(save_plan(plan) for plan in demo_plans(taxonomy))
