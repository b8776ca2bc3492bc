"""The facilitator's live mode (EXE-1): one person at a time in an order (present people first), a 15-minute
countdown for the group and each present person's share of it; only the facilitator moves on or ends it, which
closes the stand-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qibu.org.services import person_create
from qibu.rhythm.services import absence_create
from qibu.standups.models import StandUp
from qibu.standups.selectors import live_state
from qibu.standups.services import entry_post, live_end, live_move, live_start
from tests.conftest import Company
from tests.standups.helpers import BEFORE, MONDAY, START, lines, monday_stand_up


def test_the_order_puts_present_people_first_and_shares_the_quarter_hour_EXE_1(company: Company) -> None:
    lin = person_create(actor=None, username="lin", full_name="林请假", password="x" * 12,
                        department=company.sales, team=company.sales_team)  # fmt: skip
    absence_create(actor=company.alice, person=lin, start=MONDAY, end=MONDAY)
    stand_up = monday_stand_up(company)
    entry_post(actor=company.mia, stand_up=stand_up, items=lines(), now=BEFORE)
    live_start(actor=company.hank, stand_up=stand_up, now=START)
    stand_up.refresh_from_db()
    state = live_state(company.mia, stand_up, now=START + dt.timedelta(minutes=2))
    assert [p.username for p in state.order] == ["mia", "hank", "lin"]  # who posted, the others, then who is away
    assert state.speaker == company.mia
    assert (state.total_seconds, state.present_count, state.share_seconds) == (900, 2, 450)
    assert state.remaining_seconds == 780 and state.speaker_remaining_seconds == 330
    assert state.remaining_text == "13:00"
    assert not state.is_facilitator


def test_only_the_facilitator_moves_on_and_ends_it_EXE_1(company: Company) -> None:
    stand_up = monday_stand_up(company)
    live_start(actor=company.mia, stand_up=stand_up, now=START)
    with pytest.raises(ValidationError, match="Only the facilitator"):
        live_move(actor=company.hank, stand_up=stand_up, step=1)
    assert StandUp.objects.get().speaker_index == 0
    live_move(actor=company.mia, stand_up=stand_up, step=1, now=START + dt.timedelta(minutes=7))
    moved = StandUp.objects.get()
    assert moved.speaker_index == 1 and moved.speaker_started_at == START + dt.timedelta(minutes=7)
    with pytest.raises(ValidationError, match="after the last"):
        live_move(actor=company.mia, stand_up=stand_up, step=1)
    with pytest.raises(ValidationError, match="already"):
        live_start(actor=company.hank, stand_up=stand_up)
    stand_up.refresh_from_db()
    with pytest.raises(ValidationError, match="Only the facilitator ends"):
        live_end(actor=company.hank, stand_up=stand_up)
    live_end(actor=company.mia, stand_up=stand_up, now=START + dt.timedelta(minutes=14))
    ended = StandUp.objects.get()
    assert ended.closed_at is not None and ended.live_ended_at is not None and not ended.is_live
