"""The correction form (EXE-11): its kind, its reason, and the new values the kind asks for. It parses and renders;
`qibu.okrs.services.corrections` checks everything and names the field of each problem."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qibu.core.forms import text_area, text_input
from qibu.core.numbers import plain
from qibu.core.validation import NOTE_MAX, TEXT_MAX, TITLE_MAX
from qibu.okrs.models import CorrectionKind, KeyResult, KeyResultKind, Objective
from qibu.okrs.services.corrections import STRATEGY_MAX

# The form's fields each kind sends to the service (a form sent without JavaScript carries every field).
KIND_INPUTS: dict[str, tuple[str, ...]] = {
    CorrectionKind.RE_EVALUATE: ("title", "description"),
    CorrectionKind.TARGET: ("target_value", "band_low", "band_high"),
    CorrectionKind.DATES: ("start_date", "end_date"),
    CorrectionKind.STRATEGY: ("strategy",),
}

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the correction changes"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why (required)"),
        required=False,
        widget=text_area(NOTE_MAX, 3),
        help_text=_("What the check-ins show, and why the plan no longer holds."),
    )
    title = forms.CharField(label=_("Objective's title"), required=False, widget=text_input(TITLE_MAX))
    description = forms.CharField(label=_("Description"), required=False, widget=text_area(TEXT_MAX, 3))
    target_value = forms.CharField(label=_("New target"), required=False, widget=text_input(30, inputmode="decimal"))
    band_low = forms.CharField(label=_("New band low"), required=False, widget=text_input(30, inputmode="decimal"))
    band_high = forms.CharField(label=_("New band high"), required=False, widget=text_input(30, inputmode="decimal"))
    start_date = forms.DateField(
        label=_("New start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(label=_("New end date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    strategy = forms.CharField(label=_("Strategy or resources now"), required=False, widget=text_area(STRATEGY_MAX, 3))

    def __init__(self, *args: Any, objective: Objective, key_result: KeyResult | None, **kwargs: Any) -> None:
        kinds = [
            (value, label)
            for value, label in CorrectionKind.choices
            if value != CorrectionKind.TARGET or key_result is not None
        ]
        if key_result is not None:
            kinds = [(v, label) for v, label in kinds if v != CorrectionKind.RE_EVALUATE]
        initial = kwargs.setdefault("initial", {})
        subject: Objective | KeyResult = key_result if key_result is not None else objective
        initial.setdefault("kind", kinds[0][0])
        initial.setdefault("title", objective.title)
        initial.setdefault("description", objective.description)
        initial.setdefault("start_date", subject.start_date)
        initial.setdefault("end_date", subject.end_date)
        if key_result is not None:
            initial.setdefault("target_value", plain(key_result.target_value))
            initial.setdefault("band_low", plain(key_result.band_low))
            initial.setdefault("band_high", plain(key_result.band_high))
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["kind"]).choices = kinds
        self.kinds = kinds
        self.key_result = key_result
        self.objective = objective
        measured = key_result.kind if key_result is not None else None
        if measured != KeyResultKind.BAND:
            del self.fields["band_low"], self.fields["band_high"]
        if measured not in (KeyResultKind.INCREASE, KeyResultKind.DECREASE):
            del self.fields["target_value"]
        if key_result is not None:
            del self.fields["title"], self.fields["description"]

    def changes(self) -> dict[str, Any]:
        """The new values the chosen kind sends, from the cleaned data."""
        data = self.cleaned_data
        names = KIND_INPUTS.get(data.get("kind") or "", ())
        return {name: data.get(name) for name in names if name in self.fields}

    def fields_of(self, kind: str) -> list[forms.BoundField]:
        return [self[name] for name in KIND_INPUTS[kind] if name in self.fields]

    @property
    def groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(kind, label, fields) of each kind that asks for new values, for the template's fieldsets."""
        return [(kind, str(label), self.fields_of(kind)) for kind, label in self.kinds if self.fields_of(kind)]
