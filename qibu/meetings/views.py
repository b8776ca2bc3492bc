"""Weekly meeting pages (EXE-3 … EXE-6, EXE-12), made for a phone during the meeting: the list of a department's (or
the management's) meetings, the meeting as it runs — agenda, the timer of its two parts, confidence per key result,
commitments, each person's week, the minutes in words — and the minutes once closed.

Every form works without JavaScript; with htmx each small write answers with its own section again, and the live
parts of the page refresh every few seconds, so that two facilitators see each other's changes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qibu.core.http import current_person, is_htmx, vary_on_htmx
from qibu.core.validation import field_problems
from qibu.meetings import access, services
from qibu.meetings.agenda import attendees, running_objectives
from qibu.meetings.models import AgendaItem, Commitment, CommitmentStatus, Meeting, MeetingKind
from qibu.meetings.selectors import company_key_results, meeting_page, meetings_of
from qibu.meetings.services import NotesConflict
from qibu.okrs.access import key_result_for
from qibu.org.middleware import request_organisation
from qibu.org.models import Person
from qibu.rhythm.models import Schedule, ScheduleKind

PAGE = "meetings/meeting.html"


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for field, message in field_problems(exc):
        found[field or "form"].append(message)
    return dict(found)


def _meeting(request: HttpRequest, pk: int) -> tuple[Person, Meeting, access.MeetingRights]:
    person = current_person(request)
    meeting, rights = access.meeting_for(person, pk)
    return person, meeting, rights


def _context(
    request: HttpRequest, person: Person, meeting: Meeting, rights: access.MeetingRights, **extra: Any
) -> dict[str, Any]:
    page = meeting_page(viewer=person, meeting=meeting, rights=rights, organisation=request_organisation(request))
    context: dict[str, Any] = {
        "page": page,
        "meeting": meeting,
        "people": list(attendees(meeting).order_by("full_name", "username")) if rights.run else [],
        "key_results": company_key_results(meeting) if rights.run else [],
        "statuses": CommitmentStatus.choices,
        "errors": {},
        "values": {},
    }
    context.update(extra)
    return context


def _answer(
    request: HttpRequest, meeting: Meeting, fragment: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    if is_htmx(request):
        # htmx swaps only a 2xx answer: a refusal comes back as the fragment with its errors, as the check-in's.
        return vary_on_htmx(render(request, f"{PAGE}#{fragment}", context))
    if status >= 400:
        return render(request, PAGE, context, status=status)
    return redirect(reverse("meetings:meeting", args=[meeting.pk]) + f"#{fragment}")


# --- lists and new meetings ---------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The person's department's meetings, or the management's for those without a department."""
    person = current_person(request)
    if person.department_id:
        return redirect("meetings:department", pk=person.department_id)
    if access.can_view_management(person):
        return redirect("meetings:management")
    raise Http404


def _list(request: HttpRequest, *, department: Any, may_run: bool) -> HttpResponse:
    person = current_person(request)
    kind = MeetingKind.MANAGEMENT if department is None else MeetingKind.DEPARTMENT
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied
        values = request.POST.dict()
        schedule = None
        if values.get("schedule"):
            schedule = Schedule.objects.filter(pk=values["schedule"]).first() if values["schedule"].isdigit() else None
        try:
            meeting = services.meeting_create(
                actor=person,
                kind=kind,
                department=department,
                date=values.get("date"),
                schedule=schedule,
                planned_minutes=values.get("planned_minutes"),
                progress_share=values.get("progress_share"),
            )
        except ValidationError as exc:
            errors, status = _errors(exc), 400
        else:
            messages.success(request, _("Weekly meeting planned."))
            return redirect("meetings:meeting", pk=meeting.pk)
    wanted = ScheduleKind.MANAGEMENT_MEETING if department is None else ScheduleKind.WEEKLY_MEETING
    schedules = Schedule.objects.filter(kind=wanted, department=department, active=True) if may_run else []
    context = {
        "department": department,
        "meetings": list(meetings_of(viewer=person, department=department, management=department is None)),
        "may_run": may_run,
        "schedules": list(schedules),
        "errors": errors,
        "values": values,
        "management": department is None,
        "may_see_management": access.can_view_management(person),
    }
    return render(request, "meetings/list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def department_meetings(request: HttpRequest, pk: int) -> HttpResponse:
    department, may_run = access.department_for(current_person(request), pk)
    return _list(request, department=department, may_run=may_run)


@login_required
@require_http_methods(["GET", "POST"])
def management_meetings(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    if not access.can_view_management(person):
        raise Http404
    return _list(request, department=None, may_run=access.can_run_management(person))


# --- the meeting ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person, meeting, rights = _meeting(request, pk)
    context = _context(request, person, meeting, rights)
    part = request.GET.get("part")
    if is_htmx(request) and part in ("live", "timer"):
        return vary_on_htmx(render(request, f"{PAGE}#{part}", context))
    return render(request, PAGE, context)


@login_required
@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    person, meeting, rights = _meeting(request, pk)
    return render(request, "meetings/minutes.html", _context(request, person, meeting, rights))


def _step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    person, meeting, rights = _meeting(request, pk)
    if not rights.run:
        raise PermissionDenied
    try:
        if action == "start":
            services.meeting_start(actor=person, meeting=meeting, organisation=request_organisation(request))
            messages.success(request, _("The meeting has started: first the progress, then the next steps."))
        elif action == "progress_end":
            services.meeting_progress_end(actor=person, meeting=meeting)
        else:
            services.meeting_close(actor=person, meeting=meeting, organisation=request_organisation(request))
            messages.success(request, _("The meeting is closed; its minutes went out by mail and chat."))
            return redirect("meetings:minutes", pk=meeting.pk)
    except ValidationError as exc:
        for _field, message in field_problems(exc):
            messages.error(request, message)
        return render(request, PAGE, _context(request, person, meeting, rights), status=400)
    return redirect("meetings:meeting", pk=meeting.pk)


@login_required
@require_POST
def meeting_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "start")


@login_required
@require_POST
def meeting_progress_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "progress_end")


