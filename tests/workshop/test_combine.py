"""Combining (WS-4): at most five columns, every note sorted, two leaders moving one note (one wins, nothing lost),
Qibu's grouping by key words applied and undone in one step, and votes with reasons and a changeable budget."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qibu.workshop import access, selectors, services
from qibu.workshop.models import Column, GroupPhase, Note, Vote, VoteReason
from tests.workshop.conftest import Setup


@pytest.fixture
def combining(running: Setup) -> Setup:
    running.write_all(1)
    running.to_phase(1, GroupPhase.COMBINE)
    return running


def test_ws_4_at_most_five_columns(combining: Setup) -> None:
    leader, group = combining.leader(1), combining.group(1)
    for title in ("客户", "市场", "渠道", "员工", "产品"):
        services.column_create(actor=leader, group=group, title=title)
    with pytest.raises(ValidationError, match="At most 5 columns"):
        services.column_create(actor=leader, group=group, title="第六列")
    assert Column.objects.filter(group=group).count() == 5


def test_ws_4_a_member_cannot_act_as_leader(combining: Setup) -> None:
    member = combining.followers(1)[0]
    with pytest.raises(PermissionDenied):
        services.column_create(actor=member, group=combining.group(1), title="客户")
    assert not Column.objects.exists()


def test_ws_4_two_leaders_move_the_same_note_one_wins_the_other_is_told_where_it_went(combining: Setup) -> None:
    group = combining.group(1)
    leader, moderator = combining.leader(1), combining.company.erin
    customers = services.column_create(actor=leader, group=group, title="客户")
    markets = services.column_create(actor=leader, group=group, title="市场")
    note = Note.objects.filter(group=group).first()
    assert note is not None
    seen = note.version  # both screens show this version
    services.note_move(actor=leader, note=note, column=customers, version=seen)
    with pytest.raises(ValidationError) as refused:
        services.note_move(actor=moderator, note=note, column=markets, version=seen)
    assert "it is now in “客户”" in str(refused.value)
    assert Note.objects.get(pk=note.pk).column == customers


def test_ws_4_every_note_is_sorted_before_distilling(combining: Setup) -> None:
    group = combining.group(1)
    services.column_create(actor=combining.leader(1), group=group, title="客户")
    with pytest.raises(ValidationError, match="30 notes are not in a column yet"):
        combining.to_phase(1, GroupPhase.DISTIL)


def test_ws_4_the_grouping_by_key_words_applies_and_undoes_in_one_step(combining: Setup) -> None:
    leader, group = combining.leader(1), combining.group(1)
    hand = services.column_create(actor=leader, group=group, title="手工分类")
    first = Note.objects.filter(group=group).order_by("pk").first()
    assert first is not None
    services.note_move(actor=leader, note=first, column=hand)
    proposal = services.proposal_make(actor=leader, group=group)
    assert proposal.proposal, "the notes share key words: Qibu proposes columns"
    before = dict(Note.objects.filter(group=group).values_list("pk", "column_id"))
    services.proposal_accept(actor=leader, proposal=proposal)
    assert Column.objects.filter(group=group).count() > 1
    assert Note.objects.filter(group=group, column__isnull=True).count() < 29
    services.proposal_undo(actor=leader, proposal=proposal)
    assert dict(Note.objects.filter(group=group).values_list("pk", "column_id")) == before
    assert list(Column.objects.filter(group=group)) == [hand]


def test_ws_4_a_dispute_is_voted_with_reasons_and_the_note_goes_to_the_winner(combining: Setup) -> None:
    leader, group = combining.leader(1), combining.group(1)
    customers = services.column_create(actor=leader, group=group, title="客户")
    markets = services.column_create(actor=leader, group=group, title="市场")
    note = Note.objects.filter(group=group).first()
    assert note is not None
    vote = services.vote_open(actor=leader, group=group, question="这张放哪一列?", note=note)
    options = {o.column_id: o.pk for o in vote.options.all()}
    members = combining.followers(1)
    services.vote_cast(actor=members[0], vote=vote, points={options[markets.pk]: 3}, reason="它讲的是开拓新城市")
    services.vote_cast(actor=members[1], vote=vote, points={options[customers.pk]: 1})
    with pytest.raises(ValidationError, match="You have 3 votes; these are 4"):
        services.vote_cast(actor=members[2], vote=vote, points={options[markets.pk]: 4})
    # Secret while open: a member sees neither totals nor whose reason is whose.
    seat = access.seat_for(members[1], combining.workshop.pk)
    open_card = selectors.group_room(seat, group).open_vote
    assert open_card is not None and {o.total for o in open_card.options} == {None} and open_card.voters == 2
    services.vote_budget_set(actor=leader, vote=vote, budget=5)
    services.vote_cast(actor=members[2], vote=vote, points={options[customers.pk]: 1})
    with pytest.raises(ValidationError, match="cannot go below"):
        services.vote_budget_set(actor=leader, vote=vote, budget=2)
    services.vote_close(actor=leader, vote=vote)
    assert Note.objects.get(pk=note.pk).column == markets
    closed = selectors.group_room(seat, group).votes[0]
    assert {o.label: o.total for o in closed.options} == {"客户": 2, "市场": 3}
    assert closed.reasons == ["它讲的是开拓新城市"]
    assert VoteReason.objects.filter(vote=vote).count() == 1


def test_no_vote_by_a_non_member_or_after_the_close(combining: Setup) -> None:
    leader, group = combining.leader(1), combining.group(1)
    vote = services.vote_open(actor=leader, group=group, question="先讨论哪个?", options=["客户", "市场"])
    option = vote.options.first()
    assert option is not None
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=combining.ceo, vote=vote, points={option.pk: 1})
    services.vote_close(actor=leader, vote=vote)
    with pytest.raises(ValidationError, match="This vote is closed"):
        services.vote_cast(actor=combining.followers(1)[0], vote=vote, points={option.pk: 1})
    assert not Vote.objects.get(pk=vote.pk).ballots.exists()
