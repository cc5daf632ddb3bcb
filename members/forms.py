"""The forms members fill in: their profile and its parts, invitations, applications to be listed.

Each form names the fields a member may set; anything else in a POST (status, verification
dates, slug) is never read, so it cannot be assigned. Capabilities must lie in the chosen
clusters, and certificates that are reissued yearly must say when they expire (model rules,
the same as in the admin).

Members are offered only active taxonomy entries, in the order staff set. What a company already
holds of a deactivated entry is not shown to them, and is kept when they save (staff may bring
the entry back; the company's history names it either way).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import inlineformset_factory

from clusters.models import ActiveQuerySet, Capability, Cluster, Sector
from members.logos import LogoField
from members.models import (
    COMMITMENT_FIELDS,
    CaseStudy,
    Company,
    CompanyCertification,
    CompanyFramework,
    CompanyMembership,
    SharedShortlist,
)

PROFILE_FIELDS = [
    "name",
    "summary",
    "description",
    "website",
    "logo",
    "contact_name",
    "contact_email",
    "contact_phone",
    "town",
    "postcode",
    "region",
    "founded_year",
    "employee_band",
    "companies_house_number",
    "pays_real_living_wage",
    "fair_work_first",
    "scottish_business_pledge",
    "supported_business",
    "clusters",
    "capabilities",
    "sectors",
]


def grouped_capabilities() -> list[tuple[str, list[tuple[int, str]]]]:
    """Capabilities under their cluster's name, for grouped checkboxes."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for capability in Capability.objects.active().select_related("cluster"):
        groups.setdefault(capability.cluster.name, []).append((capability.pk, capability.name))
    return list(groups.items())


def active_choices(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """The form field of a model field; a choice of taxonomy entries offers the active ones."""
    formfield = field.formfield(**kwargs)
    if isinstance(formfield, forms.ModelChoiceField) and isinstance(
        formfield.queryset, ActiveQuerySet
    ):
        formfield.queryset = formfield.queryset.active()
    return formfield


# Text, not type=url: a mistyped address is sent back in the field to correct, and a type=url
# input whose value is not a URL is invalid HTML. The keyboard still offers "/" and ".com".
WEBSITE_INPUT = forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"})


class CapabilitiesInClusters(forms.ModelForm):
    """Clusters as checkboxes, capabilities as checkboxes grouped by cluster, and the rule that
    every capability belongs to one of the chosen clusters."""

    clusters = forms.ModelMultipleChoiceField(
        queryset=Cluster.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Every cluster your company works in.",
    )
    capabilities = forms.ModelMultipleChoiceField(
        queryset=Capability.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only capabilities of the clusters you chose are kept.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["capabilities"].widget.choices = grouped_capabilities()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        clusters, capabilities = cleaned.get("clusters"), cleaned.get("capabilities")
        if clusters is not None and capabilities is not None:
            try:
                Company.validate_capabilities(clusters, capabilities)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class ProfileForm(CapabilitiesInClusters):
    """Everything a buyer sees of the company that its members keep."""

    version = forms.CharField(widget=forms.HiddenInput)
    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Sectors served",
    )

    class Meta:
        model = Company
        fields = PROFILE_FIELDS
        field_classes = {"logo": LogoField}  # checked, decoded and re-encoded (members/logos.py)
        formfield_callback = active_choices
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "website": WEBSITE_INPUT,
        }
        labels = {"name": "Company name"}

    @property
    def commitment_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in COMMITMENT_FIELDS.values()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.instance._state.adding:
            self._keep_deactivated(cleaned)
        return cleaned

    def _keep_deactivated(self, cleaned: dict[str, Any]) -> None:
        """Add back what the company holds of deactivated entries: the form never offered them,
        so their absence from the POST is no choice of the member's."""
        company = self.instance
        if cleaned.get("clusters") is not None:
            clusters = [*cleaned["clusters"], *company.clusters.filter(is_active=False)]
            cleaned["clusters"] = clusters
            if cleaned.get("capabilities") is not None:
                kept = {cluster.pk for cluster in clusters}
                hidden = company.capabilities.exclude(pk__in=Capability.objects.active())
                cleaned["capabilities"] = [
                    *cleaned["capabilities"],
                    *(c for c in hidden if c.cluster_id in kept),
                ]
        if cleaned.get("sectors") is not None:
            cleaned["sectors"] = [*cleaned["sectors"], *company.sectors.filter(is_active=False)]
        if "region" in cleaned and cleaned["region"] is None and company.region_id:
            region = company.region
            if region is not None and not region.is_active:
                cleaned["region"] = region


