"""Preparing a workshop and finding it (WS-1): the list of the viewer's workshops, creating one, the preparation
page (inviting by department, by hand or by a list, drawing and adjusting the groups, starting), the printable
sheet, and the overview every participant lands on. Every form works without JavaScript."""

from __future__ import annotations

import datetime as dt
from typing import Any

import openpyxl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qibu.core.http import current_person
from qibu.core.validation import field_problems
from qibu.cycles.models import Cycle, CycleKind
from qibu.org.middleware import request_organisation
from qibu.org.models import Department, Person
from qibu.workshop import access, selectors, services
from qibu.workshop.access import Seat
from qibu.workshop.models import Group, Participant, WorkshopState
from qibu.workshop.rules import group_size_problem

CHOICES_LIMIT = 500
IMPORT_BYTES_MAX = 2_000_000


def _problems(exc: ValidationError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field, message in field_problems(exc):
        found.setdefault(field or "general", []).append(message)
    return found


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def workshop_list(request: HttpRequest) -> HttpResponse:
    viewer = current_person(request)
    workshops = list(access.visible_workshops(viewer)[:200])
    return render(
        request,
        "workshop/list.html",
        {"workshops": workshops, "may_create": access.may_create(viewer)},
    )


def _annual_cycles() -> list[Cycle]:
    return list(Cycle.objects.filter(kind=CycleKind.ANNUAL, is_closed=False).order_by("start"))


def _people() -> list[Person]:
    return list(Person.objects.filter(is_active=True).order_by("full_name", "username")[:CHOICES_LIMIT])


def _parse_when(value: Any, zone: dt.tzinfo) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _person(value: Any) -> Person | None:
    pk = _int(value)
    return Person.objects.filter(pk=pk).first() if pk else None


@login_required
@require_http_methods(["GET", "POST"])
def workshop_create(request: HttpRequest) -> HttpResponse:
    viewer = current_person(request)
    if not access.may_create(viewer):
        raise PermissionDenied(access.CREATE_REFUSED)
    organisation = request_organisation(request)
    cycles = _annual_cycles()
    today = timezone.localdate()
    upcoming = next((c for c in cycles if c.start > today), cycles[-1] if cycles else None)
    values: dict[str, Any] = {
        "cycle": str(upcoming.pk) if upcoming else "",
        "topic": _("This year's company objectives"),
        "moderator": str(viewer.pk),
        "observer": str(organisation.ceo_id or ""),
        "refresher": "on",
        "vote_budget": "3",
    }
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = dict(request.POST.items())
        cycle = next((c for c in cycles if str(c.pk) == values.get("cycle")), None)
        try:
            workshop = services.workshop_create(
                actor=viewer,
                cycle=cycle,
                topic=values.get("topic", ""),
                scheduled_for=_parse_when(values.get("scheduled_for"), organisation.zone),
                place=values.get("place", ""),
                moderator=_person(values.get("moderator")) or viewer,
                observer=_person(values.get("observer")),
                refresher=values.get("refresher") == "on",
                vote_budget=values.get("vote_budget"),
            )
        except ValidationError as refused:
            errors = _problems(refused)
        else:
            messages.success(request, _("Workshop created: invite the participants and draw the groups."))
            return redirect("workshop:prepare", workshop.pk)
    context = {"cycles": cycles, "people": _people(), "values": values, "errors": errors}
    return render(request, "workshop/create.html", context, status=400 if errors else 200)


def _manager_seat(request: HttpRequest, pk: int) -> Seat:
    seat = access.seat_for(current_person(request), pk)
    if not seat.can_manage:
        raise PermissionDenied(access.MANAGE_REFUSED)
    return seat


def _prepare_context(seat: Seat) -> dict[str, Any]:
    workshop = seat.workshop
    groups = list(Group.objects.filter(workshop=workshop, is_plenary=False).select_related("leader").order_by("number"))
    participants = list(Participant.objects.filter(workshop=workshop).select_related("person").order_by("id"))
    members: dict[int | None, list[Participant]] = {}
    for participant in participants:
        members.setdefault(participant.group_id, []).append(participant)
    return {
        "workshop": workshop,
        "seat": seat,
        "groups": [(group, members.get(group.pk, [])) for group in groups],
        "unplaced": members.get(None, []),
        "participants": participants,
        "departments": list(Department.objects.order_by("path", "name")[:CHOICES_LIMIT]),
        "people": _people(),
        "size_problem": group_size_problem(len(participants)) if participants else None,
        "start_problems": services.start_problems(workshop) if workshop.state == WorkshopState.PREPARING else [],
    }


@login_required
@require_GET
def workshop_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    seat = _manager_seat(request, pk)
    return render(request, "workshop/prepare.html", _prepare_context(seat))


def _import_rows(request: HttpRequest) -> list[str]:
    """The rows of a pasted list, or of the first column of an uploaded spreadsheet."""
    upload = request.FILES.get("file")
    if upload is None:
        return str(request.POST.get("rows", "")).replace(",", "\n").splitlines()
    if upload.size and upload.size > IMPORT_BYTES_MAX:
        raise ValidationError({"rows": [_("The file is too large: at most 2 MB.")]})
    try:
        book = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception as broken:  # openpyxl raises many kinds for a file that is not a spreadsheet
        raise ValidationError({"rows": [_("This file is not an .xlsx spreadsheet.")]}) from broken
    sheet = book.worksheets[0]
    return [str(row[0]) if row and row[0] is not None else "" for row in sheet.iter_rows(values_only=True)]


def _invite(request: HttpRequest, seat: Seat, action: str) -> int:
    actor, workshop, post = current_person(request), seat.workshop, request.POST
    if action == "department":
        department = Department.objects.filter(pk=_int(post.get("department")) or 0).first()
        if department is None:
            raise ValidationError({"department": [_("Choose a department.")]})
        return services.participants_add_department(actor=actor, workshop=workshop, department=department)
    if action == "people":
        ids = [i for i in (_int(v) for v in post.getlist("people")) if i]
        return services.participants_add(actor=actor, workshop=workshop, people=Person.objects.filter(pk__in=ids))
    return services.participants_import(actor=actor, workshop=workshop, rows=_import_rows(request))


def _arrange(request: HttpRequest, seat: Seat, action: str) -> str:
    """The groups by hand: who is where, who leads, which groups there are."""
    actor, workshop, post = current_person(request), seat.workshop, request.POST
    person = _person(post.get("person"))
    group = Group.objects.filter(workshop=workshop, pk=_int(post.get("group")) or 0).first()
    if (person is None and action in ("remove", "move", "leader")) or (
        group is None and action in ("leader", "group_remove")
    ):
        raise ValidationError({"general": [_("Choose the person and the group.")]})
    if action == "remove" and person is not None:
        services.participant_remove(actor=actor, workshop=workshop, person=person)
        return _("Removed.")
    if action == "move" and person is not None:
        services.participant_move(actor=actor, workshop=workshop, person=person, group=group)
        return _("Moved.")
    if action == "leader" and person is not None and group is not None:
        services.group_leader_set(actor=actor, workshop=workshop, group=group, person=person)
        return _("Leader chosen.")
    if action == "group_remove" and group is not None:
        services.group_remove(actor=actor, workshop=workshop, group=group)
        return _("Group removed.")
    services.group_add(actor=actor, workshop=workshop)
    return _("Group added.")


def _settings(request: HttpRequest, seat: Seat) -> None:
    post = request.POST
    services.workshop_update(
        actor=current_person(request),
        workshop=seat.workshop,
        topic=post.get("topic", ""),
        place=post.get("place", ""),
        scheduled_for=_parse_when(post.get("scheduled_for"), request_organisation(request).zone),
        refresher=post.get("refresher") == "on",
        vote_budget=post.get("vote_budget"),
    )


def _prepare_action(request: HttpRequest, seat: Seat, action: str) -> str:
    """Do one preparation action; answer the message to show."""
    if action in ("department", "people", "import"):
        return _("%(count)d invited.") % {"count": _invite(request, seat, action)}
    if action in ("remove", "move", "leader", "group_add", "group_remove"):
        return _arrange(request, seat, action)
    if action == "draw":
        services.groups_draw(actor=current_person(request), workshop=seat.workshop)
        return _("The groups are drawn.")
    if action == "settings":
        _settings(request, seat)
        return _("Saved.")
    if action == "start":
        services.workshop_start(actor=current_person(request), workshop=seat.workshop)
        return _("The workshop has started: every group begins with its topic.")
    raise ValidationError({"general": [_("Choose what to do.")]})


@login_required
@require_POST
def workshop_prepare_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    seat = _manager_seat(request, pk)
    try:
        done = _prepare_action(request, seat, action)
    except ValidationError as refused:
        context = _prepare_context(access.seat_for(current_person(request), pk))
        context["errors"] = [message for _field, message in field_problems(refused)]
        return render(request, "workshop/prepare.html", context, status=400)
    messages.success(request, done)
    if action == "start":
        return redirect("workshop:detail", pk)
    return redirect("workshop:prepare", pk)


@login_required
@require_GET
def workshop_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable sheet: groups, leaders and the method's rules."""
    seat = access.seat_for(current_person(request), pk)
    return render(request, "workshop/sheet.html", _prepare_context(seat))


@login_required
@require_GET
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The overview: every group the viewer may see, its step and progress; the moderator's plenary; the result."""
    seat = access.seat_for(current_person(request), pk)
    overview = selectors.workshop_overview(seat)
    results = selectors.workshop_results(seat.workshop) if seat.workshop.state == WorkshopState.DECIDED else []
    context = {"workshop": seat.workshop, "seat": seat, "overview": overview, "results": results}
    partial = request.GET.get("part") == "overview" or request.headers.get("HX-Request") == "true"
    return render(request, "workshop/detail.html#overview" if partial else "workshop/detail.html", context)


@login_required
@require_POST
def plenary_start(request: HttpRequest, pk: int) -> HttpResponse:
    seat = _manager_seat(request, pk)
    try:
        plenary = services.plenary_start(actor=current_person(request), workshop=seat.workshop)
    except ValidationError as refused:
        for _field, message in field_problems(refused):
            messages.error(request, message)
        return redirect("workshop:detail", pk)
    return redirect("workshop:room", pk, plenary.pk)


urlpatterns: list[URLPattern] = [
    path("", workshop_list, name="list"),
    path("new/", workshop_create, name="create"),
    path("<int:pk>/", workshop_detail, name="detail"),
    path("<int:pk>/prepare/", workshop_prepare, name="prepare"),
    path("<int:pk>/prepare/<slug:action>/", workshop_prepare_act, name="prepare_act"),
    path("<int:pk>/sheet/", workshop_sheet, name="sheet"),
    path("<int:pk>/plenary/", plenary_start, name="plenary"),
]
