"""SET-6: a new alignment goes to an objective of an open cycle. A closed cycle's objectives are final: a link made
to one (or to one of its key results) is refused with a message naming the parent and its cycle, nothing written;
a link made before the cycle closed stays as it is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qibu.audit.models import AuditEntry
from qibu.cycles.models import Cycle
from qibu.cycles.services import cycle_close
from qibu.okrs.models import Alignment, Level, Objective
from qibu.okrs.services import alignment_set, objective_create
from tests.conftest import Company, Okrs


def _closed_quarter(company: Company) -> Cycle:
    quarter = Cycle.objects.get(kind="quarter", start=dt.date(2026, 7, 1))
    return quarter


def _state() -> tuple[list[tuple[int, int]], int, int]:
    links = sorted(Alignment.objects.values_list("child_id", "rollup_parent_id"))
    return links, Objective.objects.count(), AuditEntry.objects.count()


def test_it_refuses_aligning_to_an_objective_of_a_closed_cycle_SET_6(company: Company, okrs: Okrs) -> None:
    """SET-6: the general rule, for any objective (not only a project's)."""
    c = company
    q3 = _closed_quarter(c)
    old = objective_create(actor=c.erin, cycle=q3, level=Level.COMPANY, owner=c.erin, title="三季度目标")
    cycle_close(actor=c.alice, cycle=q3)
    before = _state()
    with pytest.raises(ValidationError) as exc:
        alignment_set(actor=c.mia, objective=okrs["mine"], parent_objective_ids=[old.pk])
    assert exc.value.message_dict == {
        "parent_objective_ids": [
            "“三季度目标” belongs to the closed cycle “2026 Q3”: align to an objective of an open cycle."
        ]
    }
    assert _state() == before


def test_it_refuses_aligning_to_a_key_result_of_a_closed_cycle_SET_6(company: Company, okrs: Okrs) -> None:
    """SET-6."""
    c = company
    cycle_close(actor=c.alice, cycle=c.quarter)
    cycle = Cycle.objects.get(kind="quarter", start=dt.date(2026, 7, 1))
    before = _state()
    with pytest.raises(ValidationError) as exc:
        objective_create(
            actor=c.mia,
            cycle=cycle,
            level=Level.PERSON,
            owner=c.mia,
            title="跨周期",
            parent_key_result_ids=[okrs["revenue"].pk],
        )
    assert exc.value.message_dict["parent_key_result_ids"] == [
        "“成为华东市场第一” belongs to the closed cycle “2026 Q4”: align to an objective of an open cycle."
    ]
    assert _state() == before


def test_it_keeps_a_link_made_before_the_cycle_closed_SET_6(company: Company, okrs: Okrs) -> None:
    """SET-6: closing the parent's cycle does not cut the links already made, and an unchanged alignment is saved
    again without complaint."""
    c = company
    q1 = Cycle.objects.get(kind="quarter", start=dt.date(2026, 1, 1))
    parent = objective_create(actor=c.erin, cycle=c.year, level=Level.COMPANY, owner=c.erin, title="年度目标")
    child = objective_create(
        actor=c.mia, cycle=q1, level=Level.PERSON, owner=c.mia, title="一季度", parent_objective_ids=[parent.pk]
    )
    cycle_close(actor=c.alice, cycle=c.year)
    alignment_set(actor=c.mia, objective=child, parent_objective_ids=[parent.pk])
    assert list(Alignment.objects.filter(child=child).values_list("rollup_parent_id", flat=True)) == [parent.pk]


def test_it_aligns_across_open_cycles_SET_6(company: Company, okrs: Okrs) -> None:
    """SET-6: alignment may cross cycles (a quarter's objective to the year's, or to another quarter's)."""
    c = company
    q3 = Cycle.objects.get(kind="quarter", start=dt.date(2026, 7, 1))
    child = objective_create(
        actor=c.mia,
        cycle=q3,
        level=Level.PERSON,
        owner=c.mia,
        title="三季度",
        parent_objective_ids=[okrs["department"].pk],
    )
    assert Alignment.objects.filter(child=child, rollup_parent=okrs["department"]).exists()
