"""Personas and a small company shared by the tests.

alice   administrator
erin    executive (CEO's deputy)
hank    head of 销售部 (sales)
mia     member of sales, reports to hank
oscar   member of 市场部 (marketing), another department
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypedDict, TypeVar

import pytest
from django.utils import translation
from pytest_django import Settings

from qibu.cycles.models import Cycle
from qibu.cycles.services import cycles_generate_year
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.services import key_result_create, objective_create
from qibu.org.models import Department, Organisation, Person, Role, Team
from qibu.org.services import department_create, person_create, team_create

if TYPE_CHECKING:
    from tests.processes import Database
    from tests.smtp_sink import SmtpSink

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery staple"

T = TypeVar("T")


def present(value: T | None) -> T:
    """The value, failing the test where it is missing (an optional field or `.first()` the test expects set)."""
    assert value is not None
    return value


@dataclass
class Company:
    org: Organisation
    alice: Person
    erin: Person
    hank: Person
    mia: Person
    oscar: Person
    sales: Department
    marketing: Department
    sales_team: Team
    year: Cycle
    quarter: Cycle


class Okrs(TypedDict):
    """What `okrs` makes: the company's objective and key result, sales' pair aligned to it, mia's pair below."""

    company: Objective
    revenue: KeyResult
    department: Objective
    department_kr: KeyResult
    mine: Objective
    my_kr: KeyResult


def okr_pks(okrs: Okrs) -> dict[str, int]:
    """The primary keys of `okrs` by name, to fill paths such as /objectives/{mine}."""
    return {
        "company": okrs["company"].pk,
        "revenue": okrs["revenue"].pk,
        "department": okrs["department"].pk,
        "department_kr": okrs["department_kr"].pk,
        "mine": okrs["mine"].pk,
        "my_kr": okrs["my_kr"].pk,
    }


OkrName = Literal["company", "revenue", "department", "department_kr", "mine", "my_kr"]
KeyResultName = Literal["revenue", "department_kr", "my_kr"]
ObjectiveName = Literal["company", "department", "mine"]


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[Database]:
    """A database of the test's own, on the suite's engine, for processes the test starts (tests/processes.py)."""
    from tests.processes import Database

    database = Database(tmp_path)
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture
def smtp(settings: Settings) -> Iterator[SmtpSink]:
    """A real SMTP server on 127.0.0.1 that Qibu's mail goes to (qibu.notify sends only with a server set)."""
    from tests.smtp_sink import SmtpSink

    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.QIBU_MAIL_SENDS = True
        yield sink


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Services called directly by a test speak English, like the organisation of `company`."""
    with translation.override("en"):
        yield


@pytest.fixture
def company(db: None) -> Company:
    # English by default so that assertions read the English msgids; tests of Chinese ask for it
    # (cookie, Accept-Language or Person.language), as a user would.
    # The foundation's tests set OKRs live the moment they are written (no approval step); the approval tests
    # (tests/okrs/test_approval*.py) switch `approval_required` on.
    org = Organisation.objects.create(
        pk=1,
        name="云舟科技",
        vision="让每个团队都看清方向",
        mission="用数据帮助企业成长",
        default_language="en",
        approval_required=False,
    )
    annual = cycles_generate_year(actor=None, fiscal_year=2026)
    quarter = Cycle.objects.get(kind="quarter", start=dt.date(2026, 10, 1))
    sales = department_create(actor=None, name="销售部")
    marketing = department_create(actor=None, name="市场部")
    alice = person_create(actor=None, username="alice", full_name="Alice 管理员", password=PASSWORD, role=Role.ADMIN)
    erin = person_create(actor=None, username="erin", full_name="Erin 执行官", password=PASSWORD, role=Role.EXECUTIVE)
    hank = person_create(
        actor=None,
        username="hank",
        full_name="韩销售",
        password=PASSWORD,
        role=Role.DEPARTMENT_HEAD,
        department=sales,
        manager=erin,
    )
    sales.head = hank
    sales.save(update_fields=["head"])
    sales_team = team_create(actor=None, name="华东大客户组", department=sales, lead=hank)
    mia = person_create(
        actor=None, username="mia", full_name="米娅", password=PASSWORD, department=sales, team=sales_team, manager=hank
    )
    oscar = person_create(actor=None, username="oscar", full_name="欧斯卡", password=PASSWORD, department=marketing)
    return Company(org, alice, erin, hank, mia, oscar, sales, marketing, sales_team, annual, quarter)


@pytest.fixture
def okrs(company: Company) -> Okrs:
    """Company → sales department → mia's personal objective, each with key results, aligned upwards."""
    c = company
    company_obj = objective_create(
        actor=c.erin, cycle=c.quarter, level=Level.COMPANY, title="成为华东市场第一", owner=c.erin
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
        cycle=c.quarter,
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
        cycle=c.quarter,
        level=Level.PERSON,
        owner=c.mia,
        title="打开苏州市场",
        parent_objective_ids=[dept_obj.pk],
    )
    my_kr = key_result_create(
        actor=c.mia, objective=mine, title="苏州新签 4 家客户", start_value=0, target_value=4, unit="家", confidence=80
    )
    return {
        "company": company_obj,
        "revenue": revenue,
        "department": dept_obj,
        "department_kr": dept_kr,
        "mine": mine,
        "my_kr": my_kr,
    }
