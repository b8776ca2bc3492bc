"""1-on-1 pages (EXE-9, EXE-10): my 1-on-1s (as manager, one row per report; as report), starting a series, a
series' page (its meetings, its requests), a meeting's page (agenda, talking points, notes, requests, and holding,
moving or skipping it). Every form works without JavaScript and answers with the page again, errors beside the
fields."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qibu.core.forms import apply_errors
from qibu.core.http import current_person, safe_next
from qibu.oneonones import access, selectors, services
from qibu.oneonones.forms import (
    BlockerForm,
    MoveForm,
    NoteForm,
    PointForm,
    RequestForm,
    ScheduleForm,
    SeriesForm,
    SettleForm,
    SkipForm,
)
from qibu.oneonones.models import Meeting, Series
from qibu.oneonones.services import meeting_url, series_url
from qibu.org.middleware import request_organisation
from qibu.org.models import Person


def _schedule_initial(series: Series) -> dict[str, Any]:
    return {
        "cadence": series.cadence,
        "weekday": series.weekday,
        "time": series.time,
        "duration_minutes": series.duration_minutes,
    }


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    page = selectors.my_one_on_ones(person)
    return render(request, "oneonones/index.html", {"page": page, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def series_new(request: HttpRequest) -> HttpResponse:
    """A manager starts 1-on-1s with one of their reports (or someone of a department they head)."""
    person = current_person(request)
    if not person.is_active:
        raise PermissionDenied
    candidates = selectors.pair_candidates(person)
    status = 200
    if request.method == "POST":
        form = SeriesForm(request.POST, candidates=candidates)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                series = services.series_create(
                    actor=person,
                    manager=person,
                    report=d["report"],
                    cadence=d["cadence"],
                    weekday=d["weekday"],
                    time=d["time"],
                    duration_minutes=d["duration_minutes"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("1-on-1s with %(name)s started.") % {"name": series.report})
                return redirect(series_url(series))
    else:
        form = SeriesForm(candidates=candidates, initial={"time": "10:00", "duration_minutes": 30})
    return render(request, "oneonones/series_new.html", {"form": form, "candidates": candidates}, status=status)


def _series_response(
    request: HttpRequest, person: Person, series: Series, rights: access.SeriesRights, **overrides: Any
) -> HttpResponse:
    status = overrides.pop("status", 200)
    page = selectors.series_page(series=series, rights=rights)
    context: dict[str, Any] = {
        "page": page,
        "series": series,
        "rights": rights,
        "person": person,
        "schedule_form": ScheduleForm(initial=_schedule_initial(series), auto_id="schedule-%s"),
        "settle_form": SettleForm(auto_id=False),
    }
    context.update(overrides)
    return render(request, "oneonones/series.html", context, status=status)


@login_required
@require_GET
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    series, rights = access.series_for(person, pk)
    return _series_response(request, person, series, rights)


@login_required
@require_POST
def series_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the schedule, stop the series or start it again (`active` in the form)."""
    person = current_person(request)
    series, rights = access.series_for(person, pk)
    if not rights.change:
        raise PermissionDenied
    if "active" in request.POST and not request.POST.get("cadence"):
        try:
            services.series_update(actor=person, series=series, active=request.POST["active"] == "1")
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect(series_url(series))
    form = ScheduleForm(request.POST, auto_id="schedule-%s")
    if form.is_valid():
        try:
            services.series_update(actor=person, series=series, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The schedule is saved."))
            return redirect(series_url(series))
    return _series_response(request, person, series, rights, schedule_form=form, status=400)


# --- a meeting ---------------------------------------------------------------------------------------------------


def _meeting_response(
    request: HttpRequest, person: Person, meeting: Meeting, rights: access.SeriesRights, **overrides: Any
) -> HttpResponse:
    status = overrides.pop("status", 200)
    page = selectors.meeting_page(
        meeting=meeting, viewer=person, rights=rights, organisation=request_organisation(request)
    )
    series = meeting.series
    context: dict[str, Any] = {
        "page": page,
        "meeting": meeting,
        "series": series,
        "rights": rights,
        "person": person,
        "other": series.report if person.pk == series.manager_id else series.manager,
        "point_form": PointForm(auto_id="point-%s"),
        "note_form": NoteForm(auto_id="note-%s"),
        "move_form": MoveForm(auto_id="move-%s"),
        "skip_form": SkipForm(auto_id="skip-%s"),
        "request_form": RequestForm(
            pair=(series.manager, series.report), initial={"owner": series.manager_id}, auto_id="request-%s"
        ),
        "settle_form": SettleForm(auto_id=False),
        "blocker_form": BlockerForm(pair=(series.manager, series.report), auto_id="blocker-%s"),
    }
    context.update(overrides)
    return render(request, "oneonones/meeting.html", context, status=status)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    meeting, rights = access.meeting_for(person, pk)
    return _meeting_response(request, person, meeting, rights)


def _changeable_meeting(request: HttpRequest, pk: int) -> tuple[Person, Meeting, access.SeriesRights]:
    person = current_person(request)
    meeting, rights = access.meeting_for(person, pk)
    if not rights.change:
        raise PermissionDenied
    return person, meeting, rights


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def meeting_hold(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting took place: the points ticked count as discussed, the others carry to the next one."""
    person, meeting, _rights = _changeable_meeting(request, pk)
    discussed = [int(v) for v in request.POST.getlist("discussed") if v.isdigit()]
    try:
        following = services.meeting_hold(actor=person, meeting=meeting, discussed=discussed)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect(meeting_url(meeting))
    messages.success(request, _("The 1-on-1 is recorded as held."))
    return redirect(meeting_url(following) if following else meeting_url(meeting))


@login_required
@require_POST
def meeting_skip(request: HttpRequest, pk: int) -> HttpResponse:
    person, meeting, rights = _changeable_meeting(request, pk)
    form = SkipForm(request.POST, auto_id="skip-%s")
    if form.is_valid():
        try:
            following = services.meeting_skip(actor=person, meeting=meeting, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The 1-on-1 is skipped; its talking points carry to the next one."))
            return redirect(meeting_url(following) if following else meeting_url(meeting))
    return _meeting_response(request, person, meeting, rights, skip_form=form, status=400)


@login_required
@require_POST
def meeting_move(request: HttpRequest, pk: int) -> HttpResponse:
    person, meeting, rights = _changeable_meeting(request, pk)
    form = MoveForm(request.POST, auto_id="move-%s")
    if form.is_valid():
        try:
            services.meeting_move(actor=person, meeting=meeting, when=form.cleaned_data["when"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The 1-on-1 is moved."))
            return redirect(meeting_url(meeting))
    return _meeting_response(request, person, meeting, rights, move_form=form, status=400)


@login_required
@require_POST
def point_add(request: HttpRequest, pk: int) -> HttpResponse:
    person, meeting, rights = _changeable_meeting(request, pk)
    form = PointForm(request.POST, auto_id="point-%s")
    if form.is_valid():
        try:
            services.point_add(actor=person, meeting=meeting, text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(meeting_url(meeting) + "#points")
    return _meeting_response(request, person, meeting, rights, point_form=form, status=400)


@login_required
@require_POST
def point_mark(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    point, rights = access.point_for(person, pk)
    if not rights.change:
        raise PermissionDenied
    try:
        services.point_mark(actor=person, point=point, discussed=request.POST.get("discussed") == "1")
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(meeting_url(point.meeting_id) + "#points")


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    person, meeting, rights = _changeable_meeting(request, pk)
    form = NoteForm(request.POST, auto_id="note-%s")
    if form.is_valid():
        try:
            services.note_add(actor=person, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(meeting_url(meeting) + "#notes")
    return _meeting_response(request, person, meeting, rights, note_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Its author changes a note (404 for whoever may not read it, 403 for the other of the pair)."""
    person = current_person(request)
    note, may_change = access.note_for(person, pk)
    if not may_change:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = NoteForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.note_update(actor=person, note=note, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect(meeting_url(note.meeting_id) + "#notes")
    else:
        form = NoteForm(initial={"text": note.text, "visibility": note.visibility})
    return render(request, "oneonones/note_edit.html", {"form": form, "note": note}, status=status)


def _request_form(request: HttpRequest, series: Series, auto_id: str) -> RequestForm:
    return RequestForm(request.POST, pair=(series.manager, series.report), auto_id=auto_id)


def _create_request(person: Person, series: Series, form: RequestForm, meeting: Meeting | None) -> bool:
    if not form.is_valid():
        return False
    try:
        services.request_create(
            actor=person,
            series=series,
            meeting=meeting,
            text=form.cleaned_data["text"],
            owner=form.owner_person(),
            due=form.cleaned_data["due"],
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    return True


@login_required
@require_POST
def request_add(request: HttpRequest, pk: int) -> HttpResponse:
    """EXE-10: a request for support raised in a meeting."""
    person, meeting, rights = _changeable_meeting(request, pk)
    form = _request_form(request, meeting.series, "request-%s")
    if _create_request(person, meeting.series, form, meeting):
        messages.success(request, _("The request is recorded; its owner is told."))
        return redirect(meeting_url(meeting) + "#requests")
    return _meeting_response(request, person, meeting, rights, request_form=form, status=400)


@login_required
@require_POST
def request_settle(request: HttpRequest, pk: int) -> HttpResponse:
    """EXE-10: the owner marks a request done or declines it (with a note)."""
    person = current_person(request)
    support, rights = access.request_for(person, pk)
    if not rights.change or not access.may_settle(person, support):
        raise PermissionDenied
    form = SettleForm(request.POST, auto_id=False)
    back = safe_next(request, series_url(support.series_id) + f"#request-{support.pk}")
    if form.is_valid():
        try:
            services.request_settle(actor=person, request=support, **form.cleaned_data)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The request is settled; whoever asked is told."))
    else:
        _refused(request, ValidationError([e for errors in form.errors.values() for e in errors]))
    return redirect(back)


@login_required
@require_POST
def blocker_raise(request: HttpRequest, pk: int) -> HttpResponse:
    """EXE-2: raise a blocker that came up in the 1-on-1; it is then followed up as any blocker."""
    person, meeting, rights = _changeable_meeting(request, pk)
    series = meeting.series
    form = BlockerForm(request.POST, pair=(series.manager, series.report), auto_id="blocker-%s")
    if form.is_valid():
        try:
            blocker = services.blocker_raise(
                actor=person, meeting=meeting, title=form.cleaned_data["title"], owner=form.owner_person()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Blocker raised: “%(title)s”.") % {"title": blocker.title})
            return redirect(meeting_url(meeting) + "#agenda")
    return _meeting_response(request, person, meeting, rights, blocker_form=form, status=400)
