"""The `okrs` company in planning: the company's, sales' and mia's objectives are drafts (the approval services
set states in production; here the rows are set directly)."""

from __future__ import annotations

import pytest
from django.test import Client

from qibu.okrs.models import Approval, Objective
from qibu.org.models import Person
from tests.conftest import Company, Okrs


def drafted(okrs: Okrs, *names: str, approval: str = Approval.DRAFT) -> None:
    """Set the approval of the named objectives of `okrs` (all three when none are named)."""
    chosen = names or ("company", "department", "mine")
    objectives: list[Objective] = [okrs[name] for name in chosen]  # type: ignore[literal-required]
    Objective.objects.filter(pk__in=[o.pk for o in objectives]).update(approval=approval)
    for objective in objectives:
        objective.approval = approval


@pytest.fixture
def drafts(company: Company, okrs: Okrs) -> Okrs:
    drafted(okrs)
    return okrs


def signed_in(person: Person, *, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.cookies["qibu_language"] = language
    client.force_login(person)
    return client
