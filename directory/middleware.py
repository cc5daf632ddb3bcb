"""Site-wide middleware: malformed addresses get a 4xx answer, never a 500 or a page that pretends
all is well; every response says which browser features the site does not use."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.admin import ModelAdmin
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ERROR_FLAG, ORDER_VAR, PAGE_VAR
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

View = Callable[..., HttpResponse]


class RefuseNullCharacterMiddleware:
    """A NUL character in the path is not found (404), and in the admin's query string is a bad
    request (400).

    PostgreSQL refuses any text holding one, so a value with ``%00`` in it that reaches a query
    fails there with a 500: an entry id in an admin path, an admin filter or an autocomplete
    term, which the admin hands to the database as they come. No address has a NUL in its path,
    so none names anything. The public pages clean their own query parameters instead (the buyer
    search drops NULs and answers), so their query strings are left to them.
    """

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: View,
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if "\x00" in request.path_info:
            raise Http404("No address has a null character.")
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces and _query_has_null(request):
            return HttpResponseBadRequest(
                "Bad request: the address holds a null character.", content_type="text/plain"
            )
        return None


def _query_has_null(request: HttpRequest) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` on every response, from ``settings.PERMISSIONS_POLICY``.

    Each feature the site does not use is switched off for its pages and anything they embed,
    so a script that slips in cannot ask for the camera, a location or a payment. Django has no
    setting for this header.
    """

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


# The admin list's sort (ORDER_VAR): column numbers, each perhaps negated, joined by dots.
ADMIN_ORDER = re.compile(r"-?\d{1,3}(\.-?\d{1,3})*")
ADMIN_PAGE = re.compile(r"[1-9]\d{0,8}")


class AdminBadRequestMiddleware:
    """Staff get a 4xx for an admin address that cannot be honoured, instead of the admin's own
    answers: a list filter it cannot apply redirects to the whole list with ``?e=1``, and that
    flag with the bad filter shows a page titled "Database error" with a 200; an unreadable sort
    or page number is silently ignored; simple-history's history pages crash (500) on an object
    or version id of the wrong type.

    Only for staff, who may use the admin: everyone else is turned away by the admin itself.
    """

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        model_admin = getattr(request, "_admin_list_of", None)
        if model_admin is not None and _is_error_flag_redirect(request, response):
            return _bad_list_request(request, model_admin)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: View,
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        model_admin = _model_admin(view_func)
        if model_admin is None or not model_admin.admin_site.has_permission(request):
            return None
        url_name = (request.resolver_match.url_name if request.resolver_match else "") or ""
        if url_name.endswith("_changelist"):
            request._admin_list_of = model_admin  # type: ignore[attr-defined]
            if not _list_parameters_readable(request):
                return _bad_list_request(request, model_admin)
        elif url_name.endswith("_simple_history"):  # its URL passes both ids by position
            _check_ids(request, model_admin, view_args[0], view_args[1])
        elif "object_id" in view_kwargs:
            _check_ids(request, model_admin, view_kwargs["object_id"])
        return None


def _model_admin(view_func: View) -> ModelAdmin | None:
    """The ModelAdmin whose view this is: the admin wraps each bound method of one."""
    owner = getattr(getattr(view_func, "__wrapped__", None), "__self__", None)
    return owner if isinstance(owner, ModelAdmin) else None


def _list_parameters_readable(request: HttpRequest) -> bool:
    # ERROR_FLAG is only ever set by the admin's own redirect, which __call__ replaces.
    if ERROR_FLAG in request.GET:
        return False
    order, page = request.GET.get(ORDER_VAR), request.GET.get(PAGE_VAR)
    if order and not ADMIN_ORDER.fullmatch(order):
        return False
    return not page or bool(ADMIN_PAGE.fullmatch(page))


def _is_error_flag_redirect(request: HttpRequest, response: HttpResponse) -> bool:
    """The admin's answer to a filter or page it could not apply (IncorrectLookupParameters)."""
    return (
        response.status_code == 302 and response.get("Location") == f"{request.path}?{ERROR_FLAG}=1"
    )


def _bad_list_request(request: HttpRequest, model_admin: ModelAdmin) -> HttpResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "This list cannot be shown that way",
        "opts": model_admin.opts,
        "list_url": request.path,
    }
    return render(request, "admin/bad_list_request.html", context, status=400)


def _check_ids(
    request: HttpRequest, model_admin: ModelAdmin, object_id: str, version_id: str | None = None
) -> None:
    """404 for an object or history version id that cannot name a row of its model."""
    if TO_FIELD_VAR in request.GET:  # a popup may name the object by another field
        return
    fields = [(model_admin.model._meta.pk, object_id)]
    if version_id is not None:
        history = model_admin.model.history
        fields.append((history.model._meta.pk, version_id))
    for field, value in fields:
        try:
            field.to_python(unquote(value))
        except ValidationError:
            raise Http404("No such entry.") from None
