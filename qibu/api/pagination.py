"""Page-number paging shared by every list: `?page=&page_size=` → {items, count, page, page_size}."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from qibu.api.schemas import PageQuery

M = TypeVar("M", bound=Model)


def paginate(queryset: QuerySet[M], paging: PageQuery) -> tuple[list[M], dict[str, Any]]:
    """One page of the (ordered) queryset and the page's counters; two queries plus its prefetches."""
    offset = (paging.page - 1) * paging.page_size
    items = list(queryset[offset : offset + paging.page_size])
    meta = {"count": queryset.count(), "page": paging.page, "page_size": paging.page_size}
    return items, meta
