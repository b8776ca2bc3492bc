"""Reflection (REF-1 … REF-5): the department's and the management's reflections on a period, from the aggregated
self-assessment data (REF-4); their measures for the next period (REF-2) and the managers' accounts (REF-3).
The rules (`qibu.reflect.access`): a department's reflection is seen by its people, its heads, the managers above
and administrators, and written by its heads and administrators; the management's is seen by the managers
(executives, department heads) and administrators and written by executives and administrators, each manager
writing their own account. 404 when invisible, 403 when visible but not writable; bad input is 422 naming the
field, nothing written. No blame (REF-5): the aim is improvement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS, WRITE_ERRORS, Confidence, DecimalOut, Id, InputSchema, PathId, Title
from qibu.core.validation import NOTE_MAX, TEXT_MAX
from qibu.cycles.models import Cycle
from qibu.org.models import Department
from qibu.org.selectors import organisation_get
from qibu.reflect import services
from qibu.reflect.access import ReflectionRights, can_write_department, measure_for, reflection_for
from qibu.reflect.models import Measure, Reflection, ReflectionKind, ReflectionState
from qibu.reflect.selectors import ReflectionPage, recent_periods, reflection_page, visible_reflections

router = Router(tags=["reflect"])


class ReflectionOut(Schema):
    id: int
    kind: ReflectionKind
    department: int | None
    department_name: str
    cycle: int
    cycle_name: str
    state: ReflectionState
    summary: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    measures: int
    open_measures: int


class BandOut(Schema):
    band: str = Field(description="low (below the standard reward), standard, rich (REF-4)")
    score_from: DecimalOut | None
    score_to: DecimalOut | None
    count: int
    share: int = Field(description="Percent of the scores.")


class AverageOut(Schema):
    name: str
    average: DecimalOut
    count: int
    low: int
    standard: int
    rich: int


class GapOut(Schema):
    title: str
    objective_title: str
    expected: DecimalOut = Field(description="The confidence at the start, as a score.")
    actual: DecimalOut
    gap: DecimalOut = Field(description="Expected minus actual (REF-5).")


class ConfidenceWeekOut(Schema):
    start: dt.date
    confidence: Confidence
    count: int


class KeywordOut(Schema):
    word: str
    count: int
    causes: list[str]


class AggregatesOut(Schema):
    scored: int
    people: int
    expected_people: int
    average: DecimalOut | None
    bands: list[BandOut]
    objectives: list[AverageOut]
    people_averages: list[AverageOut]
    groups: list[AverageOut] = Field(description="By team (a department's), by department (the management's).")
    gaps: list[GapOut]
    weeks: list[ConfidenceWeekOut]
    keywords: list[KeywordOut]


class MeasureOut(Schema):
    id: int
    title: str
    owner: int
    owner_name: str
    due_date: dt.date
    key_result: int | None
    done_at: dt.datetime | None


class AccountOut(Schema):
    manager: int
    manager_name: str
    written: bool
    how_used: str
    plan_next: str


class ReflectionDetailOut(ReflectionOut):
    can_write: bool
    next_period: int | None
    aggregates: AggregatesOut
    measure_list: list[MeasureOut]
    accounts: list[AccountOut] = Field(description="REF-3, the management's: every manager, written or not.")


class OpenIn(InputSchema):
    cycle: Id
    department: Id | None = Field(None, description="Left out: the management reflection.")


class CloseIn(InputSchema):
    summary: str = Field(max_length=TEXT_MAX, description="What was learned; needed.")


class MeasureIn(InputSchema):
    title: Title
    owner: Id
    due_date: dt.date = Field(description="In the next period.")
    key_result: Id | None = None


class DoneIn(InputSchema):
    done: bool = True


class AccountIn(InputSchema):
    how_used: str = Field(max_length=NOTE_MAX)
    plan_next: str = Field(max_length=NOTE_MAX)


def _listed(r: Reflection, measures: int, open_measures: int) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "department": r.department_id,
        "department_name": r.department.name if r.department else "",
        "cycle": r.cycle_id,
        "cycle_name": r.cycle.name,
        "state": r.state,
        "summary": r.summary,
        "opened_at": r.opened_at,
        "closed_at": r.closed_at,
        "measures": measures,
        "open_measures": open_measures,
    }


def _measure(m: Measure) -> dict[str, Any]:
    return {
        "id": m.pk,
        "title": m.title,
        "owner": m.owner_id,
        "owner_name": str(m.owner),
        "due_date": m.due_date,
        "key_result": m.key_result_id,
        "done_at": m.done_at,
    }


def _average(a: Any) -> dict[str, Any]:
    low, standard, rich = a.bands
    return {"name": a.name, "average": a.average, "count": a.count, "low": low, "standard": standard, "rich": rich}


def _detail(page: ReflectionPage) -> dict[str, Any]:
    r, d = page.reflection, page.aggregates
    measures = [row.measure for row in page.measures]
    out = _listed(r, len(measures), sum(1 for m in measures if m.done_at is None))
    out.update(
        can_write=page.rights.write,
        next_period=page.next_period.pk if page.next_period else None,
        measure_list=[_measure(m) for m in measures],
        accounts=[
            {
                "manager": a.manager.pk,
                "manager_name": str(a.manager),
                "written": a.account is not None,
                "how_used": a.account.how_used if a.account else "",
                "plan_next": a.account.plan_next if a.account else "",
            }
            for a in page.accounts
        ],
        aggregates={
            "scored": d.scored,
            "people": d.people,
            "expected_people": d.expected_people,
            "average": d.average,
            "bands": [
                {"band": b.key, "score_from": b.label_from, "score_to": b.label_to, "count": b.count, "share": b.share}
                for b in d.bands
            ],
            "objectives": [_average(a) for a in d.objectives],
            "people_averages": [_average(a) for a in d.people_averages],
            "groups": [_average(a) for a in d.groups],
            "gaps": [g.__dict__ for g in d.gaps],
            "weeks": [w.__dict__ for w in d.weeks],
            "keywords": [k.__dict__ for k in d.keywords],
        },
    )
    return out


def _page(request: HttpRequest, reflection: Reflection, rights: ReflectionRights) -> dict[str, Any]:
    page = reflection_page(
        reflection=reflection, rights=rights, viewer=caller(request), organisation=organisation_get()
    )
    return _detail(page)


def _writable(request: HttpRequest, pk: int, *, account: bool = False) -> tuple[Reflection, ReflectionRights]:
    reflection, rights = reflection_for(caller(request), pk)
    if not (rights.account if account else rights.write):
        raise PermissionDenied(_("You may see this reflection but not write it."))
    return reflection, rights


@router.get("/reflections", response={200: list[ReflectionOut], **ERRORS}, summary="Reflections")
def reflection_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The reflections of the current and the last period you may see, the management's first."""
    organisation = organisation_get()
    periods = recent_periods(organisation, timezone.localdate(timezone.now(), organisation.zone))
    return [
        _listed(row.reflection, row.measures, row.open_measures)
        for row in visible_reflections(viewer=caller(request), cycles=periods)
    ]


