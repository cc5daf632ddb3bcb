"""The member area: a signed-in member's companies, and everything they may change of them.

Every view that takes a company is a ``member_view``: it loads the company through
``member_company``, which finds it only among the signed-in user's memberships, before it looks
at anything else. Another company's address is a 404 whatever the view or method, so a
forgotten check is impossible rather than unlikely (tests/test_member_access.py walks every URL
here with a second user).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from members import services
from members.completeness import completeness
from members.forms import (
    CaseStudyFormSet,
    CertificationFormSet,
    FrameworkFormSet,
    InviteForm,
    ProfileForm,
    VersionedFormSet,
    grouped_capabilities,
    parts_to_save,
)
from members.models import Company, CompanyCertification, CompanyMembership, User


def member_company(request: HttpRequest, slug: str, *, owner: bool = False) -> CompanyMembership:
    """The signed-in user's membership of this company: a 404 for anyone else's company."""
    membership = get_object_or_404(
        CompanyMembership.objects.select_related("company"),
        user=_user(request),
        company__slug=slug,
    )
    if owner and membership.role != CompanyMembership.Role.OWNER:
        raise PermissionDenied("Only an owner of the company can do this.")
    return membership


MemberView = Callable[..., HttpResponse]


def member_view(*methods: str, owner: bool = False) -> Callable[[MemberView], MemberView]:
    """A view of one of the member's companies: signed in, then the company (a 404 if it is not
    theirs, whatever the method), then the method. The view gets the membership."""

    def decorate(view: MemberView) -> MemberView:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
            membership = member_company(request, slug, owner=owner)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, membership, **kwargs)

        return wrapper

    return decorate


def _link_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = (
        CompanyMembership.objects.filter(user=_user(request))
        .select_related("company")
        .prefetch_related(
            "company__capabilities",
            "company__case_studies",
            Prefetch(
                "company__certifications",
                queryset=CompanyCertification.objects.select_related("certification"),
            ),
        )
        .order_by("company__name")
    )
    rows = [(membership, completeness(membership.company)) for membership in memberships]
    return render(request, "members/area/dashboard.html", {"rows": rows})


@member_view("POST")
def confirm(request: HttpRequest, membership: CompanyMembership) -> HttpResponse:
    company = membership.company
    services.company_confirm(company=company)
    messages.success(request, f"Thank you: {company.name} is confirmed as correct today.")
    return redirect("area:dashboard")


@member_view("GET", "POST")
def profile(request: HttpRequest, membership: CompanyMembership) -> HttpResponse:
    company = membership.company
    version = services.company_version(company)
    form = ProfileForm(request.POST or None, instance=company, initial={"version": version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.company_member_save(
                company=form.instance,
                version=data["version"],
                clusters=data["clusters"],
                capabilities=data["capabilities"],
                sectors=data["sectors"],
            )
        except services.EditConflict as conflict:
            form.add_error(None, _conflict_message(conflict))
        else:
            messages.success(request, f"Saved. Buyers see the new profile of {company.name} now.")
            return redirect("area:profile", slug=company.slug)
    return render(
        request,
        "members/area/profile.html",
        {
            "company": Company.objects.get(pk=company.pk),  # as saved, not as typed
            "form": form,
            "capability_groups": grouped_capabilities(),
            "chosen_capabilities": _chosen(form, "capabilities"),
        },
    )


def _chosen(form: ProfileForm, name: str) -> set[str]:
    value = form[name].value() or []
    return {str(getattr(item, "pk", item)) for item in value}


def _conflict_message(conflict: services.EditConflict) -> str:
    return (
        "Someone else saved this company while you were editing, so your changes are not saved "
        "yet: " + "; ".join(conflict.changes) + ". Your changes are still in the form: check "
        "them against the saved profile, then save again."
    )


PARTS: dict[str, tuple[Any, str, str]] = {  # the formset class, its title, one part's name
    "certifications": (CertificationFormSet, "Certifications", "certification"),
    "frameworks": (FrameworkFormSet, "Procurement frameworks", "framework place"),
    "case_studies": (CaseStudyFormSet, "Case studies", "case study"),
}


@member_view("GET", "POST")
def parts(request: HttpRequest, membership: CompanyMembership, kind: str) -> HttpResponse:
    company = membership.company
    formset_class, title, noun = PARTS[kind]
    formset: VersionedFormSet = formset_class(
        request.POST or None,
        instance=company,
        prefix=kind,
        version=services.company_version(company),
    )
    if request.method == "POST" and formset.is_valid():
        try:
            services.company_parts_save(
                company=company,
                version=formset.version,
                save=parts_to_save(formset),
                delete=formset.deleted_objects,
            )
        except services.EditConflict as conflict:
            formset.conflict = _conflict_message(conflict)
        else:
            messages.success(request, f"Saved the {title.lower()} of {company.name}.")
            return redirect(f"area:{kind}", slug=company.slug)
    context: dict[str, Any] = {"company": company, "formset": formset, "title": title}
    context["noun"] = noun
    context["kind"] = kind
    return render(request, "members/area/parts.html", context)


@member_view("GET", "POST")
def team(request: HttpRequest, membership: CompanyMembership) -> HttpResponse:
    company = membership.company
    members = list(company.memberships.select_related("user").order_by("user__email"))
    form = InviteForm(request.POST or None, members=[m.user.email for m in members])
    if request.method == "POST":
        if membership.role != CompanyMembership.Role.OWNER:
            raise PermissionDenied("Only an owner of the company can invite people.")
        if form.is_valid():
            services.invitation_create(
                company=company,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=_user(request),
                link_base=_link_base(request),
            )
            messages.success(
                request, f"We have emailed an invitation to {form.cleaned_data['email']}."
            )
            return redirect("area:team", slug=company.slug)
    pending = company.invitations.filter(accepted_at__isnull=True).order_by("-created_at")
    owners = sum(member.role == CompanyMembership.Role.OWNER for member in members)
    context = {"company": company, "membership": membership, "members": members}
    context["last_owner_only"] = owners == 1  # that owner's row offers no Remove
    context |= {"form": form, "pending": pending}
    return render(request, "members/area/team.html", context)


@member_view("POST", owner=True)
def remove_member(
    request: HttpRequest, membership: CompanyMembership, membership_id: int
) -> HttpResponse:
    company = membership.company
    leaving = get_object_or_404(company.memberships.select_related("user"), pk=membership_id)
    try:
        services.membership_remove(membership=leaving)
    except services.LastOwner:
        messages.error(
            request,
            f"{leaving.user} is the only owner: make someone else an owner first (invite them "
            "as an owner), then remove them.",
        )
    else:
        messages.success(request, f"{leaving.user} can no longer edit {company.name}.")
    return redirect("area:team", slug=company.slug)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required let an anonymous user through: never
        raise PermissionDenied
    return user
