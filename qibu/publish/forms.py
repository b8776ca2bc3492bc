"""The publish form: the leaders' message and whether to publish without those not ready."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qibu.core.forms import text_area
from qibu.core.validation import TEXT_MAX


class PublishForm(forms.Form):
    message = forms.CharField(
        label=_("Leaders' message: why these OKRs matter"),
        required=False,
        widget=text_area(TEXT_MAX, 8),
        help_text=_("Shown at the top of the publication and in everyone's mail, as plain text."),
    )
    anyway = forms.BooleanField(label=_("Publish anyway, naming who is not ready"), required=False)
