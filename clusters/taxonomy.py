"""The reference taxonomy as data in the database: load ``clusters.reference_data`` by slug.

Production runs this for a new site, and again to add entries new to the reference data
(``manage.py seed_demo --taxonomy-only``); the demo loads it before its fictional companies.
What staff have done to the taxonomy since is never undone. ``save_if_different`` is how the
demo saves its companies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from django.db import models, transaction

from clusters import reference_data as ref
from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector

Outcome = str  # "created", "updated" or "unchanged"


def save_if_different(
    model: type[models.Model],
    lookup: dict[str, object],
    values: dict[str, object],
    save: Callable[[models.Model], object] = lambda instance: instance.save(),
) -> tuple[models.Model, Outcome]:
    """Create the row, or update the fields that differ; save nothing when nothing differs.

    Skipping the no-op save keeps a second load from writing history rows or bumping timestamps.
    ``save`` is how a changed row is saved (the demo passes a service).
    """
    values = {name: value for name, value in values.items() if name not in lookup}
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        save(instance)
        return instance, "created"
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return instance, "unchanged"
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    save(instance)
    return instance, "updated"


def _reference_rows() -> Iterable[tuple[type[models.Model], str, dict[str, object]]]:
    for position, region in enumerate(ref.REGIONS):
        yield (
            Region,
            region.slug,
            {"name": region.name, "is_scottish": region.is_scottish, "position": position},
        )
    for position, cert in enumerate(ref.CERTIFICATIONS):
        yield (
            Certification,
            cert.slug,
            {
                "name": cert.name,
                "description": cert.description,
                "valid_for_months": cert.valid_for_months,
                "register_url": cert.register_url,
                "position": position,
            },
        )
    for position, framework in enumerate(ref.FRAMEWORKS):
        yield (
            Framework,
            framework.slug,
            {"name": framework.name, "owner": framework.owner, "position": position},
        )
    for position, sector in enumerate(ref.SECTORS):
        yield Sector, sector.slug, {"name": sector.name, "position": position}


def load_taxonomy() -> Counter[Outcome]:
    """Create the clusters, capabilities and reference-list entries that are missing.

    Rows are matched by slug, and an existing row is left exactly as it is: staff's renames,
    reorderings, deactivations and moves survive a reload (outcome "unchanged"). So does an
    entry whose slug staff changed but whose name is still taken: the name is unique, so a second
    row cannot be made. Rows staff added are left alone, and nothing is deleted or ever "updated".
    """
    outcomes: Counter[Outcome] = Counter()
    with transaction.atomic():
        for position, data in enumerate(ref.CLUSTERS):
            cluster, outcome = create_if_missing(
                Cluster,
                {"slug": data.slug},
                {
                    "name": data.name,
                    "summary": data.summary,
                    "description": data.description,
                    "position": position,
                },
            )
            outcomes[outcome] += 1
            for cap_position, cap in enumerate(data.capabilities):
                _, outcome = create_if_missing(
                    Capability,
                    {"slug": cap.slug},
                    {
                        "cluster_id": cluster.pk,
                        "name": cap.name,
                        "description": cap.description,
                        "position": cap_position,
                    },
                    same_name={"cluster_id": cluster.pk},
                )
                outcomes[outcome] += 1
        created: list[models.Model] = []
        for model, slug, values in _reference_rows():
            instance, outcome = create_if_missing(model, {"slug": slug}, values)
            outcomes[outcome] += 1
            if outcome == "created":
                created.append(instance)
        _add_inclusions([c for c in created if isinstance(c, Certification)])
    return outcomes


def _add_inclusions(created: list[Certification]) -> None:
    """The reference data's "includes" of the certifications just created, to those that exist.

    A certification that already existed keeps the inclusions staff gave it (none, perhaps):
    staff add or remove them in the admin.
    """
    wanted = {cert.slug: cert.satisfies for cert in ref.CERTIFICATIONS if cert.satisfies}
    for certification in created:
        slugs = wanted.get(certification.slug, ())
        if slugs:
            certification.satisfies.add(*Certification.objects.filter(slug__in=slugs))


def create_if_missing(
    model: type[models.Model],
    lookup: dict[str, object],
    values: dict[str, object],
    same_name: dict[str, object] | None = None,
) -> tuple[models.Model, Outcome]:
    """The row matching ``lookup`` (or, failing that, the same name), as it is; else a new one.

    ``same_name`` narrows where a name must be unique (a capability's, within its cluster).
    """
    manager = model._default_manager
    instance = manager.filter(**lookup).first() or (
        manager.filter(name__iexact=values["name"], **(same_name or {})).first()
    )
    if instance is not None:
        return instance, "unchanged"
    instance = model(**lookup, **values)
    instance.full_clean()
    instance.save()
    return instance, "created"
