"""Comments on objectives, key results and check-ins (PUB-3), with the pages' rules (`qibu.discuss.access`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from qibu.api.okrs import caller
from qibu.api.pagination import paginate
from qibu.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    CommentCreate,
    CommentFilters,
    CommentOut,
    CommentPage,
    CommentUpdate,
    PageQuery,
    PathId,
)
from qibu.discuss import access, services
from qibu.discuss.models import Comment
from qibu.discuss.selectors import comments_query
from qibu.okrs.access import objective_for
from qibu.okrs.models import CheckIn, KeyResult
from qibu.org.models import Person

router = Router(tags=["comments"])


def comment_out(comment: Comment, viewer: Person, notices: list[str] | None = None) -> dict[str, Any]:
    """Needs the comment's mentions prefetched (or read afresh after a write)."""
    readable = not comment.is_hidden or access.can_read_hidden(viewer)
    return {
        "id": comment.pk,
        "objective": comment.objective_id,
        "key_result": comment.key_result_id,
        "check_in": comment.check_in_id,
        "author": comment.author_id,
        "text": comment.text if readable else None,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "hidden": comment.is_hidden,
        "mentions": [m.person_id for m in comment.mentions.all()],
        "notices": notices or [],
    }


def _refuse() -> PermissionDenied:
    return PermissionDenied(_("Only its author may change or delete a comment; administrators hide it."))


@router.get("/comments", response={200: CommentPage, **ERRORS}, summary="List an objective's comments, oldest first")
def comments_list(request: HttpRequest, filters: Query[CommentFilters], paging: Query[PageQuery]) -> dict[str, Any]:
    person = caller(request)
    objective, _editable = objective_for(person, filters.objective)
    items, meta = paginate(comments_query().filter(objective=objective).order_by("created_at", "id"), paging)
    return {**meta, "items": [comment_out(c, person) for c in items]}


def _reference(model: type[KeyResult] | type[CheckIn], field: str, pk: int | None) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("This is not part of this objective.")]})
    return found


@router.post("/comments", response={201: CommentOut, **WRITE_ERRORS}, summary="Comment (PUB-3)")
def comment_create(request: HttpRequest, payload: CommentCreate) -> Status[dict[str, Any]]:
    """The objective's owner is told, and everyone mentioned who may see the objective; `notices` names the
    others."""
    person = caller(request)
    objective, _editable = objective_for(person, payload.objective)
    if not access.can_comment(person, objective):
        raise PermissionDenied
    result = services.comment_create(
        actor=person,
        objective=objective,
        text=payload.text,
        key_result=_reference(KeyResult, "key_result", payload.key_result),
        check_in=_reference(CheckIn, "check_in", payload.check_in),
    )
    comment = comments_query().get(pk=result.comment.pk)
    return Status(201, comment_out(comment, person, result.notices))


@router.patch("/comments/{comment_id}", response={200: CommentOut, **WRITE_ERRORS}, summary="Change a comment")
def comment_update(request: HttpRequest, payload: CommentUpdate, comment_id: PathId) -> dict[str, Any]:
    person = caller(request)
    comment = access.comment_for(person, comment_id)
    data = payload.model_dump(exclude_unset=True)
    if "text" in data and not access.can_edit_text(person, comment):
        raise _refuse()
    if "hidden" in data and not access.can_hide(person, comment):
        raise _refuse()
    notices: list[str] = []
    if "text" in data:
        notices = services.comment_update(actor=person, comment=comment, text=data["text"]).notices
    if "hidden" in data:
        services.comment_hide(actor=person, comment=comment, hidden=data["hidden"])
    return comment_out(comments_query().get(pk=comment.pk), person, notices)


@router.delete("/comments/{comment_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a comment")
def comment_delete(request: HttpRequest, comment_id: PathId) -> Status[None]:
    person = caller(request)
    comment = access.comment_for(person, comment_id)
    if not access.can_change(person, comment):
        raise _refuse()
    services.comment_delete(actor=person, comment=comment)
    return Status(204, None)
