"""Staff keep the taxonomy here: order it, deactivate what is retired, merge duplicates.

Every write goes through members.services, so search follows it. What companies still use is
never deleted (the delete page, the bulk delete and the cluster's capability rows all refuse it
with the reason); deactivating hides an entry from buyers and members and keeps its history.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from members import services
from members.admin_batch import OneChangePerRequest
from members.models import Company


class TaxonomyAdmin(OneChangePerRequest, admin.ModelAdmin):
    """Taxonomy edits go through the services, so search documents and facets follow them."""

    actions = ["delete_selected"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        services.taxonomy_item_save(item=obj)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        services.taxonomy_item_delete(item=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        services.taxonomy_items_delete(items=list(queryset))

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        for obj in formset.save(commit=False):
            services.taxonomy_item_save(item=obj)
        if formset.deleted_objects:
            services.taxonomy_items_delete(items=formset.deleted_objects)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Say why an entry in use cannot go, on the page it was opened from, before asking."""
        obj = self.get_object(request, unquote(object_id))
        refusal = services.taxonomy_item_in_use(item=obj) if obj is not None else ""
        if not refusal:
            try:
                return super().delete_view(request, object_id, extra_context)
            except services.TaxonomyRefused as refused:  # came into use since the check
                refusal = str(refused)
        self.message_user(request, refusal, messages.ERROR)
        opts = self.opts
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
        )

    @admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
    def delete_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        """Django's own bulk delete, refused whole when any selected entry is still in use."""
        refusals = [r for item in queryset if (r := services.taxonomy_item_in_use(item=item))]
        if not refusals:
            try:
                # Its own block: a refusal at the last moment also undoes the deletion log.
                with transaction.atomic():
                    return django_delete_selected(self, request, queryset)
            except services.TaxonomyRefused as refused:
                refusals = [str(refused)]
        for refusal in refusals:
            self.message_user(request, refusal, messages.ERROR)
        self.message_user(request, "Nothing was deleted.", messages.WARNING)
        return None


class CapabilityInlineFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        refusals = [
            refusal
            for form in self.deleted_forms
            if (refusal := services.taxonomy_item_in_use(item=form.instance))
        ]
        if refusals:
            raise ValidationError(refusals)


class CapabilityInline(admin.TabularInline):
    model = Capability
    formset = CapabilityInlineFormSet
    fields = ["name", "slug", "position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(Cluster)
class ClusterAdmin(TaxonomyAdmin):
    list_display = ["name", "slug", "position", "is_active", "capability_count"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CapabilityInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cluster]:
        # Ordered again: a grouped query drops Meta.ordering, and autocomplete pages need one.
        counted = super().get_queryset(request).annotate(capability_count=Count("capabilities"))
        return counted.order_by("position", "name")

    @admin.display(description="capabilities", ordering="capability_count")
    def capability_count(self, obj: Cluster) -> int:
        return obj.capability_count  # type: ignore[attr-defined]  # annotated in get_queryset


class CapabilityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Model) -> str:
        return f"{obj} ({cast(Capability, obj).cluster})"


class MergeForm(forms.Form):
    target = CapabilityChoiceField(
        queryset=Capability.objects.none(),
        label="Merge into",
        help_text="An active capability. Companies not yet in its cluster are added to it.",
        error_messages={
            "invalid_choice": "Choose an active capability other than the ones being merged.",
        },
    )

    def __init__(self, *args: Any, sources: list[Capability], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CapabilityChoiceField, self.fields["target"]).queryset = (
            Capability.objects.active()
            .exclude(pk__in=[source.pk for source in sources])
            .select_related("cluster")
        )


@admin.register(Capability)
class CapabilityAdmin(TaxonomyAdmin):
    list_display = ["name", "cluster", "slug", "position", "is_active", "company_count"]
    list_filter = ["is_active", "cluster"]
    list_select_related = ["cluster"]
    search_fields = ["name", "slug", "description", "cluster__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["cluster"]
    actions = [*TaxonomyAdmin.actions, "merge"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Capability]:
        counted = super().get_queryset(request).annotate(company_count=Count("companies"))
        return counted.order_by("cluster__position", "position", "name")  # as Cluster's, above

    @admin.display(description="companies", ordering="company_count")
    def company_count(self, obj: Capability) -> int:
        return obj.company_count  # type: ignore[attr-defined]  # annotated in get_queryset

    @admin.action(permissions=["change"], description="Merge into another capability")
    def merge(self, request: HttpRequest, queryset: QuerySet[Capability]) -> HttpResponse | None:
        """Ask for the target (saying how many companies move), then merge each selected one."""
        sources = list(queryset.select_related("cluster"))  # each with company_count
        form = MergeForm(request.POST if "confirm" in request.POST else None, sources=sources)
        moving = Company.objects.filter(capabilities__in=sources).distinct().count()
        if form.is_valid():
            target = form.cleaned_data["target"]
            try:
                with transaction.atomic():  # all the selected, or none
                    for source in sources:
                        services.capability_merge(source=source, target=target)
            except services.TaxonomyRefused as refused:
                form.add_error(None, str(refused))
            else:
                names = ", ".join(source.name for source in sources)
                self.message_user(
                    request,
                    f"Merged {names} into {target.name}: {moving} "
                    f"compan{'y' if moving == 1 else 'ies'} moved. {names} "
                    f"{'is' if len(sources) == 1 else 'are'} now deactivated.",
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge capabilities",
            "opts": self.opts,
            "form": form,
            "sources": sources,
            "moving": moving,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/clusters/capability/merge.html", context)


class ReferenceItemAdmin(TaxonomyAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Region)
class RegionAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "is_scottish"]
    list_filter = ["is_active", "is_scottish"]


class CertificationForm(ModelForm):
    class Meta:
        model = Certification
        fields = [
            "name",
            "slug",
            "description",
            "valid_for_months",
            "register_url",
            "satisfies",
            "position",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:  # a certification is no choice as its own inclusion
            includes = cast(forms.ModelMultipleChoiceField, self.fields["satisfies"])
            includes.queryset = Certification.objects.exclude(pk=self.instance.pk)


@admin.register(Certification)
class CertificationAdmin(ReferenceItemAdmin):
    form = CertificationForm
    list_display = [*ReferenceItemAdmin.list_display, "included", "register_url"]
    filter_horizontal = ["satisfies"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Certification]:
        return super().get_queryset(request).prefetch_related("satisfies")

    @admin.display(description="includes")
    def included(self, obj: Certification) -> str:
        return ", ".join(item.name for item in obj.satisfies.all())

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[Any], change: bool
    ) -> None:
        """The inclusions through their service (not the form's own save), so that the holders
        found under the included certifications follow: the facet index and search documents.
        The changelist's rows save here too, without the field."""
        if "satisfies" in form.cleaned_data:
            services.certification_inclusions_set(
                certification=form.instance, includes=form.cleaned_data["satisfies"]
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Framework)
class FrameworkAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "owner"]
    search_fields = [*ReferenceItemAdmin.search_fields, "owner"]


@admin.register(Sector)
class SectorAdmin(ReferenceItemAdmin):
    pass
