"""Forms of the project pages. They parse and render; the rules and their messages are the services' (the
project's own, and okrs' for the stages' objectives and key results, whose forms are reused here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qibu.core.forms import text_area, text_input
from qibu.core.validation import NAME_MAX, NOTE_MAX, SHORT_NAME_MAX, STATEMENT_MAX, TEXT_MAX, TITLE_MAX
from qibu.okrs.forms import KeyResultForm, OwnerField, ParentKeyResultField, ParentObjectiveField, PeopleField
from qibu.okrs.models import Commitment, KeyResult, Objective, Priority
from qibu.org.models import Person
from qibu.projects.models import Project, Stage
from qibu.projects.selectors import alignment_candidates

# Service error keys named differently here.
ERROR_ALIASES = {
    "parent_objective_ids": "parent_objectives",
    "parent_key_result_ids": "parent_key_results",
}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def active_people() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).select_related("department").order_by("full_name", "username")


def members_of(project: Project) -> QuerySet[Person]:
    """The people of the project, as owners and carriers are chosen from them."""
    return (
        Person.objects.filter(project_memberships__project=project)
        .select_related("department")
        .order_by("full_name", "username")
    )


class ProjectForm(forms.Form):
    """VIS-3: the project's vision and mission first, then its lead and dates."""

    name = forms.CharField(label=_("Project"), required=False, widget=text_input(NAME_MAX))
    vision = forms.CharField(
        label=_("Vision"),
        required=False,
        help_text=_("What the project wants the future to look like."),
        widget=text_area(STATEMENT_MAX, rows=2),
    )
    mission = forms.CharField(
        label=_("Mission"),
        required=False,
        help_text=_("What the project is for: its aim and purpose."),
        widget=text_area(STATEMENT_MAX, rows=2),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=text_area(TEXT_MAX, rows=3))
    lead = OwnerField(label=_("Lead"), queryset=Person.objects.none(), required=False)
    start = forms.DateField(label=_("Start date"), widget=_date_input())
    end = forms.DateField(label=_("End date"), widget=_date_input())

    def __init__(self, *args: Any, current_lead: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Everyone active, and the lead as they are (deactivated since, they stay until someone else is named).
        people = active_people()
        if current_lead is not None:
            people = people | Person.objects.filter(pk=current_lead.pk)
        cast(OwnerField, self.fields["lead"]).offer(people)


class MemberForm(forms.Form):
    person = OwnerField(label=_("Person"), queryset=Person.objects.none(), required=False)
    role = forms.CharField(label=_("Role in the project"), required=False, widget=text_input(SHORT_NAME_MAX))
    note = forms.CharField(label=_("Note"), required=False, widget=text_area(NOTE_MAX, rows=2))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offered: everyone active from any department who is not on the project yet; the service decides.
        cast(OwnerField, self.fields["person"]).offer(active_people().exclude(project_memberships__project=project))


class MemberEditForm(forms.Form):
    role = forms.CharField(label=_("Role in the project"), required=False, widget=text_input(SHORT_NAME_MAX))
    note = forms.CharField(label=_("Note"), required=False, widget=text_area(NOTE_MAX, rows=2))


class StageForm(forms.Form):
    """PLAY-PROJ 步骤四: the stage's time frame, within the project's."""

    name = forms.CharField(label=_("Stage"), required=False, widget=text_input(SHORT_NAME_MAX))
    start = forms.DateField(label=_("Start date"), required=False, widget=_date_input())
    end = forms.DateField(label=_("End date"), required=False, widget=_date_input())
    position = forms.IntegerField(label=_("Position"), required=False, min_value=0, max_value=10_000)

    def __init__(self, *args: Any, instance: Stage | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["position"]


class StageObjectiveForm(forms.Form):
    """A stage objective (PLAY-PROJ 步骤二), owned by a member and aligned to department or company objectives."""

    title = forms.CharField(label=_("Objective"), required=False, widget=text_input(TITLE_MAX))
    description = forms.CharField(label=_("Why it matters"), required=False, widget=text_area(TEXT_MAX, rows=3))
    owner = OwnerField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.P1, required=False
    )
    commitment = forms.ChoiceField(
        label=_("Commitment"), choices=Commitment.choices, initial=Commitment.ASPIRATIONAL, required=False
    )
    weight = forms.CharField(
        label=_("Weight"), required=False, initial="1", widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=_date_input())
    end_date = forms.DateField(label=_("End date"), required=False, widget=_date_input())
    parent_objectives = ParentObjectiveField(
        label=_("Aligned to objectives"),
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parent_key_results = ParentKeyResultField(
        label=_("Aligned to key results"),
        queryset=KeyResult.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, actor: Person, project: Project, stage: Stage, current: Sequence[int] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(OwnerField, self.fields["owner"]).offer(members_of(project))
        parents = alignment_candidates(actor, stage, current)
        cast(forms.ModelChoiceField[Objective], self.fields["parent_objectives"]).queryset = parents
        cast(forms.ModelChoiceField[KeyResult], self.fields["parent_key_results"]).queryset = (
            KeyResult.objects.filter(objective__in=parents.values("pk"))
            .select_related("objective")
            .order_by("objective__level", "objective__priority", "objective_id", "position", "id")
        )
        self.fields["start_date"].help_text = _("Empty: the stage's dates.")

    def fields_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "title": d.get("title", ""),
            "description": d.get("description", ""),
            "owner": d.get("owner"),
            "priority": d.get("priority") if d.get("priority") not in (None, "") else None,
            "weight": d.get("weight") or None,
            "commitment": d.get("commitment") or None,
            "start_date": d.get("start_date"),
            "end_date": d.get("end_date"),
        }


class ProjectKeyResultForm(KeyResultForm):
    """okrs' key result form, with the owner chosen from the project's members and the members who carry it
    (PLAY-PROJ 步骤五, decompose and empower)."""

    contributors = PeopleField(
        label=_("Carried by"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The members who carry the key result with its owner."),
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = members_of(project)
        cast(OwnerField, self.fields["owner"]).offer(members)
        cast(PeopleField, self.fields["contributors"]).offer(members)


class CarriersForm(forms.Form):
    contributors = PeopleField(
        label=_("Carried by"), queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PeopleField, self.fields["contributors"]).offer(members_of(project))
