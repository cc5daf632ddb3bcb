"""The taxonomy that staff keep: clusters, their capabilities and the reference lists."""

from __future__ import annotations

from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


class ActiveQuerySet(models.QuerySet):
    def active(self) -> ActiveQuerySet:
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

    objects = ActiveQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Region(ReferenceItem):
    is_scottish = models.BooleanField(default=True)

    class Meta(ReferenceItem.Meta):
        pass


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

    class Meta(ReferenceItem.Meta):
        pass


class Framework(ReferenceItem):
    owner = models.CharField(
        max_length=120, blank=True, help_text="Who runs it, e.g. Scottish Government, CCS."
    )
    url = models.URLField(blank=True)

    class Meta(ReferenceItem.Meta):
        pass


class Sector(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        pass
