"""The cycles settings page's forms: a fiscal year with its quarters and months, or a cycle of one's own."""

from __future__ import annotations

from django import forms
from django.utils import dates
from django.utils.translation import gettext_lazy as _

from qibu.core.forms import text_input
from qibu.core.validation import SHORT_NAME_MAX
from qibu.cycles.models import CycleKind

MONTHS = sorted(dates.MONTHS.items())


class GenerateYearForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("fiscal year"), min_value=2000, max_value=2100)
    start_month = forms.TypedChoiceField(label=_("starts in month"), choices=MONTHS, coerce=int)


class CycleForm(forms.Form):
    name = forms.CharField(label=_("name"), widget=text_input(SHORT_NAME_MAX))
    # A project's stages are made with their project (qibu.projects), which keeps their dates within it.
    kind = forms.ChoiceField(label=_("kind"), choices=[(CycleKind.CUSTOM, CycleKind.CUSTOM.label)])
    start = forms.DateField(label=_("start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("end"), widget=forms.DateInput(attrs={"type": "date"}))
