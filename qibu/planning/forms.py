"""The forms of the planning section: a proposal or objection, its answer, and a take-up. They parse and offer
choices; what is allowed and what is too long is the services' to say, in the same words for page and API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qibu.core.forms import text_area
from qibu.core.validation import COMMENT_MAX, NOTE_MAX
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.planning.models import ProposalKind, ProposalStatus


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=ProposalKind.choices, required=False, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=gettext_lazy("Your proposal or objection"),
        widget=text_area(COMMENT_MAX, 3),
        required=False,
        strip=False,
    )
    key_result = forms.ChoiceField(label=gettext_lazy("About"), required=False)

    def __init__(self, *args: Any, key_results: list[KeyResult] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"kind": ProposalKind.PROPOSAL})
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["placeholder"] = _("What should this draft say, or what is wrong with it?")
        about: forms.ChoiceField = self.fields["key_result"]  # type: ignore[assignment]
        about.choices = [("", _("the objective"))] + [
            (str(kr.pk), _("key result: %(title)s") % {"title": kr.title}) for kr in key_results or []
        ]
        if not key_results:
            about.widget = forms.HiddenInput()


class ProposalEditForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=ProposalKind.choices, required=False, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=gettext_lazy("Your proposal or objection"),
        widget=text_area(COMMENT_MAX, 4),
        required=False,
        strip=False,
    )


class RespondForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Answer"), choices=ProposalStatus.choices, required=False)
    note = forms.CharField(
        label=gettext_lazy("Why (its author reads it)"), widget=text_area(NOTE_MAX, 2), required=False, strip=False
    )


def _choice_label(objective: Objective) -> str:
    if objective.level == Level.PERSON:
        return _("%(owner)s: %(title)s") % {"owner": objective.owner or "—", "title": objective.title}
    if objective.department is not None:
        return _("%(department)s: %(title)s") % {"department": objective.department.name, "title": objective.title}
    return objective.title


class TakeUpForm(forms.Form):
    source_objective = forms.ChoiceField(label=gettext_lazy("Objective taken up"), required=False)
    note = forms.CharField(
        label=gettext_lazy("What the draft took from it"), widget=text_area(NOTE_MAX, 2), required=False, strip=False
    )

    def __init__(self, *args: Any, choices: list[Objective] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source: forms.ChoiceField = self.fields["source_objective"]  # type: ignore[assignment]
        source.choices = [("", "—")] + [(str(o.pk), _choice_label(o)) for o in choices or []]
