"""Forms for the OKR pages. They parse and render; the rules (and their messages) live in the services.

Numbers, titles and confidence are plain text fields on purpose: `qibu.okrs.services` checks them and
answers with a message naming the field, which `apply_errors` places next to that field.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from qibu.core.forms import text_area, text_input
from qibu.core.validation import COMMENT_MAX, NOTE_MAX, TEXT_MAX, TITLE_MAX, UNIT_MAX
from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.selectors import cycle_list
from qibu.okrs.access import headed_department_paths
from qibu.okrs.models import (
    KIND_FIELDS,
    Alignment,
    Commitment,
    KeyResult,
    KeyResultKind,
    Level,
    Objective,
    Priority,
    RollupMode,
    Status,
    Visibility,
)
from qibu.okrs.selectors import objectives_visible
from qibu.org.models import Department, Person, StrategicGoal, Team

# Service error keys that are named differently in the forms.
ERROR_ALIASES = {
    "parent_objective_ids": "parent_objectives",
    "parent_key_result_ids": "parent_key_results",
    "milestones_done": "value",
}


def milestone_lines(text: str) -> list[dict[str, str]]:
    """The milestones typed one per line, each with an optional due date after a bar (EXE-9): "Pilot live | 2026-11-15".
    The service checks the date."""
    rows = []
    for line in text.splitlines():
        title, bar, due = line.rpartition("|") if "|" in line else (line, "", "")
        if title.strip():
            rows.append({"title": title.strip(), "due_date": due.strip()} if bar else {"title": title.strip()})
    return rows


KEY_RESULT_DRAFTS = 3  # SET-9: key results written with the objective, before its title
# The levels the objective editor sets: a project's objectives are set on the project's page (PLAY-PROJ).
EDITOR_LEVELS = [level for level in Level.values if level != Level.PROJECT]


def owner_choices(actor: Person, current: Person | None = None) -> QuerySet[Person]:
    """The people `actor` may set OKRs for: everyone for executives, else themself, their reports and
    the people of the departments they head (plus the current owner, so an edit keeps it, deactivated or not)."""
    active = Q(is_active=True) | Q(pk=current.pk) if current is not None else Q(is_active=True)
    people = Person.objects.filter(active).select_related("department").order_by("full_name", "username")
    if actor.is_executive:
        return people
    scope = Q(pk=actor.pk) | Q(manager_id=actor.pk)
    for path in headed_department_paths(actor):
        scope |= Q(department__path__startswith=path)
    if current is not None:
        scope |= Q(pk=current.pk)
    return people.filter(scope)


def parent_objective_choices(
    actor: Person,
    cycle: Cycle | None,
    owner: Person | None,
    exclude_pk: int | None,
    current: Collection[int] = (),
) -> QuerySet[Objective]:
    """Objectives one may align to (SET-6): visible, in the same or the parent cycle; personal ones only
    when they belong to the actor, the owner or the owner's manager; and the `current` parents the actor
    may see, wherever they are, so that an edit shows every link it may keep or remove."""
    if cycle is None:
        return objectives_visible(actor).filter(pk__in=current).order_by("cycle__start", "level", "priority", "id")
    cycles = [cycle.pk] + ([cycle.parent_id] if cycle.parent_id else [])
    people = {actor.pk, actor.manager_id}
    if owner is not None:
        people |= {owner.pk, owner.manager_id}
    people.discard(None)
    candidates = Q(cycle_id__in=cycles) & (
        Q(level__in=[Level.COMPANY, Level.DEPARTMENT, Level.TEAM]) | Q(owner_id__in=people)
    )
    qs = (
        objectives_visible(actor)
        .filter(candidates | Q(pk__in=current))
        .order_by("cycle__start", "level", "priority", "id")
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


class _ParentIdsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # ids, not rows (see clean)
    """Offers the candidate parents as boxes but answers the ids ticked, whatever they are: whether each exists
    for the editor is `alignment_set`'s to decide, as it does for the API (SET-6)."""

    def clean(self, value: Any) -> list[int]:  # type: ignore[override]  # ids, not rows: see the class
        ids: list[int] = []
        for item in value or []:
            try:
                ids.append(int(item))
            except (TypeError, ValueError):
                raise forms.ValidationError(_("Choose from the list."), code="invalid_choice") from None
        return ids


class ParentKeyResultField(_ParentIdsField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.objective.title} › {obj.title}"


class ParentObjectiveField(_ParentIdsField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.get_level_display()}, {obj.cycle.name})"


class _OfferedChoices(ModelChoiceIterator):  # type: ignore[type-arg]
    """The rows a field offers, which may be fewer than those it accepts."""

    def __init__(self, field: forms.ModelChoiceField[Any]) -> None:
        super().__init__(field)
        offered: QuerySet[Any] | None = getattr(field, "offered", None)
        if offered is not None:
            self.queryset = offered


