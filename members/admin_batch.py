"""Admin views as one logical change each, so search follows a whole save in one version."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from members.search.documents import search_batch


class OneChangePerRequest:
    """Run the admin's writing views inside one transaction and one search batch.

    A company saved with its inlines, a changelist's edited rows or a bulk action each become one
    search version, and the search documents are rewritten inside the same transaction.
    """

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic(), search_batch():
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic(), search_batch():
            return super().changelist_view(request, *args, **kwargs)  # type: ignore[misc]

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic(), search_batch():
            return super().delete_view(request, *args, **kwargs)  # type: ignore[misc]
