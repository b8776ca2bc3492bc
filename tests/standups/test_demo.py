"""The demo company's stand-ups (EXE-1, EXE-2): eight weeks of them for every team, no stand-up on a holiday, most
people posting most days with lines linked to their key results, some missing, a few away, recent blockers as
blockers of their own; the day's page shows them."""

from __future__ import annotations

import datetime as dt
import time

from django.db.models import Count
from django.test import Client

from qibu.blockers.models import Blocker
from qibu.demo.generator import generate_company
from qibu.org.models import Team
from qibu.rhythm.models import Absence, Holiday, Schedule
from qibu.standups.models import Entry, EntryItem, StandUp

TODAY = dt.date(2026, 11, 18)  # a Wednesday, eight weeks after National Day's week began


def test_the_demo_company_holds_eight_weeks_of_stand_ups_EXE_1_EXE_2(db: None) -> None:
    started = time.perf_counter()
    generate_company(people=60, seed=7, today=TODAY, finished_quarter=False)
    seconds = time.perf_counter() - started
    teams = Team.objects.count()
    assert Schedule.objects.filter(kind="stand_up").count() == teams
    assert Holiday.objects.filter(name="国庆节").count() == 7
    days = set(StandUp.objects.values_list("day", flat=True))
    assert not days & set(Holiday.objects.values_list("day", flat=True))
    assert all(day.weekday() < 5 for day in days)
    assert min(days) >= TODAY - dt.timedelta(weeks=8) and max(days) == TODAY
    per_team = StandUp.objects.values("team").annotate(n=Count("pk"))
    assert {row["n"] for row in per_team} == {len(days)}
    assert StandUp.objects.filter(day__lt=TODAY, closed_at__isnull=True).count() == 0
    assert StandUp.objects.filter(day=TODAY, closed_at__isnull=True).count() == teams
    entries = Entry.objects.count()
    possible = sum(StandUp.objects.filter(team=t).count() * (t.members.count() + 1) for t in Team.objects.all())
    assert 0.7 * possible < entries < possible, "most post, some are missing"
    linked = EntryItem.objects.filter(key_result__isnull=False).count()
    assert linked > EntryItem.objects.count() / 4
    assert Absence.objects.count() >= 1
    # The recent blocker lines are blockers of their own, raised in their stand-up.
    lines = EntryItem.objects.filter(blocker__isnull=False).select_related("blocker", "entry")
    assert lines.exists()
    assert all(line.blocker is not None and line.blocker.source_id == line.entry.stand_up_id for line in lines)
    assert Blocker.objects.filter(source_id__in=StandUp.objects.values("pk"), source="stand_up").count() >= len(lines)
    assert seconds < 60
    stand_up = StandUp.objects.select_related("team__lead").filter(day=TODAY).first()
    assert stand_up is not None and stand_up.team.lead is not None
    client = Client()
    client.force_login(stand_up.team.lead)
    page = client.get(f"/standups/teams/{stand_up.team_id}/{TODAY.isoformat()}/")
    assert page.status_code == 200
