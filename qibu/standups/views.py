"""The stand-up's pages, for a phone during the meeting as much as a desk before it: the team's stand-up of the day
(my entry, everyone's, who is missing and who is away), posting and editing my entry, the history by day, closing,
and the facilitator's live mode (a fragment every participant's page polls; a reloadable page without JavaScript).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qibu.core.http import current_person, is_htmx, vary_on_htmx
from qibu.core.validation import field_problems
from qibu.org.models import Person, Team
from qibu.rhythm.selectors import holiday_on
from qibu.standups import access, services
from qibu.standups.forms import items_of, rows_from_entry, rows_from_post, with_blanks
from qibu.standups.models import StandUp
from qibu.standups.selectors import history_of, link_choices, live_state, my_team, stand_up_page

# A stand-up is made ahead for at most this many days (a person posting tomorrow's plan tonight).
AHEAD_DAYS = 7


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My team's stand-up of today."""
    person = current_person(request)
    team = my_team(person)
    if team is None:
        return render(request, "standups/no_team.html", {"section": "standups"})
    return redirect("standups:today", team.pk)


def _day_or_404(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise Http404 from exc


def _today(team: Team) -> dt.date:
    return services.local_today(services.team_schedule(team), timezone.now())


@login_required
def today(request: HttpRequest, team_id: int) -> HttpResponse:
    team = access.team_for(current_person(request), team_id)
    return _day_page(request, team, _today(team))


@login_required
def day(request: HttpRequest, team_id: int, day: str) -> HttpResponse:
    team = access.team_for(current_person(request), team_id)
    return _day_page(request, team, _day_or_404(day))


def _day_page(request: HttpRequest, team: Team, on: dt.date) -> HttpResponse:
    person = current_person(request)
    schedule = services.team_schedule(team)
    current = services.local_today(schedule, timezone.now())
    stand_up: StandUp | None
    if current <= on <= current + dt.timedelta(days=AHEAD_DAYS):
        stand_up = services.stand_up_get_or_make(team=team, day=on, schedule=schedule)
    else:
        stand_up = (
            StandUp.objects.select_related("team", "team__department", "schedule").filter(team=team, day=on).first()
        )
    context = {
        "team": team,
        "day": on,
        "is_today": on == current,
        "stand_up": stand_up,
        "page": stand_up_page(person, stand_up) if stand_up else None,
        "holiday": holiday_on(on) if stand_up is None else None,
        "has_schedule": schedule is not None,
        "previous_day": on - dt.timedelta(days=1),
        "next_day": on + dt.timedelta(days=1),
        "section": "standups",
    }
    return render(request, "standups/day.html", context)


def _stand_up_or_404(request: HttpRequest, pk: int) -> tuple[Person, StandUp]:
    person = current_person(request)
    return person, access.stand_up_for(person, pk)


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Post or edit my entry: yesterday's progress, today's plan, blockers, each line optionally linked to one of my
    key results or action steps."""
    person, stand_up = _stand_up_or_404(request, pk)
    page = stand_up_page(person, stand_up)
    if not access.is_participant(person, stand_up.team):
        raise PermissionDenied
    status = 200
    form_errors: list[str] = []
    if request.method == "POST":
        rows = rows_from_post(request.POST)
        items, filled = items_of(rows)
        try:
            services.entry_post(actor=person, stand_up=stand_up, items=items)
        except ValidationError as exc:
            status = 400
            for name, message in field_problems(exc):
                parts = (name or "").split(".")
                if len(parts) >= 2 and parts[0] == "items" and parts[1].isdigit() and int(parts[1]) < len(filled):
                    filled[int(parts[1])].errors.append(message)
                else:
                    form_errors.append(message)
        else:
            messages.success(request, _("Your stand-up entry is saved."))
            return redirect(services.stand_up_url(stand_up))
    else:
        rows = rows_from_entry(page.mine)
    context = {
        "stand_up": stand_up,
        "team": stand_up.team,
        "page": page,
        "sections": with_blanks(rows),
        "links": link_choices(person),
        "people": [r.person for r in page.rows],
        "form_errors": form_errors,
        "section": "standups",
    }
    return render(request, "standups/entry.html", context, status=status)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    person, stand_up = _stand_up_or_404(request, pk)
    if not access.may_close(person, stand_up):
        raise PermissionDenied
    try:
        services.stand_up_close(actor=person, stand_up=stand_up)
    except ValidationError as exc:
        messages.error(request, " ".join(message for _field, message in field_problems(exc)))
        return redirect(services.stand_up_url(stand_up))
    messages.success(request, _("The stand-up is closed; its summary went to the team's chat and people."))
    return redirect(services.stand_up_url(stand_up))


@login_required
def history(request: HttpRequest, team_id: int) -> HttpResponse:
    """The team's past stand-ups by day."""
    team = access.team_for(current_person(request), team_id)
    before_text = request.GET.get("before", "")
    before = _day_or_404(before_text) if before_text else None
    stand_ups = list(history_of(team, before=before))
    context = {
        "team": team,
        "stand_ups": stand_ups,
        "older": stand_ups[-1].day if len(stand_ups) == 30 else None,
        "section": "standups",
    }
    return render(request, "standups/history.html", context)


@login_required
def live(request: HttpRequest, pk: int) -> HttpResponse:
    """The live mode: who speaks, the countdowns; the page polls its fragment (htmx) and works reloaded by hand."""
    person, stand_up = _stand_up_or_404(request, pk)
    state = live_state(person, stand_up)
    context = {
        "stand_up": stand_up,
        "team": stand_up.team,
        "state": state,
        "may_facilitate": access.may_facilitate(person, stand_up) and not stand_up.is_closed,
        "section": "standups",
    }
    template = "standups/live.html#live" if is_htmx(request) else "standups/live.html"
    return vary_on_htmx(render(request, template, context))


@login_required
@require_POST
def live_control(request: HttpRequest, pk: int) -> HttpResponse:
    """Start, next, previous, end: the facilitator's buttons (start: whoever may run the stand-up)."""
    person, stand_up = _stand_up_or_404(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "start":
            if not access.may_facilitate(person, stand_up):
                raise PermissionDenied
            services.live_start(actor=person, stand_up=stand_up)
        elif action in ("next", "previous"):
            if not access.is_facilitator(person, stand_up):
                raise PermissionDenied
            services.live_move(actor=person, stand_up=stand_up, step=1 if action == "next" else -1)
        elif action == "end":
            if not access.is_facilitator(person, stand_up):
                raise PermissionDenied
            services.live_end(actor=person, stand_up=stand_up)
            messages.success(request, _("The stand-up is closed; its summary went to the team's chat and people."))
            return redirect(services.stand_up_url(stand_up))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(message for _field, message in field_problems(exc)))
    if is_htmx(request):
        stand_up.refresh_from_db()
        state = live_state(person, stand_up)
        context = {"stand_up": stand_up, "team": stand_up.team, "state": state, "may_facilitate": True}
        return render(request, "standups/live.html#live", context)
    return redirect("standups:live", stand_up.pk)
