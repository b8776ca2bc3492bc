"""Reading comments: an objective's comments as its page shows them (newest last), in two queries whatever their
number — the comments with their authors, key results and check-ins, then the people they mention."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format

from qibu.discuss import access
from qibu.discuss.mentions import mention_spans
from qibu.discuss.models import Comment, Mention
from qibu.okrs.models import CheckIn, KeyResult, Objective
from qibu.okrs.panels import CheckInRef, PanelPage
from qibu.org.models import Person

# The latest comments an objective's page shows; the API pages through all of them.
COMMENT_LIST_LIMIT = 200
# Check-ins offered to comment on (the newest of the page's list).
CHECKIN_CHOICES = 20


@dataclass(frozen=True)
class Segment:
    """A piece of a comment's text: plain, or a mention of a person (`person_id`)."""

    text: str
    person_id: int | None = None


@dataclass(frozen=True)
class CommentLine:
    comment: Comment
    author: str
    key_result: str  # the title of the key result it is about, or ""
    check_in_at: dt.datetime | None  # when the check-in it is about was made
    segments: list[Segment]  # empty when hidden from the viewer
    hidden: bool
    text_shown: bool  # False: the viewer reads "hidden by an administrator"
    may_edit: bool
    may_delete: bool
    may_hide: bool

    @property
    def edited(self) -> bool:
        return self.comment.edited_at is not None


def segments_of(text: str, people: Iterable[Person]) -> list[Segment]:
    """The text cut around its mentions of `people` (those it was found to mention when written)."""
    segments: list[Segment] = []
    position = 0
    for span in mention_spans(text, people):
        if span.person is None:
            continue
        if span.start > position:
            segments.append(Segment(text[position : span.start]))
        segments.append(Segment(text[span.start : span.end], span.person.pk))
        position = span.end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def comments_query() -> Any:
    return Comment.objects.select_related("author", "key_result", "check_in").prefetch_related(
        Prefetch("mentions", queryset=Mention.objects.select_related("person").order_by("pk"))
    )


def comment_line(comment: Comment, viewer: Person) -> CommentLine:
    readable = not comment.is_hidden or access.can_read_hidden(viewer)
    people = [m.person for m in comment.mentions.all()]
    return CommentLine(
        comment=comment,
        author=str(comment.author) if comment.author else "",
        key_result=comment.key_result.title if comment.key_result else "",
        check_in_at=comment.check_in.created_at if comment.check_in else None,
        segments=segments_of(comment.text, people) if readable else [],
        hidden=comment.is_hidden,
        text_shown=readable,
        may_edit=access.can_edit_text(viewer, comment),
        may_delete=access.can_change(viewer, comment),
        may_hide=access.can_hide(viewer, comment),
    )


@dataclass(frozen=True)
class CommentList:
    lines: list[CommentLine]
    more: bool  # older comments are not shown


def objective_comments(objective: Objective, viewer: Person, *, limit: int = COMMENT_LIST_LIMIT) -> CommentList:
    """The objective's latest comments, oldest first, for a viewer who may see it (two queries)."""
    newest = list(comments_query().filter(objective=objective).order_by("-created_at", "-id")[: limit + 1])
    more = len(newest) > limit
    comments = newest[:limit][::-1]
    for comment in comments:
        comment.objective = objective
    return CommentList([comment_line(c, viewer) for c in comments], more)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    key_result: str = ""


def about_choices(key_results: list[KeyResult], checkins: list[CheckInRef]) -> list[Choice]:
    """What a new comment may be about: the objective (""), a key result ("kr-5"), a check-in ("checkin-9")."""
    choices = [Choice("", "")]
    choices += [Choice(f"kr-{kr.pk}", kr.title) for kr in key_results]
    choices += [Choice(f"checkin-{c.id}", c.at, c.key_result) for c in checkins[:CHECKIN_CHOICES]]
    return choices


def latest_checkins(objective: Objective) -> list[CheckInRef]:
    """The newest check-ins of the objective to offer, for a page other than the objective's (one query)."""
    rows = (
        CheckIn.objects.filter(key_result__objective=objective)
        .order_by("-created_at", "-id")
        .values_list("pk", "key_result__title", "created_at")[:CHECKIN_CHOICES]
    )
    return [
        CheckInRef(pk, title, date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")) for pk, title, at in rows
    ]


def comments_context(
    *,
    viewer: Person,
    objective: Objective,
    key_results: list[KeyResult],
    checkins: list[CheckInRef],
    form: Any = None,
    notices: Iterable[str] = (),
) -> dict[str, Any]:
    """What `discuss/_comments.html` shows: the comments, the form to add one, and notices of the last one."""
    from qibu.discuss.forms import CommentForm

    listed = objective_comments(objective, viewer)
    may_comment = access.can_comment(viewer, objective)
    choices = about_choices(key_results, checkins)
    return {
        "objective": objective,
        "comments": listed.lines,
        "more": listed.more,
        "may_comment": may_comment,
        "form": form or (CommentForm(choices=choices) if may_comment else None),
        "notices": list(notices),
    }


def comments_panel(page: PanelPage) -> dict[str, Any]:
    """The objective page's comments section (registered with `qibu.okrs.panels`)."""
    return comments_context(
        viewer=page.viewer, objective=page.objective, key_results=page.key_results, checkins=page.checkins
    )
