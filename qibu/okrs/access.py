"""Who may see and who may change an objective (PUB-2 transparency, with limits the owner chooses).

One lookup per resource serves pages and API alike: `objective_for(person, pk)` answers 404 when the
objective is invisible to the person, and tells whether they may change it (the caller answers 403).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, Q, Value, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from qibu.okrs.models import DraftKeyResult, KeyResult, KeyResultKind, Level, Objective, Visibility, agreed_q
from qibu.org.models import Department, Organisation, Person, Role, Team

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet


# Why a request to create or hand over an objective is refused (403), the same through pages and API.
CREATE_REFUSED = _(
    "You may not set this objective: choose yourself or someone who reports to you as its owner, or a department "
    "you head."
)
HAND_OVER_REFUSED = _("You may not hand this objective to that owner, department or team.")
# PLAY-PROJ: a project's objectives are set and handed over on the project's page, by its lead.
PROJECT_REFUSED = _("A project objective is set and handed over on its project's page, by the project's lead.")


def creation_refusal(level: str) -> str:
    """Why `can_create` refused an objective of this level, as pages and API say it."""
    return str(PROJECT_REFUSED if level == Level.PROJECT else CREATE_REFUSED)


def headed_department_paths(person: Person) -> list[str]:
    """Paths of the departments the person heads, memoised on the person for the request."""
    cached: list[str] | None = getattr(person, "_headed_paths", None)
    if cached is None:
        cached = list(Department.objects.filter(head=person).values_list("path", flat=True))
        person._headed_paths = cached  # type: ignore[attr-defined]
    return cached


def _heads_department_of(person: Person, objective: Objective) -> bool:
    dept = objective.department
    if dept is None:
        return False
    return any(dept.path.startswith(p) for p in headed_department_paths(person))


def can_view(person: Person | AnonymousUser, objective: Objective) -> bool:
    """Its visibility (PUB-2, with the limits its owner chose) and, until it is first approved, the narrower
    circle of a draft (`may_see_draft`, SET-1, SET-2)."""
    if not person.is_authenticated or not person.is_active:
        return False
    if not _visibility_allows(person, objective):
        return False
    return objective.is_agreed or may_see_draft(person, objective)


def _visibility_allows(person: Person, objective: Objective) -> bool:
    if objective.visibility == Visibility.COMPANY or person.is_admin:
        return True
    if person.pk in (objective.owner_id, objective.author_id):
        return True
    if objective.owner is not None and objective.owner.manager_id == person.pk:
        return True
    if objective.visibility == Visibility.PRIVATE:
        return False
    # Limited to the department: its people (and those of its sub-departments), heads above it, executives.
    if person.is_executive or _heads_department_of(person, objective):
        return True
    dept = objective.department
    return dept is not None and _person_inside(person, dept)


def _ancestor_ids_of_person(person: Person) -> list[int]:
    return person.department.ancestor_ids if person.department else []


def _person_inside(person: Person, dept: Department) -> bool:
    """True when the person's department is `dept` or one of its sub-departments."""
    return dept.pk in _ancestor_ids_of_person(person)


def can_edit(person: Person, objective: Objective) -> bool:
    """Owners, their managers and department heads edit personal, team and department OKRs;
    executives and administrators edit company OKRs; a project objective's owner edits it (its project's lead
    edits it on the project's page, `qibu.projects.access`). Administrators may edit everything."""
    return can_view(person, objective) and _may_change(person, objective)


def _may_change(person: Person, objective: Objective) -> bool:
    """`can_edit` before visibility: who changes the objective, whether or not they may see it now."""
    if person.is_admin:
        return True
    if objective.level == Level.COMPANY:
        return person.is_executive
    if objective.level == Level.PROJECT:
        return person.pk == objective.owner_id
    if person.pk == objective.owner_id:
        return True
    if objective.owner is not None and objective.owner.manager_id == person.pk:
        return True
    if objective.team is not None and objective.team.lead_id == person.pk:
        return True
    return _heads_department_of(person, objective)