@router.post("/reflections/open", response={200: ReflectionDetailOut, **WRITE_ERRORS}, summary="Open a reflection")
def reflection_open(request: HttpRequest, payload: OpenIn) -> dict[str, Any]:
    """REF-1: open now (idempotent): a department's by its head or an administrator; the management's (no
    department) by an executive or an administrator. The period is the current or the last one."""
    person = caller(request)
    organisation = organisation_get()
    periods = {c.pk: c for c in recent_periods(organisation, timezone.localdate(timezone.now(), organisation.zone))}
    cycle: Cycle | None = periods.get(payload.cycle)
    if cycle is None:
        raise Http404
    department = None
    if payload.department is not None:
        department = Department.objects.select_related("head").filter(pk=payload.department).first()
        if department is None:
            raise Http404
    allowed = person.is_executive if department is None else can_write_department(person, department)
    if not allowed:
        raise PermissionDenied(_("You may not open this reflection."))
    reflection = services.reflection_open(actor=person, cycle=cycle, department=department)
    return _page(request, *reflection_for(person, reflection.pk))


@router.get("/reflections/{reflection_id}", response={200: ReflectionDetailOut, **ERRORS}, summary="A reflection")
def reflection_get(request: HttpRequest, reflection_id: PathId) -> dict[str, Any]:
    """With the aggregated self-assessment data (REF-4), the measures and the managers' accounts."""
    return _page(request, *reflection_for(caller(request), reflection_id))


@router.post(
    "/reflections/{reflection_id}/close",
    response={200: ReflectionDetailOut, **WRITE_ERRORS},
    summary="Close a reflection",
)
def reflection_close(request: HttpRequest, reflection_id: PathId, payload: CloseIn) -> dict[str, Any]:
    reflection, _rights = _writable(request, reflection_id)
    services.reflection_close(actor=caller(request), reflection=reflection, summary=payload.summary)
    return _page(request, *reflection_for(caller(request), reflection_id))


@router.post(
    "/reflections/{reflection_id}/reopen",
    response={200: ReflectionDetailOut, **WRITE_ERRORS},
    summary="Reopen a reflection",
)
def reflection_reopen(request: HttpRequest, reflection_id: PathId) -> dict[str, Any]:
    reflection, _rights = _writable(request, reflection_id)
    services.reflection_reopen(actor=caller(request), reflection=reflection)
    return _page(request, *reflection_for(caller(request), reflection_id))


@router.post(
    "/reflections/{reflection_id}/measures",
    response={201: MeasureOut, **WRITE_ERRORS},
    summary="Record a measure (REF-2)",
)
def measure_create(request: HttpRequest, reflection_id: PathId, payload: MeasureIn) -> Status[dict[str, Any]]:
    """The owner one of the department's people (a manager, in the management's), due in the next period."""
    reflection, _rights = _writable(request, reflection_id)
    measure = services.measure_create(
        actor=caller(request),
        reflection=reflection,
        title=payload.title,
        owner_id=payload.owner,
        due_date=payload.due_date,
        key_result_id=payload.key_result,
    )
    return Status(201, _measure(measure))


@router.post(
    "/reflections/measures/{measure_id}/done",
    response={200: MeasureOut, **WRITE_ERRORS},
    summary="Mark a measure done",
)
def measure_done(request: HttpRequest, measure_id: PathId, payload: DoneIn) -> dict[str, Any]:
    """By its owner or the department's head; done false marks it not done again."""
    person = caller(request)
    measure, may = measure_for(person, measure_id)
    if not may:
        raise PermissionDenied(_("Only the measure's owner or the department's head marks it done."))
    return _measure(services.measure_done(actor=person, measure=measure, done=payload.done))


@router.put(
    "/reflections/{reflection_id}/account",
    response={200: AccountOut, **WRITE_ERRORS},
    summary="Write my manager's account (REF-3)",
)
def account_upsert(request: HttpRequest, reflection_id: PathId, payload: AccountIn) -> dict[str, Any]:
    reflection, _rights = _writable(request, reflection_id, account=True)
    person = caller(request)
    account = services.account_save(
        actor=person, reflection=reflection, how_used=payload.how_used, plan_next=payload.plan_next
    )
    return {
        "manager": person.pk,
        "manager_name": str(person),
        "written": True,
        "how_used": account.how_used,
        "plan_next": account.plan_next,
    }
