"""The rhythm's pages: the schedules' settings (administrators; department heads for their own department and its
teams), a schedule's calendar invitation, each person's private calendar address, the calendar it serves, and the
"what is due" panel of the home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qibu.core.forms import apply_errors
from qibu.core.http import current_person
from qibu.okrs.panels import HomePanel
from qibu.org.middleware import request_organisation
from qibu.org.models import Department, Organisation, Person, Team
from qibu.rhythm import access, calendars, services
from qibu.rhythm.forms import AbsenceForm, HolidayForm, ScheduleForm
from qibu.rhythm.models import CalendarToken, Holiday
from qibu.rhythm.selectors import absences_of, due_soon, schedules_managed, schedules_of

NEW_SCHEDULE = {
    "kind": "check_in",
    "recurrence": "weekly",
    "weekdays": ["4"],
    "time": "16:00",
    "duration_minutes": 15,
    "cycle_kind": "quarter",
    "day_offset": 0,
    "late_after_hours": 24,
    "active": True,
}


def _groups(person: Person, headed: set[int]) -> tuple[list[Department], list[Team]]:
    """The departments and teams the person may set schedules for (two queries)."""
    departments = Department.objects.order_by("path", "name")
    teams = Team.objects.select_related("department").order_by("department__name", "name")
    if not person.is_admin:
        departments = departments.filter(pk__in=headed)
        teams = teams.filter(department_id__in=headed)
    return list(departments), list(teams)


def _schedule_form(person: Person, headed: set[int], **kwargs: Any) -> ScheduleForm:
    departments, teams = _groups(person, headed)
    return ScheduleForm(departments=departments, teams=teams, **kwargs)


def _headed_or_403(person: Person) -> set[int]:
    headed = access.headed_department_ids(person)
    if not person.is_admin and not headed:
        raise PermissionDenied
    return headed


@login_required
def schedules(request: HttpRequest) -> HttpResponse:
    """The schedules the person may set, and a form for a new one."""
    person = current_person(request)
    headed = _headed_or_403(person)
    form = _schedule_form(person, headed, data=request.POST or None, initial=NEW_SCHEDULE)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.schedule_create(actor=person, data=form.to_input())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The schedule is set; its people will be reminded."))
                return redirect("rhythm:schedules")
    context = {
        "schedules": list(schedules_managed(person, headed)),
        "form": form,
        "section": "reminders",
    }
    return render(request, "rhythm/schedules.html", context, status=status)


@login_required
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    schedule = access.schedule_to_change(person, pk)
    headed = access.headed_department_ids(person)
    form = _schedule_form(person, headed, data=request.POST or None, initial=ScheduleForm.initial_from(schedule))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.schedule_update(actor=person, schedule=schedule, data=form.to_input())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The schedule is saved."))
                return redirect("rhythm:schedules")
    context = {"schedule": schedule, "form": form, "section": "reminders"}
    return render(request, "rhythm/schedule_form.html", context, status=status)


@login_required
@require_POST
def schedule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    schedule = access.schedule_to_change(person, pk)
    services.schedule_delete(actor=person, schedule=schedule)
    messages.success(request, _("The schedule is deleted; no more reminders come from it."))
    return redirect("rhythm:schedules")


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def schedule_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    """A schedule's events as an .ics file to add to a calendar (PUB-2: the rhythm is no secret)."""
    schedule, _may_change = access.schedule_for(current_person(request), pk)
    if not schedule.active:
        raise Http404
    content = calendars.invitation(schedule, organisation=request_organisation(request))
    return _ics(content, f"qibu-{schedule.kind}-{schedule.pk}.ics")


