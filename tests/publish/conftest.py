"""A quarter to publish: `okrs`, with a company annual objective, mia's private objective, a sales objective limited
to the department, and an objective of the previous quarter."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

import pytest

from qibu.cycles.models import Cycle
from qibu.okrs.models import KeyResult, Level, Objective, Visibility
from qibu.okrs.services import checkin_record, key_result_create, objective_create
from qibu.publish.models import Publication
from qibu.publish.services import publication_compile
from tests.conftest import Company, Okrs


class Quarter(TypedDict):
    annual: Objective
    private: Objective
    limited: Objective
    limited_kr: KeyResult
    previous: Objective
    previous_kr: KeyResult


@pytest.fixture
def quarter(company: Company, okrs: Okrs) -> Quarter:
    c = company
    annual = objective_create(actor=c.erin, cycle=c.year, level=Level.COMPANY, title="全年营收翻番", owner=c.erin)
    key_result_create(actor=c.erin, objective=annual, title="年收入 4000 万元", start_value=0, target_value=4000)
    private = objective_create(
        actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="私人目标", visibility=Visibility.PRIVATE
    )
    key_result_create(actor=c.mia, objective=private, title="读完 6 本书", start_value=0, target_value=6)
    limited = objective_create(
        actor=c.hank,
        cycle=c.quarter,
        level=Level.DEPARTMENT,
        department=c.sales,
        owner=c.hank,
        title="销售部内部目标",
        visibility=Visibility.DEPARTMENT,
    )
    limited_kr = key_result_create(
        actor=c.hank, objective=limited, title="回款 500 万", start_value=0, target_value=500
    )
    q3 = Cycle.objects.get(kind="quarter", start=dt.date(2026, 7, 1))
    previous = objective_create(actor=c.erin, cycle=q3, level=Level.COMPANY, title="上季度目标", owner=c.erin)
    previous_kr = key_result_create(
        actor=c.erin, objective=previous, title="上季度签约 8 家", start_value=0, target_value=8, unit="家"
    )
    checkin_record(actor=c.erin, key_result=previous_kr, value=6, confidence=60)
    return {
        "annual": annual,
        "private": private,
        "limited": limited,
        "limited_kr": limited_kr,
        "previous": previous,
        "previous_kr": previous_kr,
    }


def compiled(publication: Publication) -> Publication:
    """The publication once the worker's compile job has run (as `publish.compile` runs it)."""
    publication_compile(publication.pk)
    publication.refresh_from_db()
    return publication
