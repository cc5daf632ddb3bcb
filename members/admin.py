from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from members import services
from members.admin_batch import OneChangePerRequest
from members.admin_import_export import CompanyImportExport
from members.logos import LogoField
from members.models import (
    CaseStudy,
    Company,
    CompanyCertification,
    CompanyFramework,
    CompanyMembership,
    Invitation,
    SearchSynonym,
    SharedShortlist,
    User,
)
from members.resources import CompanyResource
from members.search.documents import search_batch


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["full_name"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


class CompanyAdminForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = "__all__"  # noqa: DJ007 - staff curate every field
        field_classes = {"logo": LogoField}  # staff uploads are checked and re-encoded too

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        clusters = cleaned.get("clusters")
        capabilities = cleaned.get("capabilities")
        if clusters is not None and capabilities is not None:
            try:
                Company.validate_capabilities(clusters, capabilities)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class CompanyCertificationInline(admin.TabularInline):
    model = CompanyCertification
    fields = ["certification", "certificate_number", "issuer", "valid_until"]
    autocomplete_fields = ["certification"]
    extra = 0


class CompanyFrameworkInline(admin.TabularInline):
    model = CompanyFramework
    fields = ["framework", "lot", "valid_until"]
    autocomplete_fields = ["framework"]
    extra = 0


class CaseStudyInline(admin.StackedInline):
    model = CaseStudy
    fields = ["title", "client", "summary", "year", "is_public_sector", "position"]
    extra = 0


class CompanyMembershipInline(admin.TabularInline):
    model = CompanyMembership
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user"]
    extra = 0


class CompanyPartAdmin(OneChangePerRequest, SimpleHistoryAdmin):
    """Case studies, certifications and framework places: saved through the services."""

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool
    ) -> None:
        services.company_part_save(part=obj)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        services.company_part_delete(part=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for obj in queryset:
            services.company_part_delete(part=obj)


@admin.register(Company)
class CompanyAdmin(CompanyImportExport, OneChangePerRequest, SimpleHistoryAdmin):
    resource_classes = [CompanyResource]
    form = CompanyAdminForm
    list_display = [
        "name",
        "status",
        "possible_duplicate_of",
        "region",
        "employee_band",
        "last_verified_at",
        "updated_at",
    ]
    list_filter = ["status", "clusters", "region", "employee_band", "last_verified_at"]
    list_select_related = ["region", "possible_duplicate_of"]
    search_fields = [
        "name",
        "slug",
        "summary",
        "companies_house_number",
        "contact_email",
        "applicant_email",
    ]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["region", "capabilities", "clusters", "sectors"]
    date_hierarchy = "updated_at"
    readonly_fields = ["created_at", "updated_at", "possible_duplicate_of"]
    inlines = [
        CompanyCertificationInline,
        CompanyFrameworkInline,
        CaseStudyInline,
        CompanyMembershipInline,
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "summary", "description", "logo"]}),
        ("Contact", {"fields": ["website", "contact_name", "contact_email", "contact_phone"]}),
        (
            "Organisation",
            {
                "fields": [
                    "town",
                    "postcode",
                    "region",
                    "founded_year",
                    "employee_band",
                    "companies_house_number",
                ]
            },
        ),
        ("What they do", {"fields": ["clusters", "capabilities", "sectors"]}),
        (
            "Commitments",
            {
                "fields": [
                    "pays_real_living_wage",
                    "fair_work_first",
                    "scottish_business_pledge",
                    "supported_business",
                ]
            },
        ),
        (
            "Verification",
            {"fields": ["last_verified_at", "last_confirmed_at", "created_at", "updated_at"]},
        ),
        # Filled in when a company applies on the site; the duplicate is flagged, never merged.
        ("Application", {"fields": ["applicant_email", "possible_duplicate_of"]}),
    ]

    actions = ["approve_applications", "invite_contacts_as_owners"]

    @admin.action(description="Approve the applications: publish and invite the applicant")
    def approve_applications(
        self, request: HttpRequest, queryset: models.QuerySet[Company]
    ) -> None:
        for company in queryset:
            email = company.applicant_email or company.contact_email
            if (
                company.status != Company.Status.PENDING
                or not email
                or not isinstance(request.user, User)
            ):
                self.message_user(
                    request,
                    f"Skipped {company}: only a pending application with an email can be approved.",
                    messages.WARNING,
                )
                continue
            invitation = services.application_approve(
                company=company,
                link_base=request.build_absolute_uri("/"),
                approved_by=request.user,
            )
            self.message_user(request, f"Published {company} and invited {invitation.email}.")

    @admin.action(description="Invite each company's contact email as its owner")
    def invite_contacts_as_owners(
        self, request: HttpRequest, queryset: models.QuerySet[Company]
    ) -> None:
        for company in queryset:
            if not company.contact_email:
                self.message_user(
                    request, f"Skipped {company}: no contact email.", messages.WARNING
                )
                continue
            services.invitation_create(
                company=company,
                email=company.contact_email,
                role=CompanyMembership.Role.OWNER,
                invited_by=request.user if isinstance(request.user, User) else None,
                link_base=request.build_absolute_uri("/"),
            )
            self.message_user(request, f"Invited {company.contact_email} to own {company}.")

    def save_model(self, request: HttpRequest, obj: Company, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        services.company_save(
            company=obj,
            clusters=data.get("clusters"),
            capabilities=data.get("capabilities"),
            sectors=data.get("sectors"),
        )

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        # The many-to-many fields were saved with the company (save_model); only the inlines.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is CompanyMembership:
            formset.save()
            return
        for obj in formset.save(commit=False):
            services.company_part_save(part=obj)
        for obj in formset.deleted_objects:
            services.company_part_delete(part=obj)

    def delete_model(self, request: HttpRequest, obj: Company) -> None:
        services.company_delete(company=obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Company]) -> None:
        for company in queryset:
            services.company_delete(company=company)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: object = None
    ) -> HttpResponse:
        # Reverting goes through simple-history's own save: tell search which company changed.
        with transaction.atomic(), search_batch() as batch:
            response = super().history_form_view(request, object_id, version_id, extra_context)
            if request.method == "POST" and object_id.isdigit():
                batch.add(int(object_id))
            return response


