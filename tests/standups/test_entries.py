"""Posting in the stand-up (EXE-1): each person's own entry of yesterday's progress, today's plan and blockers,
each line optionally linked to one of their key results or action steps, editable (edits recorded); the reporting
window closes at the meeting; an entry for another person is refused and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qibu.audit.models import AuditEntry
from qibu.blockers.models import Blocker
from qibu.rhythm.services import holiday_create
from qibu.standups.models import Entry, EntryItem, StandUp, Timing
from qibu.standups.services import ItemInput, entry_post, stand_up_close, stand_up_get_or_make
from tests.conftest import Company, Okrs, present
from tests.standups.helpers import BEFORE, MONDAY, START, lines, monday_stand_up, stand_up_schedule


def test_it_makes_the_days_stand_up_from_the_schedule_on_its_clock_EXE_1(company: Company) -> None:
    stand_up = monday_stand_up(company)
    assert stand_up.starts_at == START and stand_up.duration_minutes == 15
    assert stand_up_get_or_make(team=company.sales_team, day=MONDAY) == stand_up
    assert StandUp.objects.count() == 1
    # Saturday: no stand-up.
    assert stand_up_get_or_make(team=company.sales_team, day=MONDAY + dt.timedelta(days=5)) is None


def test_a_holiday_has_no_stand_up_EXE_1(company: Company) -> None:
    stand_up_schedule(company)
    holiday_create(actor=company.alice, day=MONDAY, name="国庆节")
    assert stand_up_get_or_make(team=company.sales_team, day=MONDAY) is None
    assert not StandUp.objects.exists()


def test_it_posts_the_three_parts_in_the_reporting_window_EXE_1(company: Company, okrs: Okrs) -> None:
    stand_up = monday_stand_up(company)
    items = [
        ItemInput(section="yesterday", text="拜访了苏州两家客户", link=f"kr:{okrs['my_kr'].pk}"),
        ItemInput(section="today", text="准备报价"),
    ]
    entry = entry_post(actor=company.mia, stand_up=stand_up, items=items, now=BEFORE)
    assert entry.timing == Timing.BEFORE
    stored = list(entry.items.order_by("section", "position").values_list("section", "text", "key_result_id"))
    assert stored == [("today", "准备报价", None), ("yesterday", "拜访了苏州两家客户", okrs["my_kr"].pk)]


def test_an_entry_posted_after_the_start_is_marked_as_during_or_after_the_meeting_EXE_1(company: Company) -> None:
    stand_up = monday_stand_up(company)
    during = entry_post(actor=company.mia, stand_up=stand_up, items=lines(), now=START + dt.timedelta(minutes=5))
    after = entry_post(actor=company.hank, stand_up=stand_up, items=lines(), now=START + dt.timedelta(hours=2))
    assert (during.timing, after.timing) == (Timing.DURING, Timing.AFTER)


def test_an_entry_for_another_person_is_refused_and_nothing_written_EXE_1(company: Company) -> None:
    stand_up = monday_stand_up(company)
    with pytest.raises(ValidationError) as caught:
        entry_post(actor=company.hank, stand_up=stand_up, items=lines(), person=company.mia, now=BEFORE)
    assert caught.value.message_dict == {"person": ["You post only your own stand-up entry, not one for someone else."]}
    assert not Entry.objects.exists() and not EntryItem.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="stand_up").exists()


def test_someone_outside_the_team_may_not_post_EXE_1(company: Company) -> None:
    stand_up = monday_stand_up(company)
    with pytest.raises(ValidationError, match="Only the team's people"):
        entry_post(actor=company.oscar, stand_up=stand_up, items=lines(), now=BEFORE)
    assert not Entry.objects.exists()


def test_a_link_to_someone_elses_key_result_is_refused_EXE_1(company: Company, okrs: Okrs) -> None:
    stand_up = monday_stand_up(company)
    items = [ItemInput(section="yesterday", text="签约", link=f"kr:{okrs['revenue'].pk}")]
    with pytest.raises(ValidationError) as caught:
        entry_post(actor=company.mia, stand_up=stand_up, items=items, now=BEFORE)
    assert "items.0.link" in caught.value.message_dict
    assert not Entry.objects.exists()


def test_an_empty_entry_and_a_long_line_are_refused_naming_the_line_EXE_1(company: Company) -> None:
    stand_up = monday_stand_up(company)
    with pytest.raises(ValidationError) as caught:
        entry_post(actor=company.mia, stand_up=stand_up, items=[], now=BEFORE)
    assert "items" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        entry_post(actor=company.mia, stand_up=stand_up, items=lines(today="长" * 501), now=BEFORE)
    assert "items.1.text" in caught.value.message_dict
    assert not Entry.objects.exists()


def test_an_edit_is_recorded_and_keeps_the_timing_and_the_blockers_it_keeps_EXE_1_EXE_2(company: Company) -> None:
    stand_up = monday_stand_up(company)
    entry = entry_post(actor=company.mia, stand_up=stand_up, items=lines(blocker="等法务审合同"), now=BEFORE)
    blocker = Blocker.objects.get()
    edited = entry_post(
        actor=company.mia,
        stand_up=stand_up,
        items=lines(today="准备报价并发出", blocker="等法务审合同"),
        now=START + dt.timedelta(minutes=3),
    )
    assert edited.pk == entry.pk and edited.edits == 1 and edited.timing == Timing.BEFORE
    assert Blocker.objects.get() == blocker  # the same line keeps its blocker
    assert EntryItem.objects.get(section="blocker").blocker == blocker
    change = AuditEntry.objects.get(action="stand_up_entry.update")
    assert present(change.before)["today"] == ["准备报价"] and present(change.after)["today"] == ["准备报价并发出"]


def test_a_closed_stand_up_takes_no_more_entries_EXE_1(company: Company) -> None:
    stand_up = monday_stand_up(company)
    stand_up_close(actor=company.hank, stand_up=stand_up, now=START + dt.timedelta(minutes=15))
    with pytest.raises(ValidationError, match="closed"):
        entry_post(actor=company.mia, stand_up=stand_up, items=lines())
    assert not Entry.objects.exists()


def test_a_blocker_line_becomes_a_blocker_with_its_owner_and_people_concerned_EXE_2(company: Company) -> None:
    stand_up = monday_stand_up(company)
    items = [ItemInput(section="blocker", text="报价审批卡在财务", owner=company.hank.pk, concerned=[company.erin.pk])]
    entry_post(actor=company.mia, stand_up=stand_up, items=items, now=BEFORE)
    blocker = Blocker.objects.get()
    assert blocker.owner == company.hank and blocker.raised_by == company.mia
    assert list(blocker.concerned.all()) == [company.erin]
    assert (blocker.source, blocker.source_id, blocker.team) == ("stand_up", stand_up.pk, company.sales_team)


def test_a_blocker_owner_nobody_knows_is_refused_and_nothing_written_EXE_2(company: Company) -> None:
    stand_up = monday_stand_up(company)
    items = [*lines(), ItemInput(section="blocker", text="报价审批卡在财务", owner=99999)]
    with pytest.raises(ValidationError) as caught:
        entry_post(actor=company.mia, stand_up=stand_up, items=items, now=BEFORE)
    assert any(name.startswith("items.2.") for name in caught.value.message_dict)
    assert not Entry.objects.exists() and not Blocker.objects.exists()