def can_create(
    person: Person | AnonymousUser,
    *,
    level: str,
    owner: Person | None,
    department: Department | None,
    team: Team | None = None,
) -> bool:
    """May `person` create an objective at this level?

    A personal objective: for oneself, for someone who reports to you, or for a member of a department
    you head. A team objective: its lead or the head of its department. A department objective: the head
    of that department or of one above it, whoever is named its owner. A company objective: executives.
    Administrators may create any, but for a project objective: okrs does not know projects, so those are set
    through `qibu.projects.services`, which asks the project's own access (its lead, administrators).
    """
    if not person.is_authenticated or not person.is_active or level == Level.PROJECT:
        return False
    if person.is_admin:
        return True
    if level == Level.COMPANY:
        return person.is_executive
    if level == Level.PERSON:
        if owner is None:
            return False
        if owner.pk == person.pk or owner.manager_id == person.pk:
            return True
        department = owner.department
    elif level == Level.TEAM and team is not None:
        if team.lead_id == person.pk:
            return True
        department = team.department
    if department is None:
        return False
    return any(department.path.startswith(p) for p in headed_department_paths(person))


def can_check_in(person: Person, objective: Objective, key_result: KeyResult, *, editable: bool | None = None) -> bool:
    """Those who may change the objective, and the key result's own owner (who may not otherwise
    edit, e.g. a department head owning a key result of a company objective). `editable`, when the
    caller already looked it up, is `can_edit(person, objective)`."""
    if key_result.owner_id == person.pk and person.is_authenticated and person.is_active:
        return can_view(person, objective)
    return can_edit(person, objective) if editable is None else editable


def creation_allowed(
    person: Person, *, level: str, owner: Person | None, department: Department | None, team: Team | None
) -> bool:
    """`can_create` for a request to create: a scope the level does not allow (a personal objective without an
    owner) is not refused here but by the service, naming the missing field, through pages and API alike. A
    project objective is always refused here: it is set on its project's page."""
    if level == Level.PROJECT:
        return False
    return _scope_missing(level, owner, department, team) or can_create(
        person, level=level, owner=owner, department=department, team=team
    )


def may_check_in_now(
    person: Person, objective: Objective, key_result: KeyResult, *, editable: bool | None = None
) -> bool:
    """Whether a check-in form is offered: the person may check in and the objective takes check-ins now.
    (A check-in sent anyway to a closed objective is refused by the service, with the reason.)"""
    return objective.takes_check_ins and can_check_in(person, objective, key_result, editable=editable)


def can_hand_over(
    person: Person,
    objective: Objective,
    *,
    owner: Person | None,
    department: Department | None,
    team: Team | None,
) -> bool:
    """May `person` give the objective this owner, department and team? Keeping them as they are needs nothing
    more than the right to edit; a change needs the right to create the objective there (`can_create`). A scope
    the level does not allow (a personal objective without an owner) is the service's to refuse, by field."""
    wanted = _stored_scope(objective.level, owner, department, team)
    unchanged = wanted == (objective.owner_id, objective.department_id, objective.team_id)
    return unchanged or creation_allowed(person, level=objective.level, owner=owner, department=department, team=team)


def _stored_scope(
    level: str, owner: Person | None, department: Department | None, team: Team | None
) -> tuple[int | None, int | None, int | None]:
    """(owner, department, team) ids as the service will store them for the level: a personal objective's
    department is its owner's, a team objective's its team's; only a team objective has a team."""
    if level == Level.PERSON:
        department = owner.department if owner is not None else None
    elif level == Level.TEAM:
        department = team.department if team is not None else None
    elif level in (Level.COMPANY, Level.PROJECT):
        department = None
    if level != Level.TEAM:
        team = None
    return (owner.pk if owner else None, department.pk if department else None, team.pk if team else None)


