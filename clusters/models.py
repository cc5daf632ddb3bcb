"""The taxonomy that staff keep: clusters, their capabilities and the reference lists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self, cast

from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


class ActiveQuerySet(models.QuerySet):
    def active(self) -> Self:
        """What buyers and members see: deactivated entries are kept only for history."""
        return self.filter(is_active=True)


class CapabilityQuerySet(ActiveQuerySet):
    def active(self) -> CapabilityQuerySet:
        """A capability shows only while its cluster shows too."""
        return self.filter(is_active=True, cluster__is_active=True)


class Cluster(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.CharField(max_length=300, help_text="One sentence, shown on cards.")
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")
    is_active = models.BooleanField(default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:detail", kwargs={"slug": self.slug})


class Capability(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="capabilities")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")
    is_active = models.BooleanField(
        default=True,
        help_text="Untick to hide it from buyers and members; companies' history keeps it.",
    )

    objects = CapabilityQuerySet.as_manager()

    class Meta:
        ordering = ["cluster__position", "position", "name"]
        verbose_name_plural = "capabilities"
        constraints = [
            models.UniqueConstraint(
                "cluster", Lower("name"), name="capability_name_unique_in_cluster"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReferenceItem(models.Model):
    """A name and a slug in a short list that staff keep (regions, certifications, ...)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")
    is_active = models.BooleanField(
        default=True,
        help_text="Untick to hide it from buyers and members; companies' history keeps it.",
    )

    # Each kind declares its manager (``objects = ActiveQuerySet.as_manager()`` or a subclass's):
    # one declared here could not be narrowed by a kind that needs more lookups.

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Region(ReferenceItem):
    is_scottish = models.BooleanField(default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta(ReferenceItem.Meta):
        pass


def inclusion_closure() -> dict[int, set[int]]:
    """Per certification id, every certification it satisfies, directly or through others.

    One query: the declarations are a short list. Transitive (Cyber Essentials Plus includes
    Cyber Essentials, so whatever Cyber Essentials includes too), and through deactivated
    entries as well: deactivating one retires its own holders' claims, not the others'.
    """
    through = Certification.satisfies.through
    direct: dict[int, set[int]] = {}
    for source, target in through.objects.values_list(
        "from_certification_id", "to_certification_id"
    ):
        direct.setdefault(source, set()).add(target)
    closure: dict[int, set[int]] = {}
    for start in direct:
        seen: set[int] = set()
        waiting = list(direct[start])
        while waiting:
            node = waiting.pop()
            if node not in seen:
                seen.add(node)
                waiting.extend(direct.get(node, ()))
        seen.discard(start)  # a cycle leads back: a certification does not include itself
        closure[start] = seen
    return closure


def _ids(certifications: Iterable[Certification | int]) -> set[int]:
    return {c if isinstance(c, int) else c.pk for c in certifications}


class CertificationQuerySet(ActiveQuerySet):
    def satisfied_by(self, certifications: Iterable[Certification | int]) -> CertificationQuerySet:
        """The certifications that holding any of these satisfies: themselves and every one
        they include (e.g. for the words a holder's search document should carry)."""
        held = _ids(certifications)
        closure = inclusion_closure()
        return self.filter(pk__in=held.union(*(closure.get(pk, set()) for pk in held)))

    def satisfying(self, certifications: Iterable[Certification | int]) -> CertificationQuerySet:
        """The certifications whose holders satisfy any of these: themselves and every one that
        includes one of them (a buyer asking for Cyber Essentials accepts Cyber Essentials Plus)."""
        wanted = _ids(certifications)
        closure = inclusion_closure()
        including = {pk for pk, included in closure.items() if included & wanted}
        return self.filter(pk__in=wanted | including)

    def inclusions(self) -> dict[Certification, list[Certification]]:
        """Each certification here that includes others here, and those, in list order."""
        entries = cast(list[Certification], list(self))
        by_id = {entry.pk: entry for entry in entries}
        closure = inclusion_closure()
        found = {}
        for entry in entries:
            included = [by_id[pk] for pk in by_id if pk in closure.get(entry.pk, set())]
            if included:
                found[entry] = included
        return found


class Certification(ReferenceItem):
    description = models.TextField(blank=True)
    register_url = models.URLField(
        "public register",
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text=(
            "The certifier's public register or certificate search (https://...), where a buyer "
            "can check a company's certificate. Shown as \u201cCheck this certificate\u201d."
        ),
    )
    valid_for_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=(
            "Certificates of this kind are reissued at least this often (Cyber Essentials: 12): "
            "an expiry date is then required, and one further away is refused."
        ),
    )
    satisfies = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="included_in",
        verbose_name="includes",
        help_text=(
            "Certifications that holding this one also satisfies (Cyber Essentials Plus includes "
            "Cyber Essentials): its holders are found under those too. Inclusion carries on: "
            "whatever an included certification includes is included as well."
        ),
    )

    objects = CertificationQuerySet.as_manager()

    class Meta(ReferenceItem.Meta):
        pass


class Framework(ReferenceItem):
    owner = models.CharField(
        max_length=120, blank=True, help_text="Who runs it, e.g. Scottish Government, CCS."
    )
    url = models.URLField(blank=True)

    objects = ActiveQuerySet.as_manager()

    class Meta(ReferenceItem.Meta):
        pass


class Sector(ReferenceItem):
    objects = ActiveQuerySet.as_manager()

    class Meta(ReferenceItem.Meta):
        pass