class OwnerField(forms.ModelChoiceField[Person]):
    """Offers the people the editor may set OKRs for, and accepts anyone active in the company (and a deactivated
    owner offered because the objective is theirs): whether the editor may give it to the one chosen is
    `qibu.okrs.access`'s to decide (403), as it is for the API."""

    iterator = _OfferedChoices

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered: QuerySet[Person] | None = None

    def offer(self, people: QuerySet[Person]) -> None:
        kept = people.filter(is_active=False).values("pk")
        self.queryset = Person.objects.filter(Q(is_active=True) | Q(pk__in=kept)).select_related("department")
        self.offered = people
        self.widget.choices = self.choices

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.department})" if obj.department_id else str(obj)


class PeopleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """`OwnerField` for several people (those who carry a key result): offers some, and accepts anyone active and
    anyone offered; whether each may carry it is the service's to decide (`qibu.okrs.people_rules`)."""

    iterator = _OfferedChoices

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered: QuerySet[Person] | None = None

    def offer(self, people: QuerySet[Person]) -> None:
        self.queryset = Person.objects.filter(Q(is_active=True) | Q(pk__in=people.values("pk")))
        self.offered = people
        self.widget.choices = self.choices

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.department})" if obj.department_id else str(obj)


def _offer_owners(form: forms.Form, people: QuerySet[Person]) -> None:
    cast(OwnerField, form.fields["owner"]).offer(people)


