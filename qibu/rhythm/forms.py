"""The schedule form: it only parses input (every field as typed); `schedule_create`/`schedule_update` decide what
is allowed and name the field of each problem."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import dates
from django.utils.translation import gettext_lazy as _

from qibu.core.forms import text_input
from qibu.core.validation import SHORT_NAME_MAX
from qibu.org.models import Department, Team
from qibu.rhythm.models import CycleScope, Recurrence, Schedule, ScheduleKind
from qibu.rhythm.services import ScheduleInput

WEEKDAYS = sorted(dates.WEEKDAYS.items())


def _number(**attrs: str) -> forms.NumberInput:
    return forms.NumberInput(attrs=attrs)


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ScheduleKind.choices)
    title = forms.CharField(
        label=_("title"),
        required=False,
        widget=text_input(SHORT_NAME_MAX),
        help_text=_("Optional; the calendar shows it with the group's name."),
    )
    department = forms.TypedChoiceField(label=_("department"), coerce=int, required=False, empty_value=None)
    team = forms.TypedChoiceField(label=_("team"), coerce=int, required=False, empty_value=None)
    recurrence = forms.ChoiceField(label=_("recurrence"), choices=Recurrence.choices)
    weekdays = forms.MultipleChoiceField(
        label=_("weekdays"), choices=WEEKDAYS, required=False, widget=forms.CheckboxSelectMultiple
    )
    time = forms.CharField(
        label=_("time"), max_length=8, widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("In the schedule's time zone (below; the organisation's when blank)."),
    )  # fmt: skip
    duration_minutes = forms.CharField(label=_("duration (minutes)"), widget=_number(min="1", max="480"))
    cycle_kind = forms.ChoiceField(label=_("cycles"), choices=CycleScope.choices, required=False)
    day_offset = forms.CharField(
        label=_("days from the cycle's end or start"),
        required=False,
        widget=_number(min="0"),
        help_text=_("Before the end: 6 is the cycle's last week. After the start: 0 is its first day."),
    )
    late_after_hours = forms.CharField(
        label=_("late reminder after (hours)"),
        required=False,
        widget=_number(min="1", max="72"),
        help_text=_("Check-ins only: a second reminder naming who has not checked in yet."),
    )
    remind_before_minutes = forms.CharField(
        label=_("reminder before (minutes)"),
        required=False,
        widget=_number(min="0", max="1440"),
        help_text=_("Meetings: the reminder this many minutes before the start (0: at the start)."),
    )
    late_before_minutes = forms.CharField(
        label=_("late reminder before (minutes)"),
        required=False,
        widget=_number(min="1", max="1440"),
        help_text=_("Stand-ups: a second reminder before the meeting naming who has not posted yet."),
    )
    time_zone = forms.CharField(
        label=_("time zone"),
        required=False,
        max_length=64,
        help_text=_("Blank: the organisation's. A team elsewhere meets on its own clock, e.g. Europe/Berlin."),
    )
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, departments: list[Department], teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department_field = cast("forms.ChoiceField", self.fields["department"])
        team_field = cast("forms.ChoiceField", self.fields["team"])
        department_field.choices = [("", "—"), *((d.pk, d.name) for d in departments)]
        team_field.choices = [("", "—"), *((t.pk, f"{t.department.name} · {t.name}") for t in teams)]

    def to_input(self) -> ScheduleInput:
        data = self.cleaned_data
        return ScheduleInput(
            kind=data["kind"],
            title=data["title"],
            department_id=data["department"],
            team_id=data["team"],
            recurrence=data["recurrence"],
            weekdays=data["weekdays"],
            time=data["time"],
            duration_minutes=data["duration_minutes"],
            cycle_kind=data["cycle_kind"],
            day_offset=data["day_offset"] or 0,
            late_after_hours=data["late_after_hours"] or None,
            remind_before_minutes=data["remind_before_minutes"] or 0,
            late_before_minutes=data["late_before_minutes"] or None,
            time_zone=data["time_zone"],
            active=data["active"],
        )

    @staticmethod
    def initial_from(schedule: Schedule) -> dict[str, Any]:
        return {
            "kind": schedule.kind,
            "title": schedule.title,
            "department": schedule.department_id,
            "team": schedule.team_id,
            "recurrence": schedule.recurrence,
            "weekdays": [str(d) for d in schedule.weekdays],
            "time": schedule.time.strftime("%H:%M"),
            "duration_minutes": schedule.duration_minutes,
            "cycle_kind": schedule.cycle_kind or CycleScope.QUARTER,
            "day_offset": schedule.day_offset,
            "late_after_hours": schedule.late_after_hours or "",
            "remind_before_minutes": schedule.remind_before_minutes,
            "late_before_minutes": schedule.late_before_minutes or "",
            "time_zone": schedule.time_zone,
            "active": schedule.active,
        }


class HolidayForm(forms.Form):
    day = forms.CharField(label=_("day"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("name"), widget=text_input(100))


class AbsenceForm(forms.Form):
    person = forms.TypedChoiceField(label=_("person"), coerce=int)
    start = forms.CharField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.CharField(label=_("until"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), required=False, widget=text_input(200))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["person"]).choices = people
