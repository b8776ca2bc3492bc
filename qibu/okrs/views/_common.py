"""What the OKR views share: who asks and in which organisation, whether htmx asks, where to go back to,
lenient parsing of submitted values, and the one permission lookup for a key result.

Nothing here renders; the modules beside it import these by name (they are private to `qibu.okrs.views`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from qibu.okrs.access import objective_for
from qibu.okrs.models import KeyResult, KeyResultKind, Objective, Status
from qibu.org.models import Person

# The company objectives shown beside my OKRs and the editor (VIS-1): the first few by priority.
CONTEXT_OBJECTIVES_LIMIT = 10


def _person(request: HttpRequest) -> Person:
    return request.user  # type: ignore[return-value]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date_or_none(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _plain(value: Decimal | None) -> str:
    """A Decimal for an input field: no grouping, no trailing zeros, no exponent."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _is_open(objective: Objective) -> bool:
    return not objective.cycle.is_closed and objective.status != Status.CLOSED


class _Rollback(Exception):
    """Raised inside an atomic block to undo every write of one user action."""


def _key_result_for(person: Person, pk: int) -> tuple[KeyResult, Objective, bool]:
    """The key result with its objective, if `person` may see the objective (else 404).

    Milestones are read only for a key result made of them: no other kind shows or changes any."""
    kr = KeyResult.objects.select_related("owner").filter(pk=pk).first()
    if kr is None:
        raise Http404
    objective, editable = objective_for(person, kr.objective_id)
    kr.objective = objective
    if kr.kind == KeyResultKind.MILESTONES:
        prefetch_related_objects([kr], "milestones")
    return kr, objective, editable
