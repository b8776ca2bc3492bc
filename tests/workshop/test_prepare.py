"""Preparing a workshop (WS-1): who may, the invitation three ways, the random groups of 5–7 with a leader each,
adjusting them by hand, and the start."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qibu.org.services import person_create
from qibu.workshop import services
from qibu.workshop.models import Event, Group, GroupPhase, Participant, Workshop, WorkshopState
from tests.conftest import Company
from tests.workshop.conftest import Setup


def test_ws_1_groups_of_five_to_seven_each_with_a_leader_among_its_members(setup: Setup) -> None:
    groups = list(Group.objects.filter(workshop=setup.workshop))
    assert len(groups) == 2
    for group in groups:
        members = set(Participant.objects.filter(group=group).values_list("person_id", flat=True))
        assert 5 <= len(members) <= 7
        assert group.leader_id in members
    placed = Participant.objects.filter(workshop=setup.workshop, group__isnull=False).count()
    assert placed == 12


def test_ws_1_the_ceo_observes_and_is_never_counted_in_a_group(setup: Setup) -> None:
    assert setup.workshop.observer == setup.ceo
    services.participants_add(actor=setup.company.erin, workshop=setup.workshop, people=[setup.ceo])
    assert not Participant.objects.filter(workshop=setup.workshop, person=setup.ceo).exists()


def test_ws_1_redrawing_replaces_the_groups_and_keeps_everyone(setup: Setup) -> None:
    before = set(Group.objects.filter(workshop=setup.workshop).values_list("pk", flat=True))
    services.groups_draw(actor=setup.company.erin, workshop=setup.workshop, seed=99)
    after = set(Group.objects.filter(workshop=setup.workshop).values_list("pk", flat=True))
    assert before.isdisjoint(after)
    assert Participant.objects.filter(workshop=setup.workshop, group__isnull=True).count() == 0


def test_adjusting_by_hand_moves_a_person_and_drops_their_leadership(setup: Setup) -> None:
    leader = setup.leader(1)
    services.participant_move(actor=setup.company.erin, workshop=setup.workshop, person=leader, group=setup.group(2))
    assert leader in setup.members(2)
    assert setup.group(1).leader_id is None
    with pytest.raises(ValidationError) as refused:
        services.workshop_start(actor=setup.company.erin, workshop=setup.workshop)
    assert "Group 1 has no leader" in str(refused.value)
    services.group_leader_set(
        actor=setup.company.erin, workshop=setup.workshop, group=setup.group(1), person=setup.members(1)[0]
    )
    setup.start()
    assert Workshop.objects.get(pk=setup.workshop.pk).state == WorkshopState.RUNNING
    assert set(Group.objects.filter(workshop=setup.workshop).values_list("phase", flat=True)) == {GroupPhase.TOPIC}


def test_the_leader_must_be_a_member_of_the_group(setup: Setup) -> None:
    outsider = setup.members(2)[0]
    with pytest.raises(ValidationError, match="one of the group's members"):
        services.group_leader_set(
            actor=setup.company.erin, workshop=setup.workshop, group=setup.group(1), person=outsider
        )
    assert setup.group(1).leader_id != outsider.pk


def test_invitation_by_department_and_by_import(company: Company, setup: Setup) -> None:
    c = company
    fresh = services.workshop_create(
        actor=c.erin, cycle=setup.year, topic="年度目标", scheduled_for=setup.workshop.scheduled_for
    )
    added = services.participants_add_department(actor=c.erin, workshop=fresh, department=c.sales)
    assert added == 11  # hank, mia and the nine colleagues of sales
    person_create(actor=None, username="zoe", full_name="Zoe", email="zoe@example.com")
    assert services.participants_import(actor=c.erin, workshop=fresh, rows=["oscar", "ZOE@example.com", ""]) == 2
    with pytest.raises(ValidationError) as refused:
        services.participants_import(actor=c.erin, workshop=fresh, rows=["oscar", "nobody"])
    assert "Row 2: nobody signs in as “nobody”." in str(refused.value)
    assert Participant.objects.filter(workshop=fresh).count() == 13


def test_only_executives_create_and_only_the_moderator_prepares(company: Company, setup: Setup) -> None:
    c = company
    with pytest.raises(PermissionDenied):
        services.workshop_create(actor=c.mia, cycle=setup.year, topic="x", scheduled_for=setup.workshop.scheduled_for)
    events = Event.objects.count()
    with pytest.raises(PermissionDenied):
        services.groups_draw(actor=c.hank, workshop=setup.workshop)
    assert Event.objects.count() == events


def test_a_workshop_is_for_an_annual_cycle(company: Company, setup: Setup) -> None:
    with pytest.raises(ValidationError) as refused:
        services.workshop_create(actor=company.erin, cycle=company.quarter, topic="", scheduled_for=None)
    problems = refused.value.message_dict
    assert set(problems) >= {"cycle", "topic", "scheduled_for"}


def test_preparation_is_fixed_once_started_but_the_vote_budget_is_not(setup: Setup) -> None:
    setup.start()
    with pytest.raises(ValidationError, match="has started"):
        services.workshop_update(actor=setup.company.erin, workshop=setup.workshop, topic="另一个主题")
    services.workshop_update(actor=setup.company.erin, workshop=setup.workshop, vote_budget=5)
    assert Workshop.objects.get(pk=setup.workshop.pk).vote_budget == 5


def test_the_start_tells_each_participant_their_group_and_the_decision_tells_them_the_result(setup: Setup) -> None:
    from qibu.notify.models import Notification

    setup.start()
    member = setup.followers(1)[0]
    told = Notification.objects.get(recipient=member)
    assert "Group 1" in told.text and str(setup.leader(1)) in told.text
    assert told.url == f"/workshops/{setup.workshop.pk}/groups/{setup.group(1).pk}/"
    assert Notification.objects.filter(recipient=setup.ceo).count() == 1
