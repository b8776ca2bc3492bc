"""A project of the fixture company (PLAY-PROJ): hank leads 新品上市项目 with mia (sales) and oscar (marketing);
two stages, 设计 (the last quarter of 2026) and 上市 (the first of 2027); a stage objective owned by mia, aligned
to the sales department's objective, with a key result she owns and oscar carries."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

import pytest

from qibu.okrs.models import KeyResult, Objective
from qibu.projects.models import Project, Stage
from qibu.projects.services import (
    member_add,
    project_create,
    project_key_result_create,
    stage_add,
    stage_objective_create,
)
from tests.conftest import Company, Okrs

D = dt.date


class ProjectWorld(TypedDict):
    project: Project
    design: Stage
    launch: Stage
    objective: Objective
    kr: KeyResult


@pytest.fixture
def project(company: Company, okrs: Okrs) -> ProjectWorld:
    c = company
    project = project_create(
        actor=c.erin,
        name="新品上市项目",
        lead=c.hank,
        start=D(2026, 10, 1),
        end=D(2027, 3, 31),
        vision="让每家门店都用上新品",
        mission="三个月内完成新品设计并上市",
    )
    member_add(actor=c.hank, project=project, person=c.mia, role="产品经理")
    member_add(actor=c.hank, project=project, person=c.oscar, role="市场推广", note="负责发布会")
    design = stage_add(actor=c.hank, project=project, name="设计", start=D(2026, 10, 1), end=D(2026, 12, 31))
    launch = stage_add(actor=c.hank, project=project, name="上市", start=D(2027, 1, 1), end=D(2027, 3, 31))
    objective = stage_objective_create(
        actor=c.hank,
        stage=design,
        title="完成新品设计",
        owner=c.mia,
        parent_objective_ids=[okrs["department"].pk],
    )
    kr = project_key_result_create(
        actor=c.hank,
        objective=objective,
        carriers=[c.oscar],
        title="完成 3 轮用户测试",
        start_value=0,
        target_value=3,
        unit="轮",
        owner=c.mia,
    )
    return {"project": project, "design": design, "launch": launch, "objective": objective, "kr": kr}
