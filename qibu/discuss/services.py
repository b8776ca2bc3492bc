"""Writing comments (PUB-3): one transaction each, with history listed under the objective, and the owner and the
mentioned told through the inbox in the same transaction.

Who may do what is `qibu.discuss.access`, asked by pages and API before they call these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.core.validation import COMMENT_MAX, FieldErrors, clean_text
from qibu.discuss.mentions import Mentions, mentions_find
from qibu.discuss.models import Comment, Mention
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs.access import can_view
from qibu.okrs.models import CheckIn, KeyResult, Objective
from qibu.org.models import Person

# How much of a comment a notification quotes.
QUOTE_LENGTH = 140


@dataclass
class CommentResult:
    """The comment written, and what the commenter should know: mentions that told no one, and why."""

    comment: Comment
    told: list[Person] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _subject(comment: Comment) -> Subject:
    url = reverse("okrs:objective", args=[comment.objective_id]) + f"#comment-{comment.pk}"
    return Subject(type="okrs.objective", id=comment.objective_id, url=url)


def _quote(text: str) -> str:
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"


def _clean_text(errors: FieldErrors, value: Any) -> str:
    return clean_text(errors, "text", value, max_length=COMMENT_MAX, missing=_("Write something to comment."))


def _where(
    errors: FieldErrors, objective: Objective, key_result: KeyResult | None, check_in: CheckIn | None
) -> KeyResult | None:
    """The key result the comment is about (a check-in's own), refused when not of this objective."""
    if check_in is not None:
        if key_result is not None and check_in.key_result_id != key_result.pk:
            errors.add("check_in", _("This check-in is not one of that key result's."))
        key_result = check_in.key_result
    if key_result is not None and key_result.objective_id != objective.pk:
        errors.add("check_in" if check_in is not None else "key_result", _("This is not part of this objective."))
    return key_result


def _told_and_notices(mentions: Mentions, objective: Objective) -> tuple[list[Person], list[str]]:
    """Who of the mentioned may see the objective (only they are told); and what the commenter reads about the
    others and about names several people share."""
    told, notices = [], []
    for person in mentions.people:
        if can_view(person, objective):
            told.append(person)
        else:
            notices.append(_("%(name)s cannot see this objective and was not told.") % {"name": person})
    for span in mentions.shared:
        usernames = ", ".join(f"@{p.username}" for p in span.sharing)
        notices.append(
            _("“@%(name)s” is the name of %(count)d people, so no one was told: write their usernames (%(usernames)s).")
            % {"name": span.name, "count": len(span.sharing), "usernames": usernames}
        )
    return told, notices


def _tell(*, actor: Person, comment: Comment, objective: Objective, mentioned: list[Person]) -> None:
    quote = _quote(comment.text)
    subject = _subject(comment)
    notify(
        kind=NotificationKind.MENTION,
        recipients=mentioned,
        text=lambda person: (
            _("%(author)s mentioned you on “%(objective)s”: %(text)s")
            % {"author": actor, "objective": objective.title, "text": quote}
        ),
        key=f"mention:comment:{comment.pk}",
        subject=subject,
        actor=actor,
    )
    owner = objective.owner
    if owner is None or owner.pk in {p.pk for p in mentioned} or not can_view(owner, objective):
        return
    notify(
        kind=NotificationKind.COMMENT,
        recipients=[owner],
        text=lambda person: (
            _("%(author)s commented on “%(objective)s”: %(text)s")
            % {"author": actor, "objective": objective.title, "text": quote}
        ),
        key=f"comment:{comment.pk}",
        subject=subject,
        actor=actor,
    )


def _mention_rows(comment: Comment, people: list[Person]) -> list[int]:
    """Keep the comment's mentions as `people`; answers their ids."""
    ids = [p.pk for p in people]
    Mention.objects.filter(comment=comment).exclude(person_id__in=ids).delete()
    Mention.objects.bulk_create([Mention(comment=comment, person=p) for p in people], ignore_conflicts=True)
    return ids


@transaction.atomic
def comment_create(
    *,
    actor: Person,
    objective: Objective,
    text: Any,
    key_result: KeyResult | None = None,
    check_in: CheckIn | None = None,
) -> CommentResult:
    """PUB-3: a comment on the objective (or one of its key results or check-ins); the objective's owner is told,
    and each person mentioned who may see the objective (the others are named in `notices`)."""
    errors = FieldErrors()
    clean = _clean_text(errors, text)
    key_result = _where(errors, objective, key_result, check_in)
    errors.raise_if_any()
    comment = Comment.objects.create(
        objective=objective, key_result=key_result, check_in=check_in, author=actor, text=clean
    )
    told, notices = _told_and_notices(mentions_find(clean), objective)
    mentioned = _mention_rows(comment, told)
    history_record(
        actor=actor,
        action="comment.create",
        subject=objective,
        target=comment,
        after={"text": clean, "key_result": comment.key_result_id, "check_in": comment.check_in_id,
               "mentions": mentioned},
    )  # fmt: skip
    _tell(actor=actor, comment=comment, objective=objective, mentioned=told)
    return CommentResult(comment=comment, told=told, notices=notices)


@transaction.atomic
def comment_update(*, actor: Person, comment: Comment, text: Any) -> CommentResult:
    """The author changes the text; it shows as edited. Only people it now mentions for the first time are told."""
    errors = FieldErrors()
    clean = _clean_text(errors, text)
    errors.raise_if_any()
    objective = comment.objective
    before_mentions = list(comment.mentions.order_by("person_id").values_list("person_id", flat=True))
    told, notices = _told_and_notices(mentions_find(clean), objective)
    if clean == comment.text:
        return CommentResult(comment=comment, told=[], notices=notices)
    before = {"text": comment.text, "mentions": before_mentions}
    comment.text, comment.edited_at = clean, timezone.now()
    comment.save(update_fields=["text", "edited_at"])
    mentioned = _mention_rows(comment, told)
    history_record(
        actor=actor,
        action="comment.update",
        subject=objective,
        target=comment,
        before=before,
        after={"text": clean, "mentions": mentioned},
    )
    # notify() tells each person once per comment: those mentioned before are not told again.
    _tell(actor=actor, comment=comment, objective=objective, mentioned=told)
    return CommentResult(comment=comment, told=told, notices=notices)


@transaction.atomic
def comment_delete(*, actor: Person, comment: Comment) -> None:
    history_record(
        actor=actor,
        action="comment.delete",
        subject=comment.objective,
        target=comment,
        before={"text": comment.text, "key_result": comment.key_result_id, "check_in": comment.check_in_id},
    )
    comment.delete()


@transaction.atomic
def comment_hide(*, actor: Person, comment: Comment, hidden: bool) -> Comment:
    """An administrator hides a comment (others read that it was hidden; administrators still read it), or shows
    it again."""
    if hidden == comment.is_hidden:
        return comment
    before = {"hidden_at": comment.hidden_at}
    comment.hidden_at = timezone.now() if hidden else None
    comment.hidden_by = actor if hidden else None
    comment.save(update_fields=["hidden_at", "hidden_by"])
    history_record(
        actor=actor,
        action="comment.hide" if hidden else "comment.show",
        subject=comment.objective,
        target=comment,
        before=before,
        after={"hidden_at": comment.hidden_at},
    )
    return comment
