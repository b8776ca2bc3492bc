"""The objective page's planning section (SET-2): the employees' proposals and objections on a department's or the
company's draft, with the owner's answers; what the objective took up from below ("took up: …") and who took it
up ("taken up by …").

Two queries whatever the company's size — the proposals with their authors and key results (none for a personal
objective, which takes no proposals), then every take-up the page mentions with the objectives at both ends — and
one more for the choices of the take-up form, only for those who may record one. Objectives at the other end of a
take-up are named only to viewers who may see them (`can_view`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from qibu.okrs.access import can_view, visible_objectives_q
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.planning import access
from qibu.planning.models import Proposal, TakeUp

if TYPE_CHECKING:
    from qibu.okrs.panels import PanelPage
    from qibu.org.models import Person

# The proposals a page lists (the newest); the API pages through all of them.
PROPOSAL_LIST_LIMIT = 200
# The objectives offered to take up (the form's choice list); the API takes any.
TAKE_UP_CHOICES = 200


@dataclass(frozen=True)
class ObjectiveRef:
    """An objective at the other end of a take-up, as the section names it."""

    id: int
    title: str
    level: str
    owner: str
    approval: str


def objective_ref(objective: Objective) -> ObjectiveRef:
    return ObjectiveRef(
        id=objective.pk,
        title=objective.title,
        level=objective.get_level_display(),
        owner=str(objective.owner) if objective.owner else "",
        approval=objective.get_approval_display(),
    )


@dataclass(frozen=True)
class ProposalLine:
    proposal: Proposal
    author: str
    key_result: str  # the title of the key result it is about, or ""
    responder: str
    taken_up_in: list[ObjectiveRef]  # the objectives the viewer may see that took it up
    may_change: bool  # edit or withdraw
    may_respond: bool

    @property
    def edited(self) -> bool:
        return self.proposal.edited_at is not None


@dataclass(frozen=True)
class TakeUpLine:
    """Something this objective took up: an objective from below or a proposal (with the draft it was made on)."""

    take_up: TakeUp
    source: ObjectiveRef | None  # None: a proposal, or an objective the viewer may not see
    hidden: bool  # an objective the viewer may not see
    proposal: Proposal | None
    proposal_author: str
    proposal_on: ObjectiveRef | None
    may_remove: bool


@dataclass
class PlanningSection:
    objective: Objective
    voiced: bool  # a department's or the company's objective: it takes proposals and takes up submissions
    proposals: list[ProposalLine] = field(default_factory=list)
    more: bool = False
    took_up: list[TakeUpLine] = field(default_factory=list)
    taken_up_by: list[ObjectiveRef] = field(default_factory=list)
    taken_up_by_hidden: int = 0  # objectives the viewer may not see that took this one up
    may_propose: bool = False
    may_take_up: bool = False
    notices: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        """A personal objective shows the section only when something took it up."""
        return self.voiced or bool(self.taken_up_by or self.taken_up_by_hidden)


def _take_ups(objective: Objective) -> QuerySet[TakeUp]:
    """Every take-up the page mentions: by this objective, of it, and of its proposals, with both ends."""
    return (
        TakeUp.objects.filter(
            Q(objective=objective) | Q(source_objective=objective) | Q(source_proposal__objective=objective)
        )
        .select_related(
            "objective__owner",
            "objective__department",
            "source_objective__owner",
            "source_objective__department",
            "source_proposal__author",
            "source_proposal__objective__owner",
            "source_proposal__objective__department",
        )
        .order_by("created_at", "id")
    )


def _took_up_line(take_up: TakeUp, viewer: Person, may_take_up: bool) -> TakeUpLine:
    source = take_up.source_objective
    proposal = take_up.source_proposal
    visible = source is not None and can_view(viewer, source)
    on = proposal.objective if proposal is not None else None
    return TakeUpLine(
        take_up=take_up,
        source=objective_ref(source) if source is not None and visible else None,
        hidden=source is not None and not visible,
        proposal=proposal if on is not None and can_view(viewer, on) else None,
        proposal_author=str(proposal.author) if proposal is not None and proposal.author else "",
        proposal_on=objective_ref(on) if on is not None and can_view(viewer, on) else None,
        may_remove=may_take_up,
    )


def _proposal_lines(
    objective: Objective, viewer: Person, editable: bool, taken: dict[int, list[ObjectiveRef]], limit: int
) -> tuple[list[ProposalLine], bool]:
    newest = list(
        Proposal.objects.filter(objective=objective)
        .select_related("author", "key_result", "responded_by")
        .order_by("-created_at", "-id")[: limit + 1]
    )
    more = len(newest) > limit
    lines = []
    may_respond = editable and not objective.cycle.is_closed
    for proposal in newest[:limit][::-1]:
        proposal.objective = objective
        lines.append(
            ProposalLine(
                proposal=proposal,
                author=str(proposal.author) if proposal.author else "",
                key_result=proposal.key_result.title if proposal.key_result else "",
                responder=str(proposal.responded_by) if proposal.responded_by else "",
                taken_up_in=taken.get(proposal.pk, []),
                may_change=access.can_change_proposal(viewer, proposal),
                may_respond=may_respond,
            )
        )
    return lines, more


def planning_section(
    *, viewer: Person, objective: Objective, editable: bool, limit: int = PROPOSAL_LIST_LIMIT
) -> PlanningSection:
    """What `planning/_panel.html` shows of the objective, for a viewer who may see it."""
    voiced = objective.level in access.VOICED_LEVELS
    section = PlanningSection(objective=objective, voiced=voiced)
    section.may_take_up = voiced and editable and not objective.cycle.is_closed
    section.may_propose = access.can_propose(viewer, objective)
    taken: dict[int, list[ObjectiveRef]] = {}
    for take_up in _take_ups(objective):
        if take_up.objective_id == objective.pk:
            take_up.objective = objective
            section.took_up.append(_took_up_line(take_up, viewer, section.may_take_up))
        visible = can_view(viewer, take_up.objective)
        if take_up.source_objective_id == objective.pk:
            if visible:
                section.taken_up_by.append(objective_ref(take_up.objective))
            else:
                section.taken_up_by_hidden += 1
        elif take_up.source_proposal_id is not None and visible:
            taken.setdefault(take_up.source_proposal_id, []).append(objective_ref(take_up.objective))
    if voiced:
        section.proposals, section.more = _proposal_lines(objective, viewer, editable, taken, limit)
    return section


def take_up_choices(viewer: Person, objective: Objective) -> list[Objective]:
    """What the objective may take up, as the form offers it: for the company's, the departments' objectives of
    the cycle; for a department's, its people's, teams' and sub-departments' objectives; those the viewer may see
    and it has not taken up yet, the first `TAKE_UP_CHOICES` (one query)."""
    candidates = Objective.objects.filter(visible_objectives_q(viewer), cycle_id=objective.cycle_id).exclude(
        pk=objective.pk
    )
    if objective.level == Level.COMPANY:
        candidates = candidates.filter(level=Level.DEPARTMENT)
    elif objective.department is not None:
        path = objective.department.path
        candidates = candidates.filter(
            Q(level__in=[Level.PERSON, Level.TEAM], department__path__startswith=path)
            | Q(level=Level.DEPARTMENT, department__path__startswith=path) & ~Q(department_id=objective.department_id)
        )
    else:
        return []
    taken = TakeUp.objects.filter(objective=objective, source_objective__isnull=False).values("source_objective_id")
    return list(
        candidates.exclude(pk__in=taken)
        .select_related("owner", "department")
        .only("title", "level", "owner__full_name", "owner__username", "department__name")
        .order_by("level", "department__path", "priority", "id")[:TAKE_UP_CHOICES]
    )


def planning_context(
    *,
    viewer: Person,
    objective: Objective,
    editable: bool,
    key_results: list[KeyResult],
    form: Any = None,
    take_up_form: Any = None,
    notices: list[str] | None = None,
) -> dict[str, Any]:
    """What `planning/_panel.html` shows: the section, and the forms to propose and to take something up."""
    from qibu.planning.forms import ProposalForm, TakeUpForm

    section = planning_section(viewer=viewer, objective=objective, editable=editable)
    section.notices = list(notices or [])
    if section.may_propose and form is None:
        form = ProposalForm(key_results=key_results)
    if section.may_take_up and take_up_form is None:
        take_up_form = TakeUpForm(choices=take_up_choices(viewer, objective))
    return {
        "objective": objective,
        "section": section,
        "form": form if section.may_propose else None,
        "take_up_form": take_up_form if section.may_take_up else None,
    }


def planning_panel(page: PanelPage) -> dict[str, Any]:
    """The objective page's planning section (registered with `qibu.okrs.panels`)."""
    return planning_context(
        viewer=page.viewer, objective=page.objective, editable=page.editable, key_results=page.key_results
    )
