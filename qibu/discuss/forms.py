"""The comment box: the text, and what the comment is about (the objective, a key result, a check-in)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qibu.core.forms import text_area
from qibu.core.validation import COMMENT_MAX

if TYPE_CHECKING:
    from qibu.discuss.selectors import Choice


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Comment"),
        widget=text_area(COMMENT_MAX, 3),
        # The service decides what is too long or empty, in the same words for page and API.
        required=False,
        strip=False,
    )
    about = forms.ChoiceField(label=gettext_lazy("About"), required=False)

    def __init__(self, *args: Any, choices: list[Choice] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["placeholder"] = _("Write a comment; @name mentions a colleague")
        about: forms.ChoiceField = self.fields["about"]  # type: ignore[assignment]
        about.choices = [(c.value, _label(c)) for c in choices or []]
        if not choices or len(choices) == 1:
            about.widget = forms.HiddenInput()


def _label(choice: Choice) -> str:
    if not choice.value:
        return _("the objective")
    if choice.value.startswith("kr-"):
        return _("key result: %(title)s") % {"title": choice.label}
    return _("check-in of %(key_result)s, %(at)s") % {"key_result": choice.key_result, "at": choice.label}


class CommentEditForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Comment"), widget=text_area(COMMENT_MAX, 4), required=False, strip=False)
