"""SET-7 by department: how much of the cycle's OKR content the people who own it wrote themselves rather than
their managers, and how many department objectives came from what employees submitted, against the organisation's
target (`Organisation.bottom_up_target`, 60 % by default).

- An objective is written by its owner when its author is its owner (a department's objective without an owner: the
  department's head; a team's: its lead).
- A key result has no author column: its author is who created it, as its history records (`key_result.create`),
  else the author of its objective (key results written with their objective, or imported). It is written by its
  owner when that person is the key result's owner (else the objective's owner, else the department's head).
- A department objective came from employees when it took up an employee's proposal or a person's objective
  (`TakeUp`).

Two queries whatever the size of the company: the objectives and the key results, each grouped by the path of
their department (so that a department shown counts its sub-departments' too). The
figures are counts over every objective of the cycle, as `reports.bottom_up_share`: they reveal no objective.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from qibu.audit.models import AuditEntry
from qibu.cycles.models import Cycle
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.org.models import Department, Organisation
from qibu.planning.models import TakeUp

_QUANT = Decimal("0.0001")

# SQL equal to the rule above for objectives.
BY_OWNER = (
    Q(owner_id__isnull=False, author_id=F("owner_id"))
    | Q(owner_id__isnull=True, level=Level.DEPARTMENT, author_id=F("department__head_id"))
    | Q(owner_id__isnull=True, level=Level.TEAM, author_id=F("team__lead_id"))
)


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_QUANT, rounding=ROUND_HALF_UP)


@dataclass
class ShareRow:
    """One department (with its sub-departments), or the whole company (`department` None)."""

    department: Department | None
    target: int
    objectives: int = 0
    objectives_by_owner: int = 0
    key_results: int = 0
    key_results_by_owner: int = 0
    department_objectives: int = 0
    from_employees: int = 0

    @property
    def content(self) -> int:
        return self.objectives + self.key_results

    @property
    def by_owner(self) -> int:
        return self.objectives_by_owner + self.key_results_by_owner

    @property
    def owner_share(self) -> Decimal | None:
        return _ratio(self.by_owner, self.content)

    @property
    def owner_met(self) -> bool:
        share = self.owner_share
        return share is not None and share * 100 >= self.target

    @property
    def employee_share(self) -> Decimal | None:
        return _ratio(self.from_employees, self.department_objectives)

    @property
    def employee_met(self) -> bool:
        share = self.employee_share
        return share is not None and share * 100 >= self.target

    def add(self, other: dict[str, int]) -> None:
        for name in ("objectives", "objectives_by_owner", "key_results", "key_results_by_owner"):
            setattr(self, name, getattr(self, name) + other.get(name, 0))
        self.department_objectives += other.get("department_objectives", 0)
        self.from_employees += other.get("from_employees", 0)


@dataclass
class AuthorshipShare:
    target: int
    company: ShareRow
    departments: list[ShareRow] = field(default_factory=list)


def _key_result_author() -> Any:
    """Who created the key result in the outer query (its history), else its objective's author."""
    created = (
        AuditEntry.objects.filter(
            target_type=KeyResult._meta.label_lower, target_id=OuterRef("pk"), action="key_result.create"
        )
        .order_by("at", "id")
        .values("actor_id")[:1]
    )
    return Coalesce(
        Subquery(created, output_field=IntegerField()), F("objective__author_id"), output_field=IntegerField()
    )


def _from_employees() -> Exists:
    """The department objective in the outer query took up an employee's proposal or a person's objective."""
    return Exists(
        TakeUp.objects.filter(objective_id=OuterRef("pk")).filter(
            Q(source_proposal__isnull=False) | Q(source_objective__level=Level.PERSON)
        )
    )


def _objective_rows(cycle: Cycle) -> dict[str | None, dict[str, int]]:
    """By the path of the objective's department (None: the company's)."""
    rows = (
        Objective.objects.filter(cycle=cycle)
        .order_by()
        .values_list("department__path")
        .annotate(
            objectives=Count("pk"),
            by_owner=Count("pk", filter=BY_OWNER),
            department_objectives=Count("pk", filter=Q(level=Level.DEPARTMENT)),
            from_employees=Count("pk", filter=Q(_from_employees(), level=Level.DEPARTMENT)),
        )
    )
    return {
        home: {"objectives": n, "objectives_by_owner": by_owner, "department_objectives": dept, "from_employees": up}
        for home, n, by_owner, dept, up in rows
    }


def _key_result_rows(cycle: Cycle) -> dict[str | None, dict[str, int]]:
    rows = (
        KeyResult.objects.filter(objective__cycle=cycle)
        .annotate(
            written_by=_key_result_author(),
            answers=Coalesce(
                "owner_id", "objective__owner_id", "objective__department__head_id", output_field=IntegerField()
            ),
        )
        .order_by()
        .values_list("objective__department__path")
        .annotate(key_results=Count("pk"), by_owner=Count("pk", filter=Q(written_by=F("answers"))))
    )
    return {home: {"key_results": n, "key_results_by_owner": by_owner} for home, n, by_owner in rows}


def authorship_share(*, cycle: Cycle, organisation: Organisation, departments: Iterable[Department]) -> AuthorshipShare:
    """SET-7 for the company and for each department given (each with its sub-departments): two queries."""
    target = organisation.bottom_up_target
    company = ShareRow(None, target)
    shown = [ShareRow(d, target) for d in departments]
    merged: dict[str | None, dict[str, int]] = {}
    for rows in (_objective_rows(cycle), _key_result_rows(cycle)):
        for home, row in rows.items():
            merged.setdefault(home, {}).update(row)
    for home, row in merged.items():
        company.add(row)
        if home is None:
            continue
        for share_row in shown:
            if share_row.department is not None and home.startswith(share_row.department.path):
                share_row.add(row)
    return AuthorshipShare(target=target, company=company, departments=shown)
