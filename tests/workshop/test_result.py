"""From columns to the company's annual objectives: distil (WS-5), rank with who moved what (WS-6), the plenary
and the CEO's decision (WS-7, PLAY-ANNUAL)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qibu.okrs.models import Level, Objective
from qibu.workshop import services
from qibu.workshop.models import Column, Event, Group, GroupPhase, Note, Workshop, WorkshopState
from tests.workshop.conftest import Setup

OBJECTIVES = ("让老客户离不开我们", "在华东打开新市场", "打造学习型团队")


def _to_presented(setup: Setup, number: int) -> None:
    """The group writes, combines into three columns, distils and ranks them, and presents."""
    if setup.group(number).phase == GroupPhase.TOPIC:
        setup.to_phase(number, GroupPhase.BRAINSTORM)
    setup.write_all(number)
    setup.to_phase(number, GroupPhase.COMBINE)
    leader, group = setup.leader(number), setup.group(number)
    columns = [services.column_create(actor=leader, group=group, title=t) for t in ("客户", "市场", "员工")]
    for index, note in enumerate(Note.objects.filter(group=group).order_by("pk")):
        services.note_move(actor=leader, note=note, column=columns[index % 3])
    setup.to_phase(number, GroupPhase.DISTIL)
    for column, objective in zip(columns, OBJECTIVES, strict=True):
        services.column_objective_set(actor=leader, column=column, objective=objective)
    setup.to_phase(number, GroupPhase.RANK)
    setup.to_phase(number, GroupPhase.PRESENTED)


def test_ws_5_every_column_gets_its_objective_before_ranking(running: Setup) -> None:
    running.write_all(1)
    running.to_phase(1, GroupPhase.COMBINE)
    leader, group = running.leader(1), running.group(1)
    column = services.column_create(actor=leader, group=group, title="客户")
    Note.objects.filter(group=group).update(column=column)
    running.to_phase(1, GroupPhase.DISTIL)
    with pytest.raises(ValidationError, match="Write the objective of every column"):
        running.to_phase(1, GroupPhase.RANK)
    services.column_objective_set(actor=leader, column=column, objective="让老客户离不开我们")
    services.column_read_aloud(actor=leader, column=column)
    assert running.group(1).spotlight_column_id == column.pk


def test_ws_6_the_ranking_records_who_moved_what(running: Setup) -> None:
    running.write_all(1)
    running.to_phase(1, GroupPhase.COMBINE)
    leader, group = running.leader(1), running.group(1)
    columns = [services.column_create(actor=leader, group=group, title=t) for t in ("客户", "市场")]
    Note.objects.filter(group=group).update(column=columns[0])
    running.to_phase(1, GroupPhase.DISTIL)
    for column, objective in zip(columns, OBJECTIVES, strict=False):
        services.column_objective_set(actor=leader, column=column, objective=objective)
    running.to_phase(1, GroupPhase.RANK)
    member = running.followers(1)[0]
    services.column_rank_move(actor=member, column=columns[1], rank=1)
    assert list(Column.objects.filter(group=group).order_by("rank").values_list("title", flat=True)) == ["市场", "客户"]
    move = Event.objects.filter(kind="column.rank").get()
    assert move.actor == member and move.data == {"column": columns[1].pk, "from_rank": 2, "to_rank": 1}


def test_ws_7_the_plenary_gathers_every_groups_objectives_and_the_ceo_alone_decides(setup: Setup) -> None:
    setup.start()
    erin = setup.company.erin
    with pytest.raises(ValidationError, match="Every group presents its objectives first"):
        services.plenary_start(actor=erin, workshop=setup.workshop)
    _to_presented(setup, 1)
    _to_presented(setup, 2)
    plenary = services.plenary_start(actor=erin, workshop=setup.workshop)
    notes = list(Note.objects.filter(group=plenary).order_by("position"))
    assert len(notes) == 6 and all(n.source is not None for n in notes)
    column = services.column_create(actor=erin, group=plenary, title="客户与市场")
    other = services.column_create(actor=erin, group=plenary, title="团队")
    for note in notes:
        services.note_move(actor=erin, note=note, column=other if "团队" in note.text else column)
    services.group_phase_set(actor=erin, group=plenary, phase=GroupPhase.DISTIL)
    services.column_objective_set(actor=erin, column=column, objective="成为华东客户首选的伙伴")
    services.column_objective_set(actor=erin, column=other, objective="打造学习型团队")
    for outsider in (erin, setup.leader(1), setup.company.alice):
        with pytest.raises(PermissionDenied):
            services.workshop_decide(actor=outsider, workshop=setup.workshop, chosen=[column.pk])
    assert not Objective.objects.filter(cycle=setup.year).exists()
    made = services.workshop_decide(
        actor=setup.ceo, workshop=setup.workshop, chosen=[column.pk], statement="客户是今年的重点"
    )
    assert [(o.title, o.level, o.cycle) for o in made] == [("成为华东客户首选的伙伴", Level.COMPANY, setup.year)]
    column.refresh_from_db()
    other.refresh_from_db()
    assert column.result == made[0] and column.chosen is True and other.chosen is False
    # Where the objective came from: the plenary column, its notes, their groups' columns and notes.
    origins = Note.objects.filter(column=column).values_list("source__group__number", flat=True)
    assert set(origins) == {1, 2}
    workshop = Workshop.objects.get(pk=setup.workshop.pk)
    assert workshop.state == WorkshopState.DECIDED and workshop.decision_statement == "客户是今年的重点"
    assert Group.objects.filter(workshop=workshop, is_plenary=True).count() == 1
