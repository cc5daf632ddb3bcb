from __future__ import annotations

from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.company_list, name="company_list"),
    path("<slug:slug>/", views.company_detail, name="company_detail"),
]
