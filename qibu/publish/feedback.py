"""The publication's feedback (issue 7, item 4; PUB-3): the comments made on its objectives since it was published,
as the viewer may read them, grouped by objective, in two queries whatever the company's size.

A comment shows when the viewer may read its objective both as it was published (`access.readable_q` on the
entries) and as it is now (`qibu.okrs.access.visible_objectives_q`, what the objective page and its comments
decide by): an objective made private since keeps its comments to those who may still see it. A hidden comment
reads "hidden by an administrator" (its text only to administrators), as on the objective page
(`qibu.discuss.selectors.comment_line`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Subquery

from qibu.discuss.selectors import CommentLine, comment_line, comments_query
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import Objective
from qibu.org.models import Person
from qibu.publish import access
from qibu.publish.models import Entry, Part, Publication

# The newest comments the feedback shows (the objective pages hold them all).
FEEDBACK_LIMIT = 200


@dataclass(frozen=True)
class ObjectiveFeedback:
    objective_id: int
    title: str
    lines: list[CommentLine]  # oldest first


@dataclass(frozen=True)
class Feedback:
    objectives: list[ObjectiveFeedback]  # the objective commented on most recently first
    count: int
    more: bool  # older comments are not shown

    def __bool__(self) -> bool:
        return bool(self.objectives)


def publication_feedback(publication: Publication, viewer: Person, *, limit: int = FEEDBACK_LIMIT) -> Feedback:
    """The comments on the publication's objectives (not the previous quarter's summary) since it was published,
    that `viewer` may read: one query for the comments with their authors, objectives, key results and check-ins,
    one for the people they mention."""
    published = (
        Entry.objects.filter(publication=publication)
        .exclude(part=Part.PREVIOUS)
        .filter(access.readable_q(viewer))
        .values("objective_id")
    )
    visible = Objective.objects.filter(visible_objectives_q(viewer)).values("pk")
    rows = (
        comments_query()
        .select_related("objective")
        .filter(objective_id__in=Subquery(published))
        .filter(objective_id__in=Subquery(visible))
        .filter(created_at__gte=publication.published_at)
        .order_by("-created_at", "-id")
    )
    newest = list(rows[: limit + 1])
    more = len(newest) > limit
    grouped: dict[int, ObjectiveFeedback] = {}
    for comment in newest[:limit]:
        found = grouped.get(comment.objective_id)
        if found is None:
            found = grouped[comment.objective_id] = ObjectiveFeedback(comment.objective_id, comment.objective.title, [])
        found.lines.insert(0, comment_line(comment, viewer))
    return Feedback(list(grouped.values()), min(len(newest), limit), more)