@admin.register(CaseStudy)
class CaseStudyAdmin(CompanyPartAdmin):
    list_display = ["title", "company", "client", "year", "is_public_sector"]
    list_filter = ["is_public_sector", "year"]
    list_select_related = ["company"]
    search_fields = ["title", "client", "summary", "company__name"]
    autocomplete_fields = ["company"]


@admin.register(CompanyCertification)
class CompanyCertificationAdmin(CompanyPartAdmin):
    list_display = ["company", "certification", "certificate_number", "issuer", "valid_until"]
    list_filter = ["certification", "valid_until"]
    list_select_related = ["company", "certification"]
    search_fields = ["company__name", "certificate_number", "issuer"]
    autocomplete_fields = ["company", "certification"]


@admin.register(CompanyFramework)
class CompanyFrameworkAdmin(CompanyPartAdmin):
    list_display = ["company", "framework", "lot", "valid_until"]
    list_filter = ["framework"]
    list_select_related = ["company", "framework"]
    search_fields = ["company__name", "lot"]
    autocomplete_fields = ["company", "framework"]


@admin.register(CompanyMembership)
class CompanyMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "company"]
    search_fields = ["user__email", "company__name"]
    autocomplete_fields = ["user", "company"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Staff invite a company's first owner here; the link is emailed and stored only hashed."""

    list_display = ["email", "company", "role", "expires_at", "accepted_at", "invited_by"]
    list_filter = ["role", "accepted_at"]
    list_select_related = ["company", "invited_by"]
    search_fields = ["email", "company__name"]
    autocomplete_fields = ["company"]
    add_fields = ["email", "company", "role"]
    shown_after = ["expires_at", "accepted_at", "invited_by", "created_at"]

    def get_fields(self, request: HttpRequest, obj: Invitation | None = None) -> FieldNames:
        if obj is None:
            return list(self.add_fields)
        return [*self.add_fields, *self.shown_after]

    def get_readonly_fields(self, request: HttpRequest, obj: Invitation | None = None) -> list[str]:
        return [] if obj is None else [*self.add_fields, *self.shown_after]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "role": CompanyMembership.Role.OWNER,
            **super().get_changeform_initial_data(request),
        }

    def save_model(
        self, request: HttpRequest, obj: Invitation, form: ModelForm, change: bool
    ) -> None:
        if change:
            return  # an invitation is never edited: send a new one instead
        saved = services.invitation_create(
            company=obj.company,
            email=obj.email,
            role=obj.role,
            invited_by=request.user if isinstance(request.user, User) else None,
            link_base=request.build_absolute_uri("/"),
        )
        obj.pk = saved.pk  # so the admin's message and redirect name the saved one


FieldNames = list[str | list[str] | tuple[str, ...] | tuple[()]]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(OneChangePerRequest, admin.ModelAdmin):
    list_display = ["term", "expansion", "note"]
    search_fields = ["term", "expansion", "note"]

    def save_model(
        self, request: HttpRequest, obj: SearchSynonym, form: ModelForm, change: bool
    ) -> None:
        services.synonym_save(synonym=obj)

    def delete_model(self, request: HttpRequest, obj: SearchSynonym) -> None:
        services.synonym_delete(synonym=obj)

    def delete_queryset(
        self, request: HttpRequest, queryset: models.QuerySet[SearchSynonym]
    ) -> None:
        for synonym in queryset:
            services.synonym_delete(synonym=synonym)


@admin.register(SharedShortlist)
class SharedShortlistAdmin(admin.ModelAdmin):
    """Buyers' shared shortlists are evidence: staff may look, nobody edits them."""

    list_display = ["key", "created_at", "company_count"]
    readonly_fields = ["key", "company_ids", "created_at"]
    date_hierarchy = "created_at"

    @admin.display(description="companies")
    def company_count(self, obj: SharedShortlist) -> int:
        return len(obj.company_ids)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
