"""The 1-on-1s' forms: they parse what was typed and offer the choices; the rules are the services'."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qibu.core.forms import text_area, text_input
from qibu.core.validation import NOTE_MAX, TITLE_MAX
from qibu.oneonones.models import NoteSharing, OneOnOneCadence, SupportStatus, Weekday
from qibu.oneonones.services import POINT_MAX
from qibu.org.models import Person


class ScheduleForm(forms.Form):
    cadence = forms.ChoiceField(label=_("How often"), choices=OneOnOneCadence.choices)
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=240, initial=30)


class SeriesForm(ScheduleForm):
    report = forms.ModelChoiceField(label=_("With"), queryset=Person.objects.none(), empty_label=None)
    field_order = ("report", "cadence", "weekday", "time", "duration_minutes")

    def __init__(self, *args: Any, candidates: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["report"])  # type: ignore[type-arg]
        field.queryset = Person.objects.filter(pk__in=[p.pk for p in candidates]).order_by("full_name", "username")


class PointForm(forms.Form):
    text = forms.CharField(label=_("Talking point"), max_length=POINT_MAX, widget=text_area(POINT_MAX, 2))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=NOTE_MAX, widget=text_area(NOTE_MAX, 4))
    visibility = forms.ChoiceField(
        label=_("Who sees it"), choices=NoteSharing.choices, initial=NoteSharing.SHARED, widget=forms.RadioSelect
    )


class MoveForm(forms.Form):
    when = forms.DateTimeField(
        label=_("New date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("Why"), required=False, max_length=NOTE_MAX, widget=text_area(NOTE_MAX, 2))


class RequestForm(forms.Form):
    text = forms.CharField(
        label=_("What support or resources are needed"), max_length=NOTE_MAX, widget=text_area(NOTE_MAX, 3)
    )
    owner = forms.ChoiceField(label=_("Who takes care of it"))
    due = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, pair: tuple[Person, Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager, report = pair
        field = cast(forms.ChoiceField, self.fields["owner"])
        field.choices = [(str(manager.pk), str(manager)), (str(report.pk), str(report))]
        self.pair = {manager.pk: manager, report.pk: report}

    def owner_person(self) -> Person | None:
        return self.pair.get(int(self.cleaned_data["owner"]))


class SettleForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (SupportStatus.DONE, SupportStatus.DONE.label),
            (SupportStatus.DECLINED, SupportStatus.DECLINED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX, widget=text_area(NOTE_MAX, 2))


class BlockerForm(forms.Form):
    """EXE-2: a blocker raised in the 1-on-1, listed with the report's team (or department)."""

    title = forms.CharField(label=_("What is in the way"), max_length=TITLE_MAX, widget=text_input(TITLE_MAX))
    owner = forms.ChoiceField(label=_("Who settles it"))

    def __init__(self, *args: Any, pair: tuple[Person, Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager, report = pair
        field = cast(forms.ChoiceField, self.fields["owner"])
        field.choices = [(str(report.pk), str(report)), (str(manager.pk), str(manager))]
        self.pair = {manager.pk: manager, report.pk: report}

    def owner_person(self) -> Person | None:
        return self.pair.get(int(self.cleaned_data["owner"]))