class ApplicationForm(CapabilitiesInClusters):
    """A company asking to be listed. ``website_url`` is a trap for robots: people never see it
    (it is hidden by the style sheet), so anything in it means the form was filled by a robot."""

    applicant_email = forms.EmailField(
        label="Your email address",
        help_text="We send you an invitation to keep the profile up to date when it is approved.",
    )
    website_url = forms.CharField(required=False, label="Leave this empty")

    class Meta:
        model = Company
        fields = [
            "name",
            "summary",
            "website",
            "companies_house_number",
            "contact_name",
            "contact_email",
            "contact_phone",
            "town",
            "region",
            "employee_band",
            "clusters",
            "capabilities",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "website": WEBSITE_INPUT}
        labels = {"name": "Company name"}
        formfield_callback = active_choices

    def clean_companies_house_number(self) -> str:
        number: str = self.cleaned_data["companies_house_number"].strip().upper()
        if number and Company.objects.filter(companies_house_number=number).exists():
            raise ValidationError(
                "A company with this Companies House number is already in the directory. If it "
                "is yours, email the cluster staff and they will invite you to keep it up to date."
            )
        return number

    def is_robot(self) -> bool:
        return bool(self.data.get("website_url"))


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO (2027-06-30) whatever the site's
    locale: a type=date input shows nothing for "30/06/2027", and saving would then clear it."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class VersionedFormSet(forms.BaseInlineFormSet):
    """An inline formset that also carries the company's version (no lost updates).

    Parts naming a deactivated certification or framework are left out: kept, not shown."""

    conflict = ""  # set when the save was refused because someone else saved first

    def __init__(self, *args: Any, version: str = "", **kwargs: Any) -> None:
        if kwargs.get("queryset") is None:
            model = cast(type[models.Model], self.model)
            kwargs["queryset"] = model._default_manager.filter(**_active_references(model))
        super().__init__(*args, **kwargs)
        self.version: str = self.data.get("version", version) if self.is_bound else version


def _active_references(model: type[models.Model]) -> dict[str, bool]:
    """The lookups that keep only rows whose taxonomy references are active."""
    return {
        f"{field.name}__is_active": True
        for field in model._meta.concrete_fields
        if field.related_model is not None
        and isinstance(field.related_model._default_manager.all(), ActiveQuerySet)
    }


CertificationFormSet = inlineformset_factory(
    Company,
    CompanyCertification,
    formset=VersionedFormSet,
    fields=["certification", "certificate_number", "issuer", "valid_until"],
    widgets={"valid_until": DateInput},
    formfield_callback=active_choices,
    extra=1,
    can_delete=True,
)

FrameworkFormSet = inlineformset_factory(
    Company,
    CompanyFramework,
    formset=VersionedFormSet,
    fields=["framework", "lot", "valid_until"],
    widgets={"valid_until": DateInput},
    formfield_callback=active_choices,
    extra=1,
    can_delete=True,
)

CaseStudyFormSet = inlineformset_factory(
    Company,
    CaseStudy,
    formset=VersionedFormSet,
    fields=["title", "client", "summary", "year", "is_public_sector"],
    widgets={"summary": forms.Textarea(attrs={"rows": 4})},
    extra=1,
    can_delete=True,
    can_order=True,
)


def parts_to_save(formset: forms.BaseInlineFormSet) -> list[Any]:
    """The parts a valid formset changes, in order (case studies: numbered as ordered)."""
    changed = list(formset.save(commit=False))
    if formset.can_order:
        kept = [
            form for form in formset.ordered_forms if form.instance not in formset.deleted_objects
        ]
        for position, form in enumerate(kept):
            if form.instance.position != position or form.instance in changed:
                form.instance.position = position
                if form.instance not in changed:
                    changed.append(form.instance)
    return changed


class InviteForm(forms.Form):
    email = forms.EmailField(label="Their email address")
    role = forms.ChoiceField(
        choices=CompanyMembership.Role.choices,
        initial=CompanyMembership.Role.EDITOR,
        widget=forms.RadioSelect,
        help_text="Owners can also invite and remove people; editors keep the profile.",
    )

    def __init__(self, *args: Any, members: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {email.lower() for email in members}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if email in self.members:
            raise ValidationError("This person can already edit the company.")
        return email


class NewAccountForm(forms.Form):
    """The account an invitation creates: a name and a password (the address is the invited one)."""

    full_name = forms.CharField(label="Your name", max_length=150)
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters, and not a common password.",
    )
    password2 = forms.CharField(
        label="The same password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        from django.contrib.auth.password_validation import validate_password

        from members.models import User

        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            try:
                validate_password(
                    first, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ShareShortlistForm(forms.Form):
    """What a permanent link of a shortlist says about itself, beside the companies."""

    title = forms.CharField(
        label="Title (optional)",
        max_length=SharedShortlist.TITLE_MAX_LENGTH,
        required=False,
        help_text="For example, the requirement or tender these companies are for.",
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=SharedShortlist.NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why these companies, or what a colleague should know. Anyone with the link "
        "can read it, so leave out anything confidential.",
    )
