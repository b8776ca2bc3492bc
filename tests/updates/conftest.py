"""An ending quarter whose update window is open today (it ended the day before yesterday, its reflection's
window of one day is over) and the next quarter, with objectives at every level, a key result each, an action step
and the alignment between them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from qibu.cycles.models import Cycle, CycleKind
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.services import key_result_create, objective_create
from qibu.plans.models import ActionStep
from qibu.plans.services import step_create
from tests.conftest import Company


@dataclass
class World:
    c: Company
    ending: Cycle
    next: Cycle
    company_obj: Objective
    revenue: KeyResult
    dept_obj: Objective
    dept_kr: KeyResult
    mine: Objective
    my_kr: KeyResult
    step: ActionStep


def make_world(c: Company) -> World:
    today = timezone.localdate()
    ending = Cycle.objects.create(
        name="上季度", kind=CycleKind.QUARTER, start=today - dt.timedelta(days=92), end=today - dt.timedelta(days=2)
    )
    following = Cycle.objects.create(
        name="本季度", kind=CycleKind.QUARTER, start=today - dt.timedelta(days=1), end=today + dt.timedelta(days=89)
    )
    c.org.reflection_days = 1
    c.org.save(update_fields=["reflection_days"])
    company_obj = objective_create(
        actor=c.erin, cycle=ending, level=Level.COMPANY, title="成为华东市场第一", owner=c.erin
    )
    revenue = key_result_create(
        actor=c.erin,
        objective=company_obj,
        title="季度收入达到 1000 万元",
        start_value=0,
        target_value=1000,
        unit="万元",
    )
    dept_obj = objective_create(
        actor=c.hank,
        cycle=ending,
        level=Level.DEPARTMENT,
        department=c.sales,
        owner=c.hank,
        title="销售部拿下十家标杆客户",
        parent_key_result_ids=[revenue.pk],
    )
    dept_kr = key_result_create(
        actor=c.hank, objective=dept_obj, title="签约标杆客户 10 家", start_value=0, target_value=10, unit="家"
    )
    mine = objective_create(
        actor=c.mia,
        cycle=ending,
        level=Level.PERSON,
        owner=c.mia,
        title="打开苏州市场",
        parent_objective_ids=[dept_obj.pk],
    )
    my_kr = key_result_create(
        actor=c.mia, objective=mine, title="苏州新签 4 家客户", start_value=0, target_value=4, unit="家"
    )
    step = step_create(
        actor=c.mia,
        key_result=my_kr,
        title="拜访苏州工业园客户",
        start=ending.start + dt.timedelta(days=10),
        deadline=ending.start + dt.timedelta(days=20),
    ).step
    return World(c, ending, following, company_obj, revenue, dept_obj, dept_kr, mine, my_kr, step)


@pytest.fixture
def world(company: Company) -> World:
    return make_world(company)
