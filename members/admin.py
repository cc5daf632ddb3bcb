from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from members import services
from members.admin_batch import OneChangePerRequest
from members.admin_filters import (
    ChangedByMemberFilter,
    ExpiringCertificatesFilter,
    NoCapabilitiesFilter,
    NotVerifiedFilter,
)
from members.admin_import_export import CompanyImportExport
from members.history import company_history, revert_preview
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
        "status_shown",
        "cluster_list",
        "region",
        "size",
        "verified",
        "member_changed",
        "updated",
    ]
    list_filter = [
        "status",
        "clusters",
        "region",
        "employee_band",
        NotVerifiedFilter,
        ChangedByMemberFilter,
        NoCapabilitiesFilter,
        ExpiringCertificatesFilter,
    ]
    list_select_related = ["region", "possible_duplicate_of"]
    search_fields = [
        "name",
        "slug",
        "companies_house_number",
        "contact_email",
        "applicant_email",
    ]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["region", "capabilities", "clusters", "sectors"]
    date_hierarchy = "updated_at"
    readonly_fields = [
        "created_at",
        "updated_at",
        "possible_duplicate_of",
        "last_verified_by",
        "member_changed_at",
        "reviewed_at",
        "reminder_sent_at",
    ]
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
            "Verification and review",
            {
                "fields": [
                    "last_verified_at",
                    "last_verified_by",
                    "last_confirmed_at",
                    "member_changed_at",
                    "reviewed_at",
                    "reminder_sent_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        # Filled in when a company applies on the site; the duplicate is flagged, never merged.
        ("Application", {"fields": ["applicant_email", "possible_duplicate_of"]}),
    ]

    actions = [
        "publish",
        "archive",
        "mark_verified",
        "mark_reviewed",
        "revert_member_changes",
        "approve_applications",
        "reject_applications",
        "invite_contacts_as_owners",
    ]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Company]:
        return super().get_queryset(request).prefetch_related("clusters")

    @admin.display(description="clusters")
    def cluster_list(self, company: Company) -> str:
        return ", ".join(cluster.name for cluster in company.clusters.all())

    @admin.display(description="status", ordering="status")
    def status_shown(self, company: Company) -> str:
        duplicate = company.possible_duplicate_of
        may_repeat = f" (may repeat {duplicate})" if duplicate else ""
        return f"{company.get_status_display()}{may_repeat}"

    @admin.display(description="size", ordering="employee_band")
    def size(self, company: Company) -> str:
        return company.employee_band

    @admin.display(description="last verified", ordering="last_verified_at")
    def verified(self, company: Company) -> str:
        shown = _day(company.last_verified_at) or "never"
        return f"{shown} (stale)" if company.verification_is_stale else shown

    @admin.display(description="member edit", ordering="member_changed_at")
    def member_changed(self, company: Company) -> str:
        return _day(company.member_changed_at)

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, company: Company) -> str:
        return _day(company.updated_at)

    # Actions: each says what it did, and what it skipped and why ---------------------------

    @admin.action(description="Publish")
    def publish(self, request: HttpRequest, queryset: models.QuerySet[Company]) -> None:
        with ActionReport(self, request, "Published") as report:
            for company in queryset.prefetch_related("capabilities"):
                refusal = services.publish_refusal(company)
                if refusal:
                    report.skip(company, refusal)
                    continue
                services.company_set_status(company=company, status=Company.Status.PUBLISHED)
                report.done(company)

    @admin.action(description="Archive (hide from buyers)")
    def archive(self, request: HttpRequest, queryset: models.QuerySet[Company]) -> None:
        with ActionReport(self, request, "Archived") as report:
            for company in queryset:
                if company.status == Company.Status.ARCHIVED:
                    report.skip(company, "it is already archived")
                    continue
                services.company_set_status(company=company, status=Company.Status.ARCHIVED)
                report.done(company)

    @admin.action(description="Mark verified (checked by me today)")
    def mark_verified(self, request: HttpRequest, queryset: models.QuerySet[Company]) -> None:
        with ActionReport(self, request, "Marked verified") as report:
            for company in queryset:
                services.company_mark_verified(company=company, by=_staff(request))
                report.done(company)

    @admin.action(description="Mark member changes reviewed")
    def mark_reviewed(self, request: HttpRequest, queryset: models.QuerySet[Company]) -> None:
        waiting = set(
            Company.objects.filter(pk__in=queryset.values("pk"))
            .changed_by_member_since_review()
            .values_list("pk", flat=True)
        )
        with ActionReport(self, request, "Marked reviewed") as report:
            for company in queryset:
                if company.pk not in waiting:
                    report.skip(company, "no member change is waiting for review")
                    continue
                services.company_mark_reviewed(company=company)
                report.done(company)

    @admin.action(description="Revert member changes since the last review")
    def revert_member_changes(
        self, request: HttpRequest, queryset: models.QuerySet[Company]
    ) -> None:
        with ActionReport(self, request, "Reverted the member changes of") as report:
            for company in queryset:
                try:
                    with transaction.atomic():
                        services.company_revert_member_changes(company=company)
                except services.NothingToRevertTo:
                    report.skip(company, "no member change is waiting for review")
                except ValidationError as error:
                    report.skip(company, "the earlier version no longer fits: " + _said(error))
                else:
                    report.done(company)

    @admin.action(description="Approve the applications: publish and invite the applicant")
    def approve_applications(
        self, request: HttpRequest, queryset: models.QuerySet[Company]
    ) -> None:
        with ActionReport(self, request, "Published") as report:
            for company in queryset.prefetch_related("capabilities"):
                refusal = _application_refusal(company) or services.publish_refusal(company)
                if refusal:
                    report.skip(company, refusal)
                    continue
                invitation = services.application_approve(
                    company=company,
                    link_base=request.build_absolute_uri("/"),
                    approved_by=_staff(request),
                )
                report.done(company, f"invited {invitation.email} as owner")

    @admin.action(description="Reject the applications (with a reason emailed to the applicant)")
    def reject_applications(
        self, request: HttpRequest, queryset: models.QuerySet[Company]
    ) -> HttpResponse | None:
        pending = [company for company in queryset if not _application_refusal(company)]
        form = RejectionForm(request.POST if "reason" in request.POST else None)
        if not pending or not form.is_valid():
            if pending:  # ask for the reason first (and again, when it was left empty)
                return render(
                    request,
                    "admin/members/company/reject_applications.html",
                    {
                        **self.admin_site.each_context(request),
                        "title": "Reject applications",
                        "opts": self.model._meta,
                        "companies": pending,
                        "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                        "form": form,
                    },
                )
        with ActionReport(self, request, "Rejected") as report:
            for company in queryset:
                refusal = _application_refusal(company)
                if refusal:
                    report.skip(company, refusal)
                    continue
                services.application_reject(company=company, reason=form.cleaned_data["reason"])
                report.done(company, f"emailed the reason to {_applicant(company)}")
        return None

    @admin.action(description="Send an owner invitation to the contact email")
    def invite_contacts_as_owners(
        self, request: HttpRequest, queryset: models.QuerySet[Company]
    ) -> None:
        with ActionReport(self, request, "Invited an owner for") as report:
            for company in queryset:
                refusal = services.owner_invitation_refusal(company)
                if refusal:
                    report.skip(company, refusal)
                    continue
                invitation = services.invitation_create(
                    company=company,
                    email=company.contact_email,
                    role=CompanyMembership.Role.OWNER,
                    invited_by=_staff(request),
                    link_base=request.build_absolute_uri("/"),
                )
                report.done(company, f"sent to {invitation.email}")

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

    # History: the company with its parts, field by field; revert in one step ---------------

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        company = self._company_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, company):
            raise PermissionDenied
        entries = company_history(company)
        page = Paginator(entries, HISTORY_PER_PAGE).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {company}",
            "opts": self.model._meta,
            "object": company,
            "page": page,
            "can_revert": self.has_change_permission(request, company),
        }
        return render(request, "admin/members/company/history.html", context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: object = None
    ) -> HttpResponse:
        """Revert to a version: a page that says what will change, then one POST does it all."""
        company = self._company_or_404(request, object_id)
        if not self.has_change_permission(request, company):
            raise PermissionDenied
        version = (
            company.history.filter(history_id=version_id).first() if version_id.isdigit() else None
        )
        if version is None:
            raise Http404("No such version.")
        at = _revert_point(request, version.history_date)
        history_url = reverse("admin:members_company_history", args=[company.pk])
        if request.method == "POST":
            try:
                services.company_revert(company=company, as_of=at)
            except ValidationError as error:
                self.message_user(
                    request,
                    f"Not reverted: the version no longer fits: {_said(error)}",
                    messages.ERROR,
                )
            else:
                when = timezone.localtime(at)
                self.message_user(
                    request, f"Reverted {company} to how it was on {when:%-d %B %Y %H:%M:%S}."
                )
            return redirect(history_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revert {company}?",
            "opts": self.model._meta,
            "object": company,
            "at": at,
            "changes": revert_preview(company, at),
            "history_url": history_url,
        }
        return render(request, "admin/members/company/revert.html", context)

    def _company_or_404(self, request: HttpRequest, object_id: str) -> Company:
        company = self.get_object(request, unquote(object_id))
        if company is None:
            raise Http404("No such company.")
        return company


