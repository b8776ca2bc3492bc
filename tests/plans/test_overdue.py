"""Overdue action steps are told to their owner and the owner's manager (EXE-8; EXE-9 supervisors monitor): a daily
job, once per step per day whatever the number of runs or workers, through the inbox and the daily digest."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from qibu.cycles.models import Cycle
from qibu.jobs.registry import get, periodic
from qibu.notify.models import DEFAULT_DELIVERY, Delivery, Notification, NotificationKind
from qibu.okrs.models import Level, Visibility
from qibu.okrs.services import key_result_create, objective_create
from qibu.org.models import Person
from qibu.org.selectors import organisation_get
from qibu.plans.notifications import overdue_steps_told
from qibu.plans.services import step_set_status
from tests.conftest import Company, Okrs
from tests.plans.helpers import make_step

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Mid-November in the fixture's quarter: a step due on 10 November is overdue.
NOW = dt.datetime(2026, 11, 15, 10, 0, tzinfo=SHANGHAI)
DUE = dt.date(2026, 11, 10)


def _told() -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=NotificationKind.OVERDUE_STEP).values_list("recipient__username",
                                                                                                "text"))  # fmt: skip


def test_it_tells_the_owner_and_the_owners_manager_of_an_overdue_step_EXE_8(company: Company, okrs: Okrs) -> None:
    c = company
    make_step(c.mia, okrs["my_kr"], "拜访苏州客户", owner=c.mia, start=dt.date(2026, 11, 1), deadline=DUE)
    assert overdue_steps_told(policy=organisation_get(), now=NOW) == 2
    (hank, mia) = _told()
    assert hank[0] == "hank" and "“拜访苏州客户”, an action step of 米娅" in hank[1]
    assert mia[0] == "mia" and mia[1].startswith("Your action step “拜访苏州客户” (for “苏州新签 4 家客户”) was due on")
    notification = Notification.objects.filter(kind=NotificationKind.OVERDUE_STEP).first()
    assert notification is not None and notification.url.startswith("/plans/steps/")
    assert notification.delivery == Delivery.DIGEST == DEFAULT_DELIVERY[NotificationKind.OVERDUE_STEP]


def test_it_tells_once_a_day_whatever_the_number_of_runs_and_again_the_next_day(company: Company, okrs: Okrs) -> None:
    c = company
    make_step(c.mia, okrs["my_kr"], owner=c.mia, start=dt.date(2026, 11, 1), deadline=DUE)
    policy = organisation_get()
    assert overdue_steps_told(policy=policy, now=NOW) == 2
    assert overdue_steps_told(policy=policy, now=NOW + dt.timedelta(hours=5)) == 0
    assert overdue_steps_told(policy=policy, now=NOW + dt.timedelta(days=1)) == 2
    assert len(_told()) == 4


def test_it_tells_no_one_of_steps_done_cancelled_not_yet_due_or_under_a_closed_cycle(
    company: Company, okrs: Okrs
) -> None:
    c = company
    done = make_step(c.mia, okrs["my_kr"], "做完", owner=c.mia, start=dt.date(2026, 11, 1), deadline=DUE)
    step_set_status(actor=c.mia, step=done, status="done")
    cancelled = make_step(c.mia, okrs["my_kr"], "取消", owner=c.mia, start=dt.date(2026, 11, 1), deadline=DUE)
    step_set_status(actor=c.mia, step=cancelled, status="cancelled")
    make_step(c.mia, okrs["my_kr"], "今天到期", owner=c.mia, start=dt.date(2026, 11, 1), deadline=NOW.date())
    assert overdue_steps_told(policy=organisation_get(), now=NOW) == 0
    make_step(c.mia, okrs["my_kr"], "逾期", owner=c.mia, start=dt.date(2026, 11, 1), deadline=DUE)
    Cycle.objects.filter(pk=c.quarter.pk).update(is_closed=True)
    assert overdue_steps_told(policy=organisation_get(), now=NOW) == 0


def test_it_tells_only_those_who_may_see_the_objective_and_are_still_here(company: Company, okrs: Okrs) -> None:
    """Only people still active are told: the owner's manager who left is not, nor an owner who left."""
    c = company
    limited = objective_create(
        actor=c.hank, cycle=c.quarter, level=Level.DEPARTMENT, department=c.sales, owner=c.hank, title="内部",
        visibility=Visibility.DEPARTMENT,
    )  # fmt: skip
    kr = key_result_create(actor=c.hank, objective=limited, title="回款", start_value=0, target_value=1)
    step = make_step(c.hank, kr, owner=c.mia, start=dt.date(2026, 11, 1), deadline=DUE)
    Person.objects.filter(pk=c.hank.pk).update(is_active=False)
    assert overdue_steps_told(policy=organisation_get(), now=NOW) == 1, "mia only: her manager hank has left"
    Person.objects.filter(pk=c.mia.pk).update(is_active=False)
    step.refresh_from_db()
    assert overdue_steps_told(policy=organisation_get(), now=NOW + dt.timedelta(days=1)) == 0


def test_the_worker_runs_it_every_hour() -> None:
    task = get("plans.tell_overdue_steps")
    assert task in periodic() and task.every == dt.timedelta(hours=1)
