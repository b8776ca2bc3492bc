"""The brainstorm and the notes (WS-2 … WS-4): five notes each within the length rule, hidden until the leader
reveals them (on the server: the room's data never holds another's hidden note), done, the most important note,
shown and clarified."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qibu.workshop import access, selectors, services
from qibu.workshop.models import GroupPhase, Note, Participant
from tests.workshop.conftest import NOTES, Setup


def _room(setup: Setup, viewer_index: int, number: int = 1) -> selectors.GroupRoom:
    viewer = setup.members(number)[viewer_index]
    seat = access.seat_for(viewer, setup.workshop.pk)
    return selectors.group_room(seat, setup.group(number))


def test_ws_3_five_notes_each_and_no_sixth(running: Setup) -> None:
    member, group = running.members(1)[0], running.group(1)
    for text in NOTES:
        services.note_write(actor=member, group=group, text=text)
    with pytest.raises(ValidationError, match="your 5 notes"):
        services.note_write(actor=member, group=group, text="再写一张便利贴试试看")
    assert Note.objects.filter(author=member).count() == 5


@pytest.mark.parametrize(
    "text",
    [
        "太短了",
        "这是一张写得实在太长太长太长太长太长太长的便利贴",
        "Too short",
        "one two three four five six seven eight nine ten eleven twelve thirteen",
    ],
)
def test_ws_3_a_note_outside_the_length_rule_is_refused_with_nothing_written(running: Setup, text: str) -> None:
    member = running.members(1)[0]
    with pytest.raises(ValidationError) as refused:
        services.note_write(actor=member, group=running.group(1), text=text)
    assert "text" in refused.value.message_dict
    assert not Note.objects.filter(author=member).exists()


def test_ws_3_notes_are_hidden_from_everyone_but_their_author_until_the_reveal(running: Setup) -> None:
    running.write_all(1)
    author_room, other_room = _room(running, 0), _room(running, 1)
    assert len(author_room.my_notes) == 5 and all(n.mine for n in author_room.notes)
    assert len(other_room.notes) == 5  # their own only
    assert other_room.hidden == 25
    assert {m.notes for m in other_room.members} == {5}  # how many, never what
    observer_room = selectors.group_room(access.seat_for(running.ceo, running.workshop.pk), running.group(1))
    assert observer_room.notes == [] and observer_room.hidden == 30
    running.to_phase(1, GroupPhase.COMBINE)
    assert len(_room(running, 1).notes) == 30
    observer_room = selectors.group_room(access.seat_for(running.ceo, running.workshop.pk), running.group(1))
    assert len(observer_room.notes) == 30


def test_ws_3_the_leader_sees_who_is_done(running: Setup) -> None:
    member, group = running.members(1)[0], running.group(1)
    with pytest.raises(ValidationError, match="you have written 0"):
        services.participant_done(actor=member, group=group)
    for text in NOTES:
        services.note_write(actor=member, group=group, text=text)
    services.participant_done(actor=member, group=group)
    leader_seat = access.seat_for(running.leader(1), running.workshop.pk)
    room = selectors.group_room(leader_seat, group)
    assert [m.done for m in room.members if m.person_id == member.pk] == [True]
    assert room.done_count == 1


def test_ws_3_html_in_a_note_is_kept_as_text(running: Setup) -> None:
    member = running.members(1)[0]
    note = services.note_write(actor=member, group=running.group(1), text="<script>alert(1)</script> 提升客户满意度")
    assert note.text.startswith("<script>")


def test_the_observer_and_other_groups_write_no_notes(running: Setup) -> None:
    with pytest.raises(PermissionDenied):
        services.note_write(actor=running.ceo, group=running.group(1), text="提升老客户复购率到三成")
    from django.http import Http404

    with pytest.raises(Http404):
        services.note_write(actor=running.members(2)[0], group=running.group(1), text="提升老客户复购率到三成")
    assert not Note.objects.exists()


def test_ws_4_a_member_picks_their_most_important_note_which_the_leader_shows_and_its_author_explains(
    running: Setup,
) -> None:
    running.write_all(1)
    running.to_phase(1, GroupPhase.COMBINE)
    author = running.followers(1)[0]
    notes = list(Note.objects.filter(author=author).order_by("pk"))
    services.note_pick(actor=author, note=notes[0])
    services.note_pick(actor=author, note=notes[2])
    assert list(Note.objects.filter(author=author, is_pick=True)) == [notes[2]]
    with pytest.raises(PermissionDenied):
        services.note_show(actor=author, note=notes[2])  # a member is not the leader
    services.note_show(actor=running.leader(1), note=notes[2])
    services.note_clarify(actor=author, note=notes[2], text="指的是华东地区的新城市")
    room = _room(running, 1)
    assert room.spotlight_note is not None and room.spotlight_note.id == notes[2].pk
    assert room.spotlight_note.clarification == "指的是华东地区的新城市"
    with pytest.raises(PermissionDenied):
        services.note_clarify(actor=running.leader(1), note=notes[2], text="别人的解释")


def test_a_member_who_deletes_a_note_is_no_longer_done(running: Setup) -> None:
    running.write_all(1)
    member = running.members(1)[0]
    services.note_delete(actor=member, note=Note.objects.filter(author=member).first() or Note())
    assert Participant.objects.get(person=member, workshop=running.workshop).done_at is None


def test_the_reveal_cannot_be_undone(running: Setup) -> None:
    running.write_all(1)
    running.to_phase(1, GroupPhase.COMBINE)
    with pytest.raises(ValidationError):
        running.to_phase(1, GroupPhase.BRAINSTORM)
    assert running.group(1).phase == GroupPhase.COMBINE