@login_required
@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "close")


@login_required
@require_POST
def item_reach(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    person, meeting, rights = _meeting(request, pk)
    point = AgendaItem.objects.filter(pk=item, meeting=meeting).first()
    if point is None:
        raise Http404
    if not rights.run:
        raise PermissionDenied
    point.meeting = meeting
    status, errors = 200, {}
    try:
        services.agenda_item_reach(actor=person, item=point, reached=request.POST.get("reached") == "1")
    except ValidationError as exc:
        status, errors = 400, _errors(exc)
    return _answer(request, meeting, "live", _context(request, person, meeting, rights, errors=errors), status)


@login_required
@require_POST
def confidence_set(request: HttpRequest, pk: int, kr: int) -> HttpResponse:
    person, meeting, rights = _meeting(request, pk)
    key_result, objective, _editable = key_result_for(person, kr)
    if not rights.run:
        raise PermissionDenied
    from qibu.okrs.access import can_check_in

    if not can_check_in(person, objective, key_result):
        raise PermissionDenied
    if not running_objectives(meeting).filter(pk=objective.pk).exists():
        raise Http404
    values = request.POST.dict()
    try:
        services.meeting_confidence_set(
            actor=person,
            meeting=meeting,
            key_result=key_result,
            confidence=values.get("confidence"),
            reason=values.get("reason", ""),
            what_changed=values.get("what_changed", ""),
            organisation=request_organisation(request),
        )
    except ValidationError as exc:
        context = _context(request, person, meeting, rights, failed_kr=kr, kr_errors=_errors(exc), kr_values=values)
        return _answer(request, meeting, "confidence", context, 400)
    return _answer(request, meeting, "confidence", _context(request, person, meeting, rights))


@login_required
@require_POST
def commitment_add(request: HttpRequest, pk: int) -> HttpResponse:
    person, meeting, rights = _meeting(request, pk)
    if not rights.run:
        raise PermissionDenied
    values = request.POST.dict()
    owner = attendees(meeting).filter(pk=values["owner"]).first() if values.get("owner", "").isdigit() else None
    key_result = None
    if values.get("key_result", "").isdigit():
        key_result = next((k for k in company_key_results(meeting) if k.pk == int(values["key_result"])), None)
    try:
        services.commitment_add(
            actor=person,
            meeting=meeting,
            text=values.get("text"),
            owner=owner,
            due=values.get("due"),
            key_result=key_result,
        )
    except ValidationError as exc:
        context = _context(request, person, meeting, rights, errors=_errors(exc), values=values)
        return _answer(request, meeting, "commitments", context, 400)
    return _answer(request, meeting, "commitments", _context(request, person, meeting, rights))


@login_required
@require_POST
def commitment_status(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    commitment = Commitment.objects.select_related("meeting__department").filter(pk=pk).first()
    if commitment is None:
        raise Http404
    meeting, rights = access.meeting_for(person, commitment.meeting_id)
    if not (rights.run or commitment.owner_id == person.pk):
        raise PermissionDenied
    status = 200
    try:
        services.commitment_set_status(actor=person, commitment=commitment, status=request.POST.get("status"))
    except ValidationError as exc:
        status = 400
        for _field, message in field_problems(exc):
            messages.error(request, message)
    back = int(request.POST["back"]) if request.POST.get("back", "").isdigit() else meeting.pk
    target, target_rights = access.meeting_for(person, back)
    context = _context(request, person, target, target_rights)
    return _answer(request, target, "live", context, status)


@login_required
@require_POST
def notes_save(request: HttpRequest, pk: int) -> HttpResponse:
    person, meeting, rights = _meeting(request, pk)
    if not rights.run:
        raise PermissionDenied
    text = request.POST.get("notes", "")
    try:
        services.meeting_notes_save(actor=person, meeting=meeting, text=text, version=request.POST.get("version"))
    except NotesConflict as exc:
        conflict = {"theirs": exc.theirs, "ours": exc.ours, "version": exc.version}
        context = _context(request, person, meeting, rights, conflict=conflict, errors={"notes": exc.messages})
        return _answer(request, meeting, "notes", context, 409)  # 409 without htmx
    except ValidationError as exc:
        context = _context(request, person, meeting, rights, errors=_errors(exc), values={"notes": text})
        return _answer(request, meeting, "notes", context, 400)
    if not is_htmx(request):
        messages.success(request, _("Minutes saved."))
    return _answer(request, meeting, "notes", _context(request, person, meeting, rights, saved=True))


@login_required
@require_http_methods(["GET", "POST"])
def my_week(request: HttpRequest, pk: int) -> HttpResponse:
    """EXE-3: my week for the meeting, pre-filled, mine alone to edit."""
    person, meeting, rights = _meeting(request, pk)
    if not rights.report:
        raise PermissionDenied
    status, errors, values = 200, {}, {}
    if request.method == "POST":
        values = request.POST.dict()
        try:
            services.week_report_save(
                actor=person,
                meeting=meeting,
                person=person,
                progress=values.get("progress", ""),
                plans=values.get("plans", ""),
                problems=values.get("problems", ""),
            )
        except ValidationError as exc:
            status, errors = 400, _errors(exc)
        else:
            messages.success(request, _("Your week is saved for the meeting."))
            return redirect(reverse("meetings:meeting", args=[meeting.pk]) + "#weeks")
    context = _context(request, person, meeting, rights, errors=errors, values=values)
    return render(request, "meetings/week.html", context, status=status)
