from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from members import services
from members.admin_batch import OneChangePerRequest


class TaxonomyAdmin(OneChangePerRequest, admin.ModelAdmin):
    """Taxonomy edits go through the services, so search documents and facets follow them."""

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        services.taxonomy_item_save(item=obj)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        services.taxonomy_item_delete(item=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            services.taxonomy_item_delete(item=obj)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        for obj in formset.save(commit=False):
            services.taxonomy_item_save(item=obj)
        for obj in formset.deleted_objects:
            services.taxonomy_item_delete(item=obj)


class CapabilityInline(admin.TabularInline):
    model = Capability
    fields = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(Cluster)
class ClusterAdmin(TaxonomyAdmin):
    list_display = ["name", "slug", "position", "is_active", "capability_count"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CapabilityInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cluster]:
        return super().get_queryset(request).annotate(capability_count=Count("capabilities"))

    @admin.display(description="capabilities", ordering="capability_count")
    def capability_count(self, obj: Cluster) -> int:
        return obj.capability_count  # type: ignore[attr-defined]  # annotated in get_queryset


@admin.register(Capability)
class CapabilityAdmin(TaxonomyAdmin):
    list_display = ["name", "cluster", "slug", "position"]
    list_filter = ["cluster"]
    list_select_related = ["cluster"]
    search_fields = ["name", "slug", "description", "cluster__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["cluster"]


class ReferenceItemAdmin(TaxonomyAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Region)
class RegionAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "is_scottish"]
    list_filter = ["is_scottish"]


@admin.register(Certification)
class CertificationAdmin(ReferenceItemAdmin):
    pass


@admin.register(Framework)
class FrameworkAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "owner"]
    search_fields = [*ReferenceItemAdmin.search_fields, "owner"]


@admin.register(Sector)
class SectorAdmin(ReferenceItemAdmin):
    pass
