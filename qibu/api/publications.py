"""Publications (PUB-1, PUB-2): read by anyone signed in, each entry filtered as the pages filter it; published by
administrators and executives (the mails are built by the worker, so the call answers at once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from qibu.api.okrs import caller
from qibu.api.pagination import paginate
from qibu.api.schemas import ERRORS, MAX_ID, WRITE_ERRORS, Id, InputSchema, PageOut, PageQuery, PathId, QuerySchema
from qibu.core.numbers import NumberFormat
from qibu.core.validation import TEXT_MAX
from qibu.cycles.models import Cycle
from qibu.publish import access, selectors, services
from qibu.publish.models import Entry, Part, Publication, State

router = Router(tags=["publications"])


class MissingOut(Schema):
    kind: str = Field(description="`person` or `department`.")
    id: int
    name: str
    reason: str = Field(description="`draft`: objectives not approved yet; `none`: no objectives in the quarter.")


class ChangeOut(Schema):
    change: str = Field(description="`added`, `removed`, `retitled` or `target`.")
    what: str = Field(description="`objective` or `key_result`.")
    title: str
    objective: str = Field(description="For a key result: its objective's title.")
    before: str
    after: str


class MailingOut(Schema):
    recipients: int
    built: int
    queued: int
    sent: int
    failed: int


class PublicationOut(Schema):
    id: int
    cycle: int
    edition: int | None = Field(
        description="1 for the quarter's first publication, 2 for the next …; none until it is compiled."
    )
    state: str = Field(
        description="compiling (the worker copies the OKRs; the request answered at once), published, failed "
        "(`error` says why; an administrator retries it on its progress page) or unchanged (the same as `same_as`: "
        "nothing published again, nobody mailed again)."
    )
    error: str = Field(description="Why compiling failed (to those who publish), else empty.")
    same_as: int | None = Field(description="For an unchanged publication: the one it would have repeated.")
    previous_cycle: int | None
    published_at: dt.datetime
    published_by: int | None
    message: str = Field(description="The leaders' message (PUB-3), plain text.")
    missing: list[MissingOut]
    changes: list[ChangeOut] = Field(description="What changed since the previous publication, as the caller may see.")
    counts: dict[str, int] = Field(description="Entries per part the caller may read.")


class PublicationPage(PageOut):
    items: list[PublicationOut]


class PublicationFilters(QuerySchema):
    cycle: int | None = Field(None, ge=1, le=MAX_ID, description="Only this quarter's publications.")


class KeyResultEntryOut(Schema):
    id: int
    title: str
    kind: str
    start: str | None
    target: str | None
    unit: str
    low: str | None
    high: str | None
    owner: str
    progress: str | None
    score: str | None


class EntryOut(Schema):
    objective: int
    part: Part
    level: str
    title: str
    owner: int | None
    owner_name: str
    department: int | None
    department_name: str
    team_name: str
    visibility: str
    progress: str
    score: str | None
    parents: list[str]
    key_results: list[KeyResultEntryOut]


class EntryPage(PageOut):
    items: list[EntryOut]


class EntryFilters(QuerySchema):
    part: Part | None = None


class PublishIn(InputSchema):
    cycle: Id
    message: str = Field(max_length=TEXT_MAX, description="The leaders' message: why these OKRs matter (PUB-3).")
    anyway: bool = Field(False, description="Publish although some people or departments are not ready.")


def publication_out(publication: Publication, viewer: Any, counts: dict[str, int] | None = None) -> dict[str, Any]:
    changes = selectors.change_lines(NumberFormat(), viewer, publication.changes)
    return {
        "id": publication.pk,
        "cycle": publication.cycle_id,
        "edition": publication.number,
        "state": publication.state,
        "error": publication.error if access.can_publish(viewer) else "",
        "same_as": publication.same_as_id,
        "previous_cycle": publication.previous_cycle_id,
        "published_at": publication.published_at,
        "published_by": publication.published_by_id,
        "message": publication.message,
        "missing": publication.missing,
        "changes": [
            {
                "change": c.change,
                "what": c.what,
                "title": c.title,
                "objective": c.objective,
                "before": c.before,
                "after": c.after,
            }
            for c in changes
        ],
        "counts": counts if counts is not None else {},
    }


def _entry_out(entry: Entry) -> dict[str, Any]:
    return {
        "objective": entry.objective_id,
        "part": entry.part,
        "level": entry.level,
        "title": entry.title,
        "owner": entry.owner_id,
        "owner_name": entry.owner_name,
        "department": entry.department_id,
        "department_name": entry.department_name,
        "team_name": entry.team_name,
        "visibility": entry.visibility,
        "progress": format(entry.progress, "f"),
        "score": None if entry.score is None else format(entry.score, "f"),
        "parents": entry.parents,
        "key_results": [
            {key: kr.get(key) for key in KeyResultEntryOut.model_fields} | {"unit": kr.get("unit") or ""}
            for kr in entry.key_results
        ],
    }


def _readable(person: Any, publication_id: int) -> Publication:
    """The publication, if published or the caller publishes (else 404: a publication compiling is theirs)."""
    publication = access.publication_for(publication_id)
    if not publication.is_published and not access.can_publish(person):
        raise Http404
    return publication


def _counts(publication: Publication, viewer: Any) -> dict[str, int]:
    from django.db.models import Count

    rows = selectors.readable_entries(publication, viewer).values("part").annotate(n=Count("id"))
    return {row["part"]: row["n"] for row in rows}


@router.get("/publications", response={200: PublicationPage, **ERRORS}, summary="List publications")
def publications_list(
    request: HttpRequest, filters: Query[PublicationFilters], paging: Query[PageQuery]
) -> dict[str, Any]:
    person = caller(request)
    publications = Publication.objects.order_by("-published_at", "-id")
    if not access.can_publish(person):
        publications = publications.filter(state=State.PUBLISHED)
    if filters.cycle is not None:
        publications = publications.filter(cycle_id=filters.cycle)
    items, meta = paginate(publications, paging)
    return {**meta, "items": [publication_out(p, person) for p in items]}


@router.get("/publications/{publication_id}", response={200: PublicationOut, **ERRORS}, summary="Get a publication")
def publication_get(request: HttpRequest, publication_id: PathId) -> dict[str, Any]:
    person = caller(request)
    publication = _readable(person, publication_id)
    return publication_out(publication, person, _counts(publication, person))


@router.get(
    "/publications/{publication_id}/entries",
    response={200: EntryPage, **ERRORS},
    summary="List a publication's objectives",
)
def publication_entries(
    request: HttpRequest, publication_id: PathId, filters: Query[EntryFilters], paging: Query[PageQuery]
) -> dict[str, Any]:
    person = caller(request)
    publication = _readable(person, publication_id)
    entries = selectors.readable_entries(publication, person).order_by("part", "position", "id")
    if filters.part is not None:
        entries = entries.filter(part=filters.part)
    items, meta = paginate(entries, paging)
    return {**meta, "items": [_entry_out(e) for e in items]}


@router.post("/publications", response={201: PublicationOut, **WRITE_ERRORS}, summary="Publish a quarter")
def publication_publish(request: HttpRequest, payload: PublishIn) -> Status[dict[str, Any]]:
    person = caller(request)
    if not access.can_publish(person):
        raise PermissionDenied(_("Only administrators and executives publish a quarter."))
    cycle = Cycle.objects.filter(pk=payload.cycle).first()
    if cycle is None:
        raise Http404
    publication = services.publication_publish(
        actor=person, cycle=cycle, message=payload.message, anyway=payload.anyway
    )
    return Status(201, publication_out(publication, person, _counts(publication, person)))
