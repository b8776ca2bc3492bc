"""Page-number paging shared by every list: `?page=&page_size=` → {items, count, page, page_size}."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, overload

from django.db.models import Model, QuerySet

from qibu.api.schemas import PageQuery

M = TypeVar("M", bound=Model)


@overload
def paginate(
    queryset: QuerySet[M], paging: PageQuery, *, counted: QuerySet[Any] | None = ...
) -> tuple[list[M], dict[str, Any]]: ...


@overload
def paginate(
    queryset: QuerySet[Any],
    paging: PageQuery,
    *,
    rows: QuerySet[M],
    key: str = ...,
    order: Sequence[str] | None = ...,
    counted: QuerySet[Any] | None = ...,
) -> tuple[list[M], dict[str, Any]]: ...


def paginate(
    queryset: QuerySet[Any],
    paging: PageQuery,
    *,
    rows: QuerySet[Any] | None = None,
    key: str = "pk",
    order: Sequence[str] | None = None,
    counted: QuerySet[Any] | None = None,
) -> tuple[list[Any], dict[str, Any]]:
    """One page of the (ordered) queryset and the page's counters; at most two queries plus prefetches.

    With `rows`, the filter and the sort run on `queryset` reduced to the primary keys of `rows` (its `key`
    field: its own primary key by default), and `rows` (with its joins, annotations and prefetches) loads
    only the page's rows, sorted by `order` (by default the order of `queryset`, which must then give the
    same sequence): what is shown no longer costs more when more rows match.

    The count is a query only when the page does not tell it: a page that is neither full nor past the end
    is the last one, so everything matching is before it or on it. `counted`, when given, is the same set of
    rows written the way that counts fastest (the cheapest way to find one page is not always the cheapest
    way to count them all).
    """
    offset = (paging.page - 1) * paging.page_size
    end = offset + paging.page_size
    if rows is None:
        items = list(queryset[offset:end])
    else:
        keys = queryset.values(key)[offset:end]
        sort: Sequence[Any] = order or queryset.query.order_by or queryset.model._meta.ordering or ()
        items = list(rows.filter(pk__in=keys).order_by(*sort))
    last_page = 0 < len(items) < paging.page_size or (offset == 0 and not items)
    count = offset + len(items) if last_page else (queryset if counted is None else counted).count()
    meta = {"count": count, "page": paging.page, "page_size": paging.page_size}
    return items, meta
