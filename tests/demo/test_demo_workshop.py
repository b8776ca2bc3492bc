"""The demo company's co-creation workshop (PLAY-ANNUAL, WS-1 … WS-7): decided, and its result is the year's
company objectives, each linked back to the plenary column and the groups it came from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django import DjangoDbBlocker

from qibu.demo.generator import DemoSummary, generate_company, wipe_company
from qibu.okrs.models import Level, Objective
from qibu.org.models import Organisation
from qibu.workshop.models import Column, Group, GroupingProposal, Note, VoteReason, Workshop, WorkshopState
from qibu.workshop.rules import note_problem
from tests.demo.test_demo import TODAY


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoSummary]:
    with django_db_blocker.unblock():
        summary = generate_company(people=60, seed=7, today=TODAY)
        yield summary
        wipe_company()
        Organisation.objects.all().delete()


@pytest.mark.django_db
def test_play_annual_the_demo_holds_one_decided_workshop_whose_result_is_the_years_objectives(
    demo: DemoSummary,
) -> None:
    workshop = Workshop.objects.get()
    assert workshop.state == WorkshopState.DECIDED
    annual = set(Objective.objects.filter(cycle=workshop.cycle, level=Level.COMPANY).values_list("pk", flat=True))
    chosen = set(
        Column.objects.filter(group__workshop=workshop, group__is_plenary=True, chosen=True).values_list(
            "result_id", flat=True
        )
    )
    assert chosen == annual and len(annual) == 3
    for column in Column.objects.filter(group__workshop=workshop, group__is_plenary=True, chosen=True):
        sources = Column.objects.filter(pk__in=Note.objects.filter(column=column).values("source"))
        assert sources.exists() and all(s.group.is_plenary is False for s in sources)


@pytest.mark.django_db
def test_ws_the_demo_workshop_follows_the_method(demo: DemoSummary) -> None:
    workshop = Workshop.objects.get()
    groups = Group.objects.filter(workshop=workshop, is_plenary=False)
    assert groups.count() >= 2
    for group in groups:
        assert 5 <= group.members.count() <= 7  # WS-1
        assert group.phase == "presented"  # WS-6
        assert Column.objects.filter(group=group).count() <= 5  # WS-4
    notes = Note.objects.filter(group__workshop=workshop, group__is_plenary=False)
    assert notes.exists() and all(note_problem(n.text) is None for n in notes)  # WS-3
    assert GroupingProposal.objects.filter(group__workshop=workshop, accepted_at__isnull=False).exists()
    assert VoteReason.objects.filter(vote__group__workshop=workshop).count() >= 2