def _scope_missing(level: str, owner: Person | None, department: Department | None, team: Team | None) -> bool:
    return (
        (level == Level.PERSON and owner is None)
        or (level == Level.TEAM and team is None)
        or (level == Level.DEPARTMENT and department is None)
    )


def objective_queryset() -> QuerySet[Objective]:
    # The team's lead comes with it: who approves a team's objective is the lead's manager (`can_approve`).
    return Objective.objects.select_related(
        "cycle", "owner", "owner__department", "department", "team", "team__lead", "author", "strategic_goal"
    )


def objective_for(person: Person, pk: int) -> tuple[Objective, bool]:
    """The objective if `person` may see it (else Http404), and whether they may change it."""
    try:
        objective = objective_queryset().get(pk=pk)
    except (Objective.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view(person, objective):
        raise Http404
    return objective, can_edit(person, objective)


def key_result_for(person: Person, pk: int) -> tuple[KeyResult, Objective, bool]:
    """The key result with its objective if `person` may see the objective (else Http404), and whether they may
    change it. Its owner comes with it; milestones only for a key result made of them."""
    try:
        kr = KeyResult.objects.select_related("owner").filter(pk=pk).first()
    except (ValueError, TypeError):
        kr = None
    if kr is None:
        raise Http404
    objective, editable = objective_for(person, kr.objective_id)
    kr.objective = objective
    if kr.kind == KeyResultKind.MILESTONES:
        prefetch_related_objects([kr], "milestones")
    return kr, objective, editable


def visible_objectives_q(person: Person | AnonymousUser) -> Q:
    """A filter equal to `can_view` over many objectives, for lists and trees."""
    if not person.is_authenticated or not person.is_active:
        return Q(pk__in=[])
    if person.is_admin:
        return Q()
    q = (
        Q(visibility=Visibility.COMPANY)
        | Q(owner_id=person.pk)
        | Q(author_id=person.pk)
        # A subquery rather than a join to people: the same rows, and counts need no join (6.3 → 4.5 ms).
        | Q(owner_id__in=Person.objects.filter(manager_id=person.pk).values("pk"))
    )
    dept_scope = Q()
    if person.is_executive:
        dept_scope = Q(pk__isnull=False)
    else:
        if person.department_id:
            dept_scope |= Q(department_id__in=_ancestor_ids_of_person(person))
        for path in headed_department_paths(person):
            dept_scope |= Q(department__path__startswith=path)
    if dept_scope:
        q |= Q(visibility=Visibility.DEPARTMENT) & dept_scope
    return q & (agreed_q() | _draft_circle_q(person))


def editable_objectives_q(person: Person | AnonymousUser) -> Q:
    """A filter equal to `can_edit` over many objectives: the objectives a key result may move to, or drafted key
    results be added to."""
    if not person.is_authenticated or not person.is_active:
        return Q(pk__in=[])
    if person.is_admin:
        return Q()
    others = (
        Q(owner_id=person.pk)
        | Q(owner_id__in=Person.objects.filter(manager_id=person.pk).values("pk"))
        | Q(team__lead_id=person.pk)
    )
    for path in headed_department_paths(person):
        others |= Q(department__path__startswith=path)
    editable = ~Q(level=Level.COMPANY) & others
    if person.is_executive:
        editable |= Q(level=Level.COMPANY)
    return visible_objectives_q(person) & editable


# --- vision and strategy (VIS-1, VIS-2) and the key results drafted first (SET-9) ----------------------------


def can_keep_strategy(person: Person | AnonymousUser) -> bool:
    """Executives and administrators keep the vision, the mission and the strategic goals; everyone reads them."""
    return bool(person.is_authenticated and person.is_active and person.is_executive)


def draft_key_result_for(person: Person, pk: int) -> DraftKeyResult:
    """One of the person's own drafted key results (their pool is theirs alone), else Http404."""
    try:
        draft = DraftKeyResult.objects.select_related("cycle", "strategic_goal").filter(pk=pk, owner=person).first()
    except (ValueError, TypeError):
        draft = None
    if draft is None:
        raise Http404
    return draft


# --- approval (SET-1, SET-2) ----------------------------------------------------------------------------------
# Who approves: a person's objective by their manager or the head of their department (or of one above it);
# a team's by the head of its department or the lead's manager; a department's by an executive; the company's by
# the CEO (any executive while no CEO is named, another executive when the CEO owns or wrote it). Where the one
# who would approve it cannot (a personal objective whose owner has no manager or whose manager wrote it; a team's
# whose lead has none, or whose lead's manager wrote it), an executive does, so that every objective has an
# approver. Nobody approves an objective they own or wrote.
# Administrators see every draft and approve as executives do.

APPROVE_OWN_REFUSED = _("Nobody approves their own objective: its owner and its author may not approve it.")
APPROVE_REFUSED = _("You may not approve this objective: its approvers are named on its page.")
SUBMIT_REFUSED = _("Only those who may change this objective submit it for approval or take it back.")


def _approved_by_an_executive(objective: Objective) -> bool:
    """A personal objective whose owner has no manager, or whose manager wrote it; a team's whose lead has none
    (or which has no lead), or whose lead's manager wrote it: the one who would approve it cannot, so an executive
    does."""
    if objective.level == Level.PERSON:
        owner = objective.owner
        return owner is not None and owner.manager_id in (None, objective.author_id)
    if objective.level == Level.TEAM:
        team = objective.team
        return team is not None and (team.lead is None or team.lead.manager_id in (None, objective.author_id))
    return False


def _approves_below_company(person: Person, objective: Objective) -> bool:
    """`can_approve` for a team's or a person's objective, before excluding its owner and author."""
    if objective.level == Level.TEAM:
        team = objective.team
        if team is not None and team.lead is not None and team.lead.manager_id == person.pk:
            return True
    elif objective.owner is not None and objective.owner.manager_id == person.pk:
        return True
    if person.is_executive and _approved_by_an_executive(objective):
        return True
    return _heads_department_of(person, objective)


def can_approve(person: Person | AnonymousUser, objective: Objective, *, ceo_id: int | None) -> bool:
    """May `person` approve or return `objective`? `ceo_id` is the organisation's CEO (`Organisation.ceo_id`),
    passed in so that a list asks the organisation once."""
    if not person.is_authenticated or not person.is_active:
        return False
    if person.pk in (objective.owner_id, objective.author_id):
        return False
    if objective.level == Level.COMPANY:
        if ceo_id is None or ceo_id in (objective.owner_id, objective.author_id):
            return person.is_executive
        return person.pk == ceo_id
    if objective.level == Level.DEPARTMENT:
        return person.is_executive
    return _approves_below_company(person, objective)


def _approves_below_company_q(person: Person) -> Q:
    """`_approves_below_company` as a filter."""
    q = Q(level=Level.PERSON, owner_id__in=Person.objects.filter(manager_id=person.pk).values("pk")) | Q(
        level=Level.TEAM, team_id__in=Team.objects.filter(lead__manager_id=person.pk).values("pk")
    )
    for path in headed_department_paths(person):
        q |= Q(level__in=[Level.PERSON, Level.TEAM], department__path__startswith=path)
    if person.is_executive:
        # `_approved_by_an_executive`.
        q |= Q(level=Level.PERSON, owner__isnull=False) & (
            Q(owner__manager_id__isnull=True) | Q(owner__manager_id=F("author_id"))
        )
        q |= Q(level=Level.TEAM, team__isnull=False) & (
            Q(team__lead__isnull=True)
            | Q(team__lead__manager_id__isnull=True)
            | Q(team__lead__manager_id=F("author_id"))
        )
    return q


def approvable_q(person: Person, *, ceo_id: int | None) -> Q:
    """A filter equal to `can_approve` over many objectives, for the approver's queue."""
    if not person.is_authenticated or not person.is_active:
        return Q(pk__in=[])
    q = _approves_below_company_q(person)
    if person.is_executive:
        q |= Q(level=Level.DEPARTMENT)
        if ceo_id is None:
            q |= Q(level=Level.COMPANY)
        else:
            q |= Q(level=Level.COMPANY) & (Q(owner_id=ceo_id) | Q(author_id=ceo_id))
    if ceo_id == person.pk:
        q |= Q(level=Level.COMPANY)
    return q & ~Q(owner_id=person.pk) & ~Q(author_id=person.pk)


# --- who sees a draft (SET-1, SET-2) ----------------------------------------------------------------------------
# Until it is first approved an objective is seen by its owner, its author, those who may change it, its approvers
# and administrators; and, so that the cascade can work (top-down, then the employees' voice), a company draft by
# executives, department heads and the CEO, a department's by its people (and those of its sub-departments) and
# executives, a team's by its members. Its visibility applies on top.


def _leads_a_department(person: Person) -> bool:
    return person.role == Role.DEPARTMENT_HEAD or bool(headed_department_paths(person))


def _is_ceo(person: Person) -> bool:
    """Whether the person is the organisation's CEO, memoised on the person (`approvers_of` sets it for those it
    reads); asked only of someone who sees a company draft for no other reason."""
    cached: bool | None = getattr(person, "_is_ceo", None)
    if cached is None:
        cached = Organisation.objects.filter(ceo_id=person.pk).exists()
        person._is_ceo = cached  # type: ignore[attr-defined]
    return cached


def may_see_draft(person: Person, objective: Objective) -> bool:
    """Whether `person` is in the circle of `objective` while it is not agreed yet (its visibility aside)."""
    if person.is_admin or person.pk in (objective.owner_id, objective.author_id):
        return True
    if _may_change(person, objective):
        return True
    if objective.level == Level.COMPANY:
        return person.is_executive or _leads_a_department(person) or _is_ceo(person)
    if objective.level == Level.DEPARTMENT:
        dept = objective.department
        return person.is_executive or (dept is not None and _person_inside(person, dept))
    if objective.level == Level.TEAM and objective.team_id is not None and person.team_id == objective.team_id:
        return True
    return _approves_below_company(person, objective)


def _draft_circle_q(person: Person) -> Q:
    """`may_see_draft` as a filter."""
    q = (
        Q(owner_id=person.pk)
        | Q(author_id=person.pk)
        # Those who may change it (`_may_change`): the owner's manager, the team's lead, heads above.
        | Q(level__in=[Level.DEPARTMENT, Level.TEAM, Level.PERSON])
        & (
            Q(owner_id__in=Person.objects.filter(manager_id=person.pk).values("pk"))
            | Q(team_id__in=Team.objects.filter(lead_id=person.pk).values("pk"))
        )
        | _approves_below_company_q(person)
    )
    for path in headed_department_paths(person):
        q |= Q(level__in=[Level.DEPARTMENT, Level.TEAM, Level.PERSON], department__path__startswith=path)
    if person.is_executive:
        q |= Q(level__in=[Level.COMPANY, Level.DEPARTMENT])
    elif _leads_a_department(person):
        q |= Q(level=Level.COMPANY)
    else:
        # The CEO, read in the same statement: the level "company" when the person is the CEO, else nothing.
        ceo = Organisation.objects.filter(ceo_id=person.pk).annotate(ceo_level=Value(Level.COMPANY.value))
        q |= Q(level=Level.COMPANY, level__in=ceo.values("ceo_level"))
    if person.department_id:
        q |= Q(level=Level.DEPARTMENT, department_id__in=_ancestor_ids_of_person(person))
    if person.team_id:
        q |= Q(level=Level.TEAM, team_id=person.team_id)
    return q
