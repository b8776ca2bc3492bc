"""Comment pages (PUB-3). The comments show on the objective page (a panel, `qibu.okrs.panels`); these views take
what its forms send and answer htmx with the section again, or a plain browser with the objective page (or, when
something is wrong, a page of the comments with the form and its errors). Every page works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qibu.core.forms import apply_errors
from qibu.core.http import current_person, is_htmx, vary_on_htmx
from qibu.discuss import access, services
from qibu.discuss.forms import CommentEditForm, CommentForm
from qibu.discuss.models import Comment
from qibu.discuss.selectors import about_choices, comments_context, latest_checkins
from qibu.okrs.access import objective_for
from qibu.okrs.models import CheckIn, KeyResult, Objective
from qibu.org.models import Person

SECTION = "discuss/_comments.html#comments"


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _about(value: str) -> tuple[KeyResult | None, CheckIn | None]:
    """The key result or check-in a form's `about` names ("kr-5", "checkin-9"); the service checks it is the
    objective's."""
    kind, _sep, raw = value.partition("-")
    pk = _int(raw)
    if pk is None:
        return None, None
    if kind == "kr":
        return KeyResult.objects.filter(pk=pk).first(), None
    if kind == "checkin":
        return None, CheckIn.objects.select_related("key_result").filter(pk=pk).first()
    return None, None


def _context(person: Person, objective: Objective, **extra: Any) -> dict[str, Any]:
    key_results = list(KeyResult.objects.filter(objective=objective).order_by("position", "id"))
    return comments_context(
        viewer=person, objective=objective, key_results=key_results, checkins=latest_checkins(objective), **extra
    )


def _answer(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """The section for htmx; the comments page for a plain browser."""
    if is_htmx(request):
        return vary_on_htmx(render(request, SECTION, {"panel": context}))
    return vary_on_htmx(render(request, "discuss/comments.html", {"panel": context}, status=status))


def _objective_url(comment_or_objective: Comment | Objective) -> str:
    if isinstance(comment_or_objective, Comment):
        return (
            reverse("okrs:objective", args=[comment_or_objective.objective_id]) + f"#comment-{comment_or_objective.pk}"
        )
    return reverse("okrs:objective", args=[comment_or_objective.pk]) + "#comments"


@login_required
@require_http_methods(["GET", "POST"])
def comments(request: HttpRequest, pk: int) -> HttpResponse:
    """An objective's comments (GET), or a new one (POST)."""
    person = current_person(request)
    objective, _editable = objective_for(person, pk)
    if request.method == "GET":
        return _answer(request, _context(person, objective))
    if not access.can_comment(person, objective):
        raise PermissionDenied
    key_results = list(KeyResult.objects.filter(objective=objective).order_by("position", "id"))
    checkins = latest_checkins(objective)
    form = CommentForm(request.POST, choices=about_choices(key_results, checkins))
    key_result, check_in = _about(request.POST.get("about", ""))
    try:
        result = services.comment_create(
            actor=person,
            objective=objective,
            text=request.POST.get("text", ""),
            key_result=key_result,
            check_in=check_in,
        )
    except ValidationError as exc:
        form.is_valid()
        apply_errors(form, exc, {"key_result": "about", "check_in": "about"})
        context = comments_context(
            viewer=person, objective=objective, key_results=key_results, checkins=checkins, form=form
        )
        return _answer(request, context, status=200 if is_htmx(request) else 400)
    if is_htmx(request):
        context = comments_context(
            viewer=person, objective=objective, key_results=key_results, checkins=checkins, notices=result.notices
        )
        return _answer(request, context)
    for notice in result.notices:
        messages.warning(request, notice)
    return redirect(_objective_url(result.comment))


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    comment = access.comment_for(person, pk)
    if not access.can_edit_text(person, comment):
        raise PermissionDenied
    if request.method == "GET":
        form = CommentEditForm(initial={"text": comment.text})
        return render(request, "discuss/comment_edit.html", {"comment": comment, "form": form})
    form = CommentEditForm(request.POST)
    try:
        result = services.comment_update(actor=person, comment=comment, text=request.POST.get("text", ""))
    except ValidationError as exc:
        form.is_valid()
        apply_errors(form, exc)
        return render(request, "discuss/comment_edit.html", {"comment": comment, "form": form}, status=400)
    for notice in result.notices:
        messages.warning(request, notice)
    return redirect(_objective_url(comment))


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    comment = access.comment_for(person, pk)
    if not access.can_change(person, comment):
        raise PermissionDenied
    if request.method == "GET":
        return render(request, "discuss/comment_delete.html", {"comment": comment})
    objective = comment.objective
    services.comment_delete(actor=person, comment=comment)
    messages.success(request, _("The comment is deleted."))
    return redirect(_objective_url(objective))


@login_required
@require_POST
def comment_hide(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator hides a comment (`hidden=1`) or shows it again (`hidden=0`)."""
    person = current_person(request)
    comment = access.comment_for(person, pk)
    if not access.can_hide(person, comment):
        raise PermissionDenied
    services.comment_hide(actor=person, comment=comment, hidden=request.POST.get("hidden") != "0")
    if is_htmx(request):
        return _answer(request, _context(person, comment.objective))
    return redirect(_objective_url(comment))
