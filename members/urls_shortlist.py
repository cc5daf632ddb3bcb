from __future__ import annotations

from django.urls import path

from members.views import shortlist

app_name = "shortlist"

urlpatterns = [
    path("", shortlist.detail, name="detail"),
    path("export.csv", shortlist.export, name="export"),
    path("clear/", shortlist.clear, name="clear"),
    path("share/", shortlist.share, name="share"),
    path("add/<slug:slug>/", shortlist.add, name="add"),
    path("remove/<slug:slug>/", shortlist.remove, name="remove"),
    path("s/<slug:key>/", shortlist.shared, name="shared"),  # keys are token_urlsafe
    path("s/<slug:key>/export.csv", shortlist.shared_export, name="shared_export"),
]