# --- the private calendar address ------------------------------------------------------------------------------


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """The person's calendar address: make one (a new one replaces the old) or revoke it."""
    person = current_person(request)
    secret = None
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.calendar_token_revoke(actor=person, person=person):
                messages.success(request, _("The calendar address is revoked; calendars using it get nothing more."))
            return redirect("rhythm:calendar_settings")
        secret = services.calendar_token_make(actor=person, person=person)
        status = 201
    token = CalendarToken.objects.filter(person=person).first()
    context = {
        "token": token,
        "feed_url": request.build_absolute_uri(reverse("rhythm:calendar_feed", args=[secret])) if secret else "",
        "schedules": list(schedules_of(person)),
        "section": "calendar",
    }
    return render(request, "rhythm/calendar.html", context, status=status)


@require_GET
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The person's calendar, for whoever holds the address (calendar programs sign in with nothing else)."""
    person = services.calendar_token_person(secret)
    if person is None:
        raise Http404
    organisation = request_organisation(request)
    # In the person's language: a calendar program signs in with nothing but the address.
    with translation.override(person.language or organisation.default_language):
        content = calendars.subscription(
            list(schedules_of(person)), organisation=organisation, person_name=str(person), person=person
        )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="qibu.ics"'
    return response


# --- the home page's panel ---------------------------------------------------------------------------------------


def due_panel(person: Person, organisation: Organisation, now: dt.datetime) -> HomePanel | None:
    """What falls due in the coming week, on the person's home page (registered with okrs in `RhythmConfig`)."""
    items = due_soon(person, organisation=organisation, now=now)
    return HomePanel("rhythm/_due_panel.html", {"items": items}) if items else None


# --- holidays and absences ---------------------------------------------------------------------------------------


@login_required
def holidays(request: HttpRequest) -> HttpResponse:
    """The organisation's holidays (administrators): no stand-up, reminder or meeting on them."""
    person = current_person(request)
    if not person.is_admin:
        raise PermissionDenied
    form = HolidayForm(data=request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if request.POST.get("delete"):
            pk = request.POST.get("delete", "")
            holiday = Holiday.objects.filter(pk=int(pk) if pk.isdigit() else 0).first()
            if holiday is None:
                raise Http404
            services.holiday_delete(actor=person, holiday=holiday)
            messages.success(request, _("The holiday is removed."))
            return redirect("rhythm:holidays")
        if form.is_valid():
            try:
                services.holiday_create(actor=person, day=form.cleaned_data["day"], name=form.cleaned_data["name"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The holiday is set: no stand-up or reminder that day."))
                return redirect("rhythm:holidays")
    context = {"holidays": list(Holiday.objects.order_by("day")), "form": form, "section": "holidays"}
    return render(request, "rhythm/holidays.html", context, status=status)


def _absence_people(person: Person) -> list[tuple[int, str]]:
    """Whose absences the person may record: their own, their reports' (an administrator: anyone's)."""
    people = Person.objects.filter(is_active=True).order_by("full_name", "username")
    if not person.is_admin:
        people = people.filter(Q(pk=person.pk) | Q(manager=person))
    return [(p.pk, str(p)) for p in people]


@login_required
def absences(request: HttpRequest) -> HttpResponse:
    """My absences and those I record for my reports: who is away is not reminded and is listed apart."""
    person = current_person(request)
    choices = _absence_people(person)
    form = AbsenceForm(data=request.POST or None, people=choices, initial={"person": person.pk})
    status = 200
    if request.method == "POST":
        status = 400
        if request.POST.get("delete"):
            pk = request.POST.get("delete", "")
            absence = access.absence_for(person, int(pk) if pk.isdigit() else 0)
            services.absence_delete(actor=person, absence=absence)
            messages.success(request, _("The absence is removed."))
            return redirect("rhythm:absences")
        if form.is_valid():
            data = form.cleaned_data
            absent = Person.objects.get(pk=data["person"])
            try:
                services.absence_create(
                    actor=person, person=absent, start=data["start"], end=data["end"], note=data["note"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The absence is recorded."))
                return redirect("rhythm:absences")
    today = timezone.localdate()
    context = {
        "absences": list(absences_of([pk for pk, _name in choices], since=today)),
        "form": form,
        "section": "absences",
    }
    return render(request, "rhythm/absences.html", context, status=status)
