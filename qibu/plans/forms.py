"""Forms of the action plan pages. They parse and render; the rules (and their messages) are the services'.

People are named by username (a box, not a drop-down of everyone: it scales to any company), with a list of likely
names offered to the browser. Whoever is named is looked up among everyone who ever worked in the company, so that
the service can say why a person who left will not do: only a name nobody has is refused here."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qibu.core.forms import text_area, text_input
from qibu.core.validation import NOTE_MAX, TEXT_MAX, TITLE_MAX
from qibu.okrs.models import Priority
from qibu.org.models import Person
from qibu.plans.models import StepStatus

PEOPLE_LIST = "plans-people"
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _unknown(username: str) -> ValidationError:
    return ValidationError(
        _("Nobody in the company has the username “%(username)s”."), params={"username": username}, code="unknown"
    )


class PersonField(forms.CharField):
    """A person named by username (anyone who ever worked here: the service refuses those who left, saying so)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": PEOPLE_LIST, "autocomplete": "off"})

    def clean(self, value: Any) -> Person | None:
        username = (super().clean(value) or "").strip().lstrip("@")
        if not username:
            return None
        person = Person.objects.filter(username=username).first()
        if person is None:
            raise _unknown(username)
        return person


class PeopleField(forms.CharField):
    """People named by username, separated by spaces or commas."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off"})

    def clean(self, value: Any) -> list[Person]:
        text = super().clean(value) or ""
        usernames = [name.lstrip("@") for name in _SEPARATORS.split(text) if name.strip().lstrip("@")]
        found = {p.username: p for p in Person.objects.filter(username__in=usernames)}
        missing = [name for name in usernames if name not in found]
        if missing:
            raise _unknown(", ".join(missing))
        return [found[name] for name in dict.fromkeys(usernames)]


def usernames(people: list[Person]) -> str:
    return " ".join(p.username for p in people)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=StepStatus.choices)


class StepForm(forms.Form):
    """A new step (with its people) or a change of one (`with_people` False: people change by reassigning)."""

    title = forms.CharField(label=gettext_lazy("Step"), required=False, widget=text_input(TITLE_MAX))
    description = forms.CharField(
        label=gettext_lazy("What is to be done"), required=False, widget=text_area(TEXT_MAX, rows=3)
    )
    owner = PersonField(label=gettext_lazy("Who does it (username)"))
    responsible = PersonField(label=gettext_lazy("Who answers for it (username)"))
    decider = PersonField(label=gettext_lazy("Who decides (username)"))
    start = forms.DateField(label=gettext_lazy("Start"), required=False, widget=_date_input())
    deadline = forms.DateField(label=gettext_lazy("Deadline"), required=False, widget=_date_input())
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"), choices=Priority.choices, coerce=int, initial=Priority.P2
    )
    resource_people = PeopleField(
        label=gettext_lazy("People who help (usernames)"), widget=text_input(500, **{"list": PEOPLE_LIST})
    )
    budget = forms.CharField(label=gettext_lazy("Budget"), required=False, widget=text_input(20, inputmode="decimal"))
    currency = forms.CharField(label=gettext_lazy("Currency"), required=False, widget=text_input(3))
    resources_note = forms.CharField(
        label=gettext_lazy("Other resources"), required=False, widget=text_area(NOTE_MAX, rows=2)
    )

    def __init__(self, *args: Any, with_people: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_people:
            for name in ("owner", "responsible", "decider"):
                del self.fields[name]
        self.fields["title"].widget.attrs["placeholder"] = _("A concrete step, e.g. “Run the spring campaign”")
        self.fields["resources_note"].widget.attrs["placeholder"] = _("Tools, materials, outside help …")

    def service_data(self) -> dict[str, Any]:
        """What the services take, from the cleaned data."""
        data = dict(self.cleaned_data)
        for name in ("owner", "responsible", "decider"):
            data.pop(name, None)
        return data


class ReassignForm(forms.Form):
    owner = PersonField(label=gettext_lazy("Who does it (username)"))
    responsible = PersonField(label=gettext_lazy("Who answers for it (username)"))
    decider = PersonField(label=gettext_lazy("Who decides (username)"))


class MoveForm(forms.Form):
    key_result = forms.TypedChoiceField(label=gettext_lazy("Key result"), coerce=int)
    position = forms.IntegerField(
        label=gettext_lazy("Place in its plan (1 first; empty: last)"), required=False, min_value=1
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedChoiceField = self.fields["key_result"]  # type: ignore[assignment]
        field.choices = choices


class SplitForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("The new step"), required=False, widget=text_input(TITLE_MAX))
    first_deadline = forms.DateField(label=gettext_lazy("This step now ends"), required=False, widget=_date_input())
    second_start = forms.DateField(label=gettext_lazy("The new step starts"), required=False, widget=_date_input())
    second_deadline = forms.DateField(
        label=gettext_lazy("The new step's deadline"), required=False, widget=_date_input()
    )
    second_budget = forms.CharField(
        label=gettext_lazy("Budget the new step takes"), required=False, widget=text_input(20, inputmode="decimal")
    )
