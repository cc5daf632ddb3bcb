"""The member area, under /members/ (../shared/ARCHITECTURE.md)."""

from __future__ import annotations

from django.urls import path

from members.views import apply, area, invitations

app_name = "area"

urlpatterns = [
    path("", area.dashboard, name="dashboard"),
    path("apply/", apply.apply, name="apply"),
    path("apply/thanks/", apply.thanks, name="apply_thanks"),
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
    path("<slug:slug>/profile/", area.profile, name="profile"),
    path(
        "<slug:slug>/certifications/", area.parts, {"kind": "certifications"}, name="certifications"
    ),
    path("<slug:slug>/frameworks/", area.parts, {"kind": "frameworks"}, name="frameworks"),
    path("<slug:slug>/case-studies/", area.parts, {"kind": "case_studies"}, name="case_studies"),
    path("<slug:slug>/confirm/", area.confirm, name="confirm"),
    path("<slug:slug>/team/", area.team, name="team"),
    path("<slug:slug>/team/<int:membership_id>/remove/", area.remove_member, name="remove_member"),
]
