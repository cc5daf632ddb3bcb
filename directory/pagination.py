"""Paging that forgives any ``page`` value: a buyer always lands on a real page."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def forgiving_page(items: Sequence | QuerySet | np.ndarray, per_page: int, raw: str | None) -> Page:
    """Page ``raw`` of ``items``: page 1 for nonsense, zero or negatives; the last page past it."""
    try:
        number = int(str(raw).strip()) if raw is not None else 1
    except ValueError:
        number = 1
    paginator = Paginator(items, per_page)
    return paginator.get_page(max(1, min(number, paginator.num_pages)))