HISTORY_PER_PAGE = 50


def _revert_point(request: HttpRequest, version_date: datetime.datetime) -> datetime.datetime:
    """The moment to revert to: the version's own, or a later part change's (``?at=``) that the
    version was still current for."""
    raw = request.GET.get("at")
    if raw is None:
        return version_date
    try:
        at = datetime.datetime.fromisoformat(raw)
    except ValueError:
        raise Http404("No such point in the history.") from None
    if at.tzinfo is None or at < version_date:
        raise Http404("No such point in the history.")
    return at


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label="Why the application is rejected (sent to the applicant)",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
    )


def _applicant(company: Company) -> str:
    return company.applicant_email or company.contact_email


def _application_refusal(company: Company) -> str | None:
    if company.status != Company.Status.PENDING:
        return "it is not a pending application"
    if not _applicant(company):
        return "there is no applicant or contact email to write to"
    return None


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # the admin is only reached signed in
        raise PermissionDenied
    return user


def _day(when: datetime.datetime | None) -> str:
    return f"{timezone.localtime(when):%-d %b %Y}" if when else ""


def _said(error: ValidationError) -> str:
    return " ".join(error.messages)


class ActionReport:
    """Collects what an admin action did and skipped, and tells the user once at the end."""

    def __init__(self, model_admin: admin.ModelAdmin, request: HttpRequest, verb: str) -> None:
        self.model_admin, self.request, self.verb = model_admin, request, verb
        self.done_names: list[str] = []
        self.skipped: list[tuple[str, str]] = []

    def done(self, company: Company, detail: str = "") -> None:
        self.done_names.append(f"{company} ({detail})" if detail else str(company))

    def skip(self, company: Company, reason: str) -> None:
        self.skipped.append((str(company), reason))

    def __enter__(self) -> ActionReport:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            return
        if self.done_names:
            count = len(self.done_names)
            noun = "company" if count == 1 else "companies"
            self.model_admin.message_user(
                self.request, f"{self.verb} {count} {noun}: {', '.join(self.done_names)}."
            )
        for name, reason in self.skipped:
            self.model_admin.message_user(
                self.request, f"Skipped {name}: {reason}.", messages.WARNING
            )
        if not self.done_names and not self.skipped:
            self.model_admin.message_user(self.request, "Nothing was selected.", messages.WARNING)


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

    list_display = ["key", "title", "created_at", "last_visited_at", "company_count"]
    readonly_fields = [
        "key",
        "title",
        "note",
        "company_ids",
        "snapshot",
        "created_at",
        "last_visited_at",
    ]
    date_hierarchy = "created_at"

    @admin.display(description="companies")
    def company_count(self, obj: SharedShortlist) -> int:
        return len(obj.company_ids)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
