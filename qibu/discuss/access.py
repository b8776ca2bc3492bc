"""Who may comment, and change or hide a comment (PUB-3). A comment is as visible as its objective:
`comment_for` answers 404 when the objective is invisible to the person, for pages and API alike."""

from __future__ import annotations

from django.http import Http404

from qibu.discuss.models import Comment
from qibu.okrs.access import can_view, objective_for
from qibu.okrs.models import Objective
from qibu.org.models import Person


def can_comment(person: Person, objective: Objective) -> bool:
    """Anyone who may see the objective may talk about it, its key results and check-ins."""
    return can_view(person, objective)


def comment_for(person: Person, pk: int) -> Comment:
    """The comment, with its objective, if `person` may see the objective (else Http404)."""
    try:
        comment = Comment.objects.select_related("author", "key_result", "check_in").filter(pk=pk).first()
    except (ValueError, TypeError):
        comment = None
    if comment is None:
        raise Http404
    comment.objective, _editable = objective_for(person, comment.objective_id)
    return comment


def can_change(person: Person, comment: Comment) -> bool:
    """Its author edits or deletes a comment, unless an administrator hid it (then it may only be deleted)."""
    return comment.author_id == person.pk and person.is_active


def can_edit_text(person: Person, comment: Comment) -> bool:
    return can_change(person, comment) and not comment.is_hidden


def can_hide(person: Person, comment: Comment) -> bool:
    return person.is_admin


def can_read_hidden(person: Person) -> bool:
    """Administrators read a hidden comment's text (to decide whether to show it again); others read that it is
    hidden."""
    return person.is_admin
