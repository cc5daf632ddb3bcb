from __future__ import annotations

from django.urls import path

from members.views import companies, export

app_name = "members"

urlpatterns = [
    path("", companies.company_list, name="company_list"),
    path("export.csv", export.export_csv, name="company_export"),
    path("<slug:slug>/", companies.company_detail, name="company_detail"),
]
