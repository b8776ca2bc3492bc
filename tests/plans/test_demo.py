"""The demo company's action plans (EXE-8, PLAY-MKT steps 3–5): marketing and sales plan steps under the quarter's
key results, with people, budgets and a timetable; a few are overdue, one split, one due after its key result."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from qibu.audit.models import AuditEntry
from qibu.demo.generator import generate_company, minimum_people
from qibu.okrs.models import Level
from qibu.org.models import Person, Role
from qibu.plans.models import OPEN_STATUSES, ActionStep


def test_the_demo_company_plans_marketing_and_sales_EXE_8_PLAY_MKT(db: None) -> None:
    today = dt.date(2026, 11, 18)
    generate_company(people=minimum_people() + 10, seed=5, today=today, checkin_weeks=2, finished_quarter=False)
    steps = list(ActionStep.objects.select_related("key_result__objective__department", "owner", "decider"))
    departments = {s.key_result.objective.department.name for s in steps if s.key_result.objective.department}
    assert departments == {"销售部", "市场部"}
    assert all(s.key_result.objective.level == Level.DEPARTMENT for s in steps)
    assert all(s.owner.department_id is not None and s.responsible_id and s.decider_id for s in steps)
    overdue = [s for s in steps if s.status in OPEN_STATUSES and s.deadline < today]
    assert 2 <= len(overdue) <= 6
    assert sum(s.split_from_id is not None for s in steps) == 1
    assert any(s.deadline > s.key_result.end_date for s in steps), "one runs past its key result (warned)"
    assert any(s.budget > 0 for s in steps) and any(
        s.decider is not None and s.decider.role == Role.EXECUTIVE for s in steps
    )
    assert {"todo", "doing", "done", "blocked"} <= {s.status for s in steps}
    assert AuditEntry.objects.filter(action="action_step.create").count() == len(steps) - 1
    head = Person.objects.get(role=Role.DEPARTMENT_HEAD, department__name="市场部")
    client = Client()
    client.force_login(head)
    assert client.get(f"/plans/timetable/?department={head.department_id}").status_code == 200
