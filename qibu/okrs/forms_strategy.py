"""Forms of the strategy pages (VIS-1, VIS-2), of the key results written first (SET-9) and of moving a key result.
They parse and render; the rules and their messages are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qibu.core.forms import text_area, text_input
from qibu.core.validation import STATEMENT_MAX, TITLE_MAX, UNIT_MAX
from qibu.okrs.forms import _date_input, _kind_select, _kinds_of_fields
from qibu.okrs.models import KeyResultKind
from qibu.org.models import StrategicGoal


class VisionForm(forms.Form):
    vision = forms.CharField(label=_("Vision"), required=False, widget=text_area(STATEMENT_MAX, rows=3))
    mission = forms.CharField(label=_("Mission"), required=False, widget=text_area(STATEMENT_MAX, rows=3))


class GoalMoveForm(forms.Form):
    """Up or down one place (the buttons, without JavaScript), or to a place (1 first: dragging)."""

    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")], required=False)
    place = forms.IntegerField(min_value=1, required=False)


def _decimal_input() -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal"})


class DraftKeyResultForm(forms.Form):
    """SET-9: a key result written before its objective, of any kind; an executive's may sit under a strategic
    goal (PLAY-LOKR)."""

    title = forms.CharField(label=_("Key result"), required=False, widget=text_input(TITLE_MAX))
    kind = _kind_select(KeyResultKind.choices, KeyResultKind.INCREASE)
    start_value = forms.CharField(label=_("Start"), required=False, initial="0", widget=_decimal_input())
    target_value = forms.CharField(label=_("Target"), required=False, widget=_decimal_input())
    unit = forms.CharField(label=_("Unit"), required=False, widget=text_input(UNIT_MAX))
    band_low = forms.CharField(label=_("Band low"), required=False, widget=_decimal_input())
    band_high = forms.CharField(label=_("Band high"), required=False, widget=_decimal_input())
    milestones = forms.CharField(
        label=_("Milestones"), required=False, help_text=_("One per line."), widget=forms.Textarea(attrs={"rows": 3})
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=_date_input())
    end_date = forms.DateField(label=_("End date"), required=False, widget=_date_input())
    strategic_goal = forms.ModelChoiceField(
        label=_("Strategic goal"),
        queryset=StrategicGoal.objects.order_by("position", "id"),
        required=False,
        empty_label=_("No strategic goal"),
    )

    def __init__(self, *args: Any, with_goal: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_date"].help_text = _("Empty: the dates of the objective it will serve.")
        if not with_goal:
            del self.fields["strategic_goal"]
        self.kinds = _kinds_of_fields(self)

    def values(self) -> dict[str, Any]:
        """What the services take, as typed (the service checks it)."""
        data = self.cleaned_data
        text = data.get("milestones") or ""
        return {
            "title": data.get("title", ""),
            "kind": data.get("kind") or KeyResultKind.INCREASE,
            "start_value": data.get("start_value") or "0",
            "target_value": data.get("target_value") or None,
            "unit": data.get("unit", ""),
            "band_low": data.get("band_low") or None,
            "band_high": data.get("band_high") or None,
            "milestones": [line.strip() for line in text.splitlines() if line.strip()],
            "start_date": data.get("start_date"),
            "end_date": data.get("end_date"),
            **({"strategic_goal": data.get("strategic_goal")} if "strategic_goal" in self.fields else {}),
        }


class ObjectiveIdForm(forms.Form):
    """The objective a key result moves to, or drafted key results are added to: an id, checked by `access`."""

    objective = forms.IntegerField(label=_("Objective"), min_value=1, max_value=2**62)