def _set_choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """The rows a model choice field offers (and accepts), set once the form knows who fills it in."""
    cast(forms.ModelChoiceField[Any], form.fields[name]).queryset = queryset


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("Objective"), required=False, widget=text_input(TITLE_MAX))
    description = forms.CharField(label=_("Why it matters"), required=False, widget=text_area(TEXT_MAX, rows=3))
    level = forms.ChoiceField(
        label=_("Level"), choices=[c for c in Level.choices if c[0] in EDITOR_LEVELS], initial=Level.PERSON
    )
    cycle = forms.ModelChoiceField(label=_("Cycle"), queryset=Cycle.objects.none())
    owner = OwnerField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("path"), required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.select_related("department").order_by("name"), required=False
    )
    # SET-10: chosen, not assumed: a new objective starts with none, and the coach says so until one is chosen
    # (left empty, the service gives it P1).
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", _("— choose —")), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    commitment = forms.ChoiceField(
        label=_("Commitment"), choices=Commitment.choices, initial=Commitment.ASPIRATIONAL, required=False
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.COMPANY, required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, initial=Status.ACTIVE, required=False)
    rollup_mode = forms.ChoiceField(
        label=_("Progress from"), choices=RollupMode.choices, initial=RollupMode.KEY_RESULTS, required=False
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
    # VIS-2: a company objective's link to the strategy (the other levels align to objectives or key results).
    strategic_goal = forms.ModelChoiceField(
        label=_("Strategic goal"),
        queryset=StrategicGoal.objects.order_by("position", "id"),
        required=False,
        empty_label=_("None yet"),
        help_text=_("The strategic goal this company objective serves."),
    )

    def __init__(
        self,
        *args: Any,
        actor: Person,
        cycle: Cycle | None,
        instance: Objective | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.instance = instance
        # A project stage's cycle holds its project's objectives only, set on the project's page.
        cycles = cycle_list().exclude(kind=CycleKind.PROJECT_STAGE)
        if instance is not None:
            # An objective set in a month keeps its cycle on the list.
            cycles = Cycle.objects.filter(Q(pk__in=cycles.values("pk")) | Q(pk=instance.cycle_id)).order_by(
                "-start", "kind"
            )
        _set_choices(self, "cycle", cycles)
        owner = instance.owner if instance else None
        _offer_owners(self, owner_choices(actor, owner))
        # The candidate parents follow the cycle chosen in the submitted form when there is one.
        chosen = cycle
        if self.is_bound and self.data.get("cycle"):
            try:
                chosen = Cycle.objects.filter(pk=int(self.data["cycle"])).first() or cycle
            except (TypeError, ValueError):
                chosen = cycle
        self.parent_cycle = chosen
        links = list(
            Alignment.objects.filter(child=instance).values_list("rollup_parent_id", "parent_key_result_id")
            if instance is not None
            else []
        )
        parents = parent_objective_choices(
            actor, chosen, owner or actor, instance.pk if instance else None, current=[o for o, k in links if not k]
        )
        _set_choices(self, "parent_objectives", parents)
        _set_choices(
            self,
            "parent_key_results",
            KeyResult.objects.filter(
                Q(objective__in=parents.values("pk"))
                | Q(pk__in=[k for _o, k in links if k], objective__in=objectives_visible(actor).values("pk"))
            )
            .select_related("objective")
            .order_by("objective__level", "objective__priority", "objective_id", "position", "id"),
        )
        self.fields["level"].help_text = _(
            "A personal objective needs an owner, a team objective a team, a department objective a department."
        )
        self.fields["start_date"].help_text = _("Empty: the cycle's dates.")
        if instance is not None:
            # The level is fixed once created (SET-1); the cycle, owner and everything else may change.
            self.fields["level"].disabled = True
            if instance.level != Level.COMPANY:
                del self.fields["strategic_goal"]
            level_field = cast(forms.ChoiceField, self.fields["level"])
            level_field.choices = Level.choices


def _kind_select(choices: Any, initial: str) -> forms.ChoiceField:
    """The kind of a key result; `data-kind-switch` lets `qibu.js` show only the fields of the kind chosen."""
    return forms.ChoiceField(
        label=_("Kind"),
        choices=choices,
        initial=initial,
        required=False,
        widget=forms.Select(attrs={"data-kind-switch": ""}),
    )


def _kinds_of_fields(form: forms.Form) -> dict[str, str]:
    """For each field that only some kinds use, those kinds, as the template writes them in `data-kinds`."""
    return {
        name: " ".join(kind for kind, fields in KIND_FIELDS.items() if name in fields)
        for name in {name for fields in KIND_FIELDS.values() for name in fields}
        if name in form.fields
    }


class KeyResultDraftForm(forms.Form):
    """SET-9: a key result written in the same form as its objective, of any kind."""

    title = forms.CharField(label=_("Key result"), required=False, widget=text_input(TITLE_MAX))
    kind = _kind_select(KeyResultKind.choices, KeyResultKind.INCREASE)
    start_value = forms.CharField(
        label=_("Start"), required=False, initial="0", widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    target_value = forms.CharField(
        label=_("Target"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    unit = forms.CharField(label=_("Unit"), required=False, widget=text_input(UNIT_MAX))
    band_low = forms.CharField(
        label=_("Band low"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    band_high = forms.CharField(
        label=_("Band high"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    milestones = forms.CharField(
        label=_("Milestones"),
        required=False,
        help_text=_("One per line; a due date after a bar: “Pilot live | 2026-11-15”."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = _kinds_of_fields(self)

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("title") or data.get("target_value"))

    def milestone_titles(self) -> list[dict[str, str]]:
        return milestone_lines(self.cleaned_data.get("milestones") or "")


class KeyResultForm(forms.Form):
    title = forms.CharField(label=_("Key result"), required=False, widget=text_input(TITLE_MAX))
    kind = _kind_select(KeyResultKind.choices, KeyResultKind.INCREASE)
    start_value = forms.CharField(
        label=_("Start value"), required=False, initial="0", widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    target_value = forms.CharField(
        label=_("Target value"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    current_value = forms.CharField(
        label=_("Current value"),
        required=False,
        help_text=_("Empty: the start value."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit = forms.CharField(label=_("Unit"), required=False, widget=text_input(UNIT_MAX))
    band_low = forms.CharField(
        label=_("Band low"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    band_high = forms.CharField(
        label=_("Band high"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    milestones = forms.CharField(
        label=_("Milestones"),
        required=False,
        help_text=_("One per line; a due date after a bar: “Pilot live | 2026-11-15”."),
        widget=forms.Textarea(attrs={"rows": "4"}),
    )
    weight = forms.CharField(
        label=_("Weight"), required=False, initial="1", widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    owner = OwnerField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    confidence = forms.CharField(
        label=_("Confidence (%)"),
        required=False,
        initial="50",
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=_date_input())
    end_date = forms.DateField(label=_("End date"), required=False, widget=_date_input())

    # On an existing key result, value and confidence move only through check-ins (EXE-3, EXE-4), and
    # milestones are kept as they are.
    CREATE_ONLY = ("current_value", "confidence", "milestones")

    def __init__(
        self, *args: Any, actor: Person, objective: Objective, instance: KeyResult | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        _offer_owners(self, owner_choices(actor, (instance.owner if instance else None) or objective.owner))
        self.fields["start_date"].help_text = _("Empty: the objective's dates.")
        if instance is not None:
            for name in self.CREATE_ONLY:
                del self.fields[name]
        self.kinds = _kinds_of_fields(self)

    def milestone_titles(self) -> list[dict[str, str]]:
        return milestone_lines(self.cleaned_data.get("milestones") or "")


class CheckInForm(forms.Form):
    """EXE-3/EXE-4: a new value (or milestones done), the confidence, and a reason when it falls."""

    value = forms.CharField(label=_("New value"), required=False)
    confidence = forms.CharField(label=_("Confidence (%)"), required=False)
    confidence_reason = forms.CharField(
        label=_("Why did confidence fall, and what changed?"), required=False, widget=text_area(NOTE_MAX, rows=2)
    )
    note = forms.CharField(label=_("Note"), required=False, widget=text_area(NOTE_MAX, rows=1))
    confirm = forms.BooleanField(label=_("The value is right"), required=False)


class ApprovalCommentForm(forms.Form):
    """SET-1, SET-2: the comment sent with a step of approval (required to return an objective: the service says
    so, for pages and API alike)."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=text_area(COMMENT_MAX, rows=3))
