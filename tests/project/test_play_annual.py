"""The annual objectives written together (PLAY-ANNUAL, 2020年OKR目标制定七步法): in January the CEO and the
executive team run the co-creation workshop (WS-1 … WS-7), and what the CEO decides is where the year's work
starts — the company's annual objectives, drafts that go through the company's approval like any other, that the
quarters' objectives align to, and that anyone can trace back to the notes they came from."""

from __future__ import annotations

from qibu.okrs.models import Approval, Level, Objective
from qibu.okrs.services import objective_approve, objective_create, objective_submit
from qibu.workshop import services
from qibu.workshop.models import Column, Event, GroupPhase, Note, WorkshopState
from tests.workshop.conftest import Setup, setup  # noqa: F401  (the fixture, used by name)
from tests.workshop.test_result import _to_presented


def test_play_annual_the_workshops_decision_is_the_years_company_objectives(setup: Setup) -> None:  # noqa: F811
    c = setup.company
    c.org.approval_required = True
    c.org.save(update_fields=["approval_required"])
    setup.start()
    _to_presented(setup, 1)
    _to_presented(setup, 2)
    erin = c.erin
    plenary = services.plenary_start(actor=erin, workshop=setup.workshop)
    customers = services.column_create(actor=erin, group=plenary, title="客户与市场")
    people = services.column_create(actor=erin, group=plenary, title="团队")
    for note in Note.objects.filter(group=plenary):
        services.note_move(actor=erin, note=note, column=people if "团队" in note.text else customers)
    services.group_phase_set(actor=erin, group=plenary, phase=GroupPhase.DISTIL)
    services.column_objective_set(actor=erin, column=customers, objective="成为华东客户首选的伙伴")
    services.column_objective_set(actor=erin, column=people, objective="打造学习型团队")
    services.group_phase_set(actor=erin, group=plenary, phase=GroupPhase.RANK)
    annual = services.workshop_decide(
        actor=setup.ceo, workshop=setup.workshop, chosen=[customers.pk, people.pk], statement="两条都要"
    )

    # Drafts of the year, in the order the plenary ranked them, waiting for the company's approval (SET-1).
    assert [(o.level, o.cycle, o.approval) for o in annual] == [(Level.COMPANY, setup.year, Approval.DRAFT)] * 2
    first = annual[0]
    objective_submit(actor=setup.ceo, objective=first)
    objective_approve(actor=erin, objective=first)
    assert Objective.objects.get(pk=first.pk).approval == Approval.APPROVED

    # A quarter of the year aligns its company objective to the annual one.
    quarter = setup.year.children.order_by("start").first()
    assert quarter is not None
    q1 = objective_create(
        actor=setup.ceo,
        cycle=quarter,
        level=Level.COMPANY,
        title="一季度拿下华东三家标杆客户",
        owner=setup.ceo,
        parent_objective_ids=[first.pk],
    )
    assert q1.alignments_up.filter(parent_objective=first).exists()

    # Where the annual objective came from: the plenary column, its notes (the groups' objectives), their columns,
    # the notes of the groups, and the workshop's record of who did what.
    origin = Column.objects.get(result=first)
    sources = Column.objects.filter(pk__in=Note.objects.filter(column=origin).values("source"))
    assert {s.group.number for s in sources} == {1, 2}
    assert Note.objects.filter(column__in=sources).count() > 0
    assert setup.workshop.__class__.objects.get(pk=setup.workshop.pk).state == WorkshopState.DECIDED
    kinds = set(Event.objects.filter(workshop=setup.workshop).values_list("kind", flat=True))
    assert {"workshop.start", "note.write", "group.phase", "plenary.start", "workshop.decide"} <= kinds
