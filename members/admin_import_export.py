"""The company list's Import, Export and "Export selected" (django-import-export), as CSV or XLSX.

The file format and every rule of an import live in members.resources; this is the admin side:
which formats, where an upload waits between the preview and the confirmation, and what staff
are told when the confirmation finds the file no longer imports cleanly.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin import Action, ActionLocation
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ExportActionMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from import_export.tmp_storages import CacheStorage


class UploadGone(Exception):
    """The uploaded file is no longer waiting for its confirmation (expired, or never was)."""


class SharedUploadStorage(CacheStorage):
    """An upload waits for its confirmation in the cache every host shares (Redis in production),
    not in one host's /tmp, so the confirmation may land on any host. Its name only ever reads the
    import's own keys."""

    def read(self) -> Any:
        data = super().read()
        if data is None:
            raise UploadGone
        return data


class CompanyImportExport(ImportExportMixin, ExportActionMixin):
    """Import with a preview of every row (and its errors) before anything is saved; Export of
    the list as filtered; the "Export selected companies" action."""

    formats = [CSV, XLSX]
    # Every row's errors in plain sight (templates/admin/members/company/import.html).
    import_template_name = "admin/members/company/import.html"
    # The field picker's page needs inline script and style, which the CSP refuses; every column
    # is exported, which is also what an import takes back.
    export_form_class = ExportForm
    tmp_storage_class = SharedUploadStorage
    # The change form stays the company admin's own, without an export button.
    change_form_template = None
    show_change_form_export = False

    def _import_url(self) -> str:
        return reverse("admin:{}_{}_import".format(*self.get_model_info()))

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        # The library indexes its lists with these hidden fields unchecked: a 400, not a 500.
        formats, resources = self.get_import_formats(), self.get_import_resource_classes(request)
        if not (
            _index_below(request.POST.get("format", "0"), len(formats))
            and _index_below(request.POST.get("resource") or "0", len(resources))
        ):
            return HttpResponseBadRequest("Unknown file format or resource.")
        try:
            return super().process_import(request, **kwargs)
        except UploadGone:
            messages.error(request, "The uploaded file has expired. Please import it again.")
            return HttpResponseRedirect(self._import_url())

    def process_result(self, result: Any, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            # The directory changed between the preview and the confirmation; all rolled back.
            messages.error(
                request,
                "Nothing was imported: the file no longer imports cleanly. Please import it "
                "again to see the rows with errors.",
            )
            return HttpResponseRedirect(self._import_url())
        return super().process_result(result, request)

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Action]:
        """Django's actions, and "Export selected companies" on the list. (import-export's own
        override has the signature from before Django 6.1, for which Django switches off every
        action on the change form.)"""
        actions = super(ExportActionMixin, self).get_actions(
            request, action_location=action_location
        )
        if action_location == ActionLocation.CHANGE_LIST and self.has_export_permission(request):
            description = "Export selected %(verbose_name_plural)s"
            actions["export_admin_action"] = Action(
                func=type(self).export_admin_action,
                name="export_admin_action",
                description=description,
                plural_description=description,
                locations=[ActionLocation.CHANGE_LIST],
            )
        return actions

    def get_valid_export_item_pks(self, request: HttpRequest) -> models.QuerySet:
        """The selected companies that exist (the library's default lists every company)."""
        selected = [pk for pk in request.POST.getlist("export_items") if pk.isdigit()]
        return self.get_queryset(request).filter(pk__in=selected).values_list("pk", flat=True)


def _index_below(value: str, length: int) -> bool:
    return value.isdigit() and int(value) < length
