"""What the action plan tests share: a step made the short way, and signing in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from qibu.okrs.models import KeyResult
from qibu.org.models import Person
from qibu.plans.models import ActionStep
from qibu.plans.services import step_create

# The fixture's quarter (2026 Q4) and its key results' end.
START = dt.date(2026, 10, 1)
END = dt.date(2026, 12, 31)


def make_step(actor: Person, key_result: KeyResult, title: str = "拜访客户", **fields: Any) -> ActionStep:
    fields.setdefault("start", dt.date(2026, 10, 5))
    fields.setdefault("deadline", END)
    return step_create(actor=actor, key_result=key_result, title=title, **fields).step


def login(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client
