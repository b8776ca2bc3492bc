"""Forms of the blocker pages. They parse and render; the rules (and their messages) are the services'. People are
named by username with a list of likely names offered to the browser, as on the action plan forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from qibu.blockers.models import BlockerStatus, Tier
from qibu.core.forms import text_area, text_input
from qibu.core.validation import NOTE_MAX, TEXT_MAX, TITLE_MAX
from qibu.plans.forms import PeopleField, PersonField

PEOPLE_LIST = "plans-people"  # the datalist of `plans/_people_list.html`


class BlockerForm(forms.Form):
    """Raise a blocker, or change one (without the group it was raised in)."""

    title = forms.CharField(label=gettext_lazy("What is in the way"), required=False, widget=text_input(TITLE_MAX))
    description = forms.CharField(label=gettext_lazy("Details"), required=False, widget=text_area(TEXT_MAX, rows=3))
    owner = PersonField(label=gettext_lazy("Who settles it (username)"))
    concerned = PeopleField(
        label=gettext_lazy("People concerned (usernames)"), widget=text_input(500, **{"list": PEOPLE_LIST})
    )
    link = forms.ChoiceField(label=gettext_lazy("Key result or action step"), required=False)
    group = forms.ChoiceField(label=gettext_lazy("Raised in"), required=False)

    def __init__(
        self,
        *args: Any,
        links: list[tuple[str, str]],
        groups: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        link: forms.ChoiceField = self.fields["link"]  # type: ignore[assignment]
        link.choices = [("", gettext_lazy("— none —")), *links]
        if groups is None:
            del self.fields["group"]
        else:
            group: forms.ChoiceField = self.fields["group"]  # type: ignore[assignment]
            group.choices = groups


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("How it was settled"), required=False, widget=text_area(NOTE_MAX, rows=3)
    )


STATUS_CHOICES = [("open", gettext_lazy("open")), ("resolved", gettext_lazy("resolved")), ("all", gettext_lazy("all"))]


class FilterForm(forms.Form):
    """The list's filters (a GET form: unknown values fall back to none)."""

    mine = forms.BooleanField(label=gettext_lazy("I settle"), required=False)
    concerning = forms.BooleanField(label=gettext_lazy("Concerning me"), required=False)
    team = forms.TypedChoiceField(label=gettext_lazy("Team"), required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(label=gettext_lazy("Department"), required=False, coerce=int, empty_value=None)
    tier = forms.ChoiceField(label=gettext_lazy("Meeting"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(
        self, *args: Any, teams: list[tuple[int, str]], departments: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        team: forms.TypedChoiceField = self.fields["team"]  # type: ignore[assignment]
        team.choices = [("", gettext_lazy("any team")), *teams]
        department: forms.TypedChoiceField = self.fields["department"]  # type: ignore[assignment]
        department.choices = [("", gettext_lazy("any department")), *departments]
        tier: forms.ChoiceField = self.fields["tier"]  # type: ignore[assignment]
        tier.choices = [("", gettext_lazy("any meeting")), *Tier.choices]

    def status_value(self) -> str:
        value = self.cleaned_data.get("status") or BlockerStatus.OPEN
        return "" if value == "all" else value
