"""The sales team's stand-up for the stand-up tests: hank leads the team, mia is in it; every workday at 09:30 on
the organisation's clock (Asia/Shanghai), 15 minutes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qibu.rhythm.models import Schedule
from qibu.standups.models import StandUp
from qibu.standups.services import ItemInput, stand_up_get_or_make
from tests.conftest import Company, present
from tests.rhythm.helpers import local, make_schedule

MONDAY = dt.date(2026, 10, 5)
BEFORE = local(2026, 10, 5, 9, 0)  # in the reporting window
START = local(2026, 10, 5, 9, 30)


def stand_up_schedule(company: Company, **values: Any) -> Schedule:
    given: dict[str, Any] = {"kind": "stand_up", "recurrence": "workdays", "time": "09:30", "duration_minutes": 15}
    return make_schedule(team_id=company.sales_team.pk, **(given | values))


def monday_stand_up(company: Company) -> StandUp:
    stand_up_schedule(company)
    return present(stand_up_get_or_make(team=company.sales_team, day=MONDAY))


def lines(yesterday: str = "拜访了苏州两家客户", today: str = "准备报价", blocker: str = "") -> list[ItemInput]:
    items = [ItemInput(section="yesterday", text=yesterday), ItemInput(section="today", text=today)]
    if blocker:
        items.append(ItemInput(section="blocker", text=blocker))
    return items
