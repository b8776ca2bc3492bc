"""The demo company's daily stand-ups (EXE-1, EXE-2): each team's stand-up schedule (every workday at 09:30, a
reminder an hour before and a late one ten minutes before), the National Day holiday and a few people's absences,
and eight weeks of stand-ups: on most days most people posted yesterday's progress and today's plan, many lines
linked to their own key results or action steps; some people missed some days; a few raised blockers, the recent
ones as blockers of their own (through `blocker_create`, owners and people concerned told). Past stand-ups are
closed. Written in bulk (thousands of lines), but for the schedules, holidays, absences and blockers, which go
through their services. Today's stand-up is left open, half posted, to show the posting and the live mode."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence

from django.db.models.functions import Coalesce

from qibu.blockers.models import BlockerSource
from qibu.blockers.services import blocker_create
from qibu.okrs.models import KeyResult
from qibu.org.models import Person, Team
from qibu.plans.models import ActionStep
from qibu.rhythm.models import Holiday, Schedule
from qibu.rhythm.services import ScheduleInput, absence_create, holiday_create, schedule_create
from qibu.standups.models import Entry, EntryItem, Section, StandUp, Timing

BATCH = 2000
MISSING_SHARE = 0.08
BLOCKER_SHARE = 0.05
LINK_SHARE = 0.7
# The blockers raised in the last days become blockers of their own (the older ones were settled in the meeting).
BLOCKER_DAYS = 10
ABSENT_PEOPLE = 4

YESTERDAY = (
    "推进「{kr}」：{detail}",
    "完成了{task}",
    "跟进「{kr}」，{detail}",
    "和客户沟通了{task}的细节",
    "整理了本周数据，{detail}",
)
TODAY = (
    "继续推进「{kr}」",
    "准备{task}的材料",
    "约两家客户沟通{task}",
    "复盘「{kr}」的进展，调整打法",
    "完成{task}并同步给团队",
)
DETAILS = ("进度比上周快一些", "还差最后一步", "拿到了初步反馈", "数据已更新到系统", "和相关同事对齐了")
TASKS = ("报价方案", "周报", "需求评审", "测试用例", "培训材料", "客户回访", "合同条款", "投放复盘")
BLOCKERS = (
    "等法务审合同，已经三天了",
    "测试环境不稳定，影响联调",
    "报价审批卡在财务",
    "缺少设计资源，页面排不上期",
    "客户接口人换人，需求要重新确认",
    "样机库存不够，进店试用排不开",
)


def _workdays(start: dt.date, end: dt.date, holidays: set[dt.date]) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5 and day not in holidays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _holidays(today: dt.date, since: dt.date) -> set[dt.date]:
    """National Day week (1–7 October) and New Year's Day, where they fall within the demo's weeks or soon after."""
    found: set[dt.date] = set()
    for year in {since.year, today.year}:
        named = [(dt.date(year, 10, 1) + dt.timedelta(days=n), "国庆节") for n in range(7)]
        named.append((dt.date(year + 1, 1, 1), "元旦"))
        for day, name in named:
            if since <= day <= today + dt.timedelta(days=60) and not Holiday.objects.filter(day=day).exists():
                holiday_create(actor=None, day=day, name=name)
                found.add(day)
    return found | set(Holiday.objects.values_list("day", flat=True))


Link = tuple[str, int, str]


def _links(people: Sequence[Person], today: dt.date) -> dict[int, list[Link]]:
    """Each person's key results of the cycles not over (a finished quarter's are not talked of) and action steps to
    link lines to (two queries)."""
    ids = [p.pk for p in people]
    links: dict[int, list[Link]] = defaultdict(list)
    key_results = (
        KeyResult.objects.filter(objective__cycle__is_closed=False, objective__cycle__end__gte=today)
        .annotate(responsible=Coalesce("owner_id", "objective__owner_id"))
        .filter(responsible__in=ids)
        .values_list("responsible", "pk", "title")
    )
    for person_id, pk, title in key_results:
        links[person_id].append(("kr", pk, title))
    for person_id, pk, title in ActionStep.objects.filter(owner_id__in=ids).values_list("owner_id", "pk", "title"):
        links[person_id].append(("step", pk, title))
    return links


def _line(rng: random.Random, templates: Sequence[str], link: tuple[str, int, str] | None) -> str:
    template = rng.choice(templates if link else [t for t in templates if "{kr}" not in t])
    return template.format(kr=link[2][:40] if link else "", detail=rng.choice(DETAILS), task=rng.choice(TASKS))


def _schedules(teams: Sequence[Team], now: dt.datetime, weeks: int) -> dict[int, Schedule]:
    schedules: dict[int, Schedule] = {}
    for team in teams:
        schedules[team.pk] = schedule_create(
            actor=None,
            data=ScheduleInput(kind="stand_up", team_id=team.pk, recurrence="workdays", time="09:30",
                               duration_minutes=15, remind_before_minutes=60, late_before_minutes=10),
        )  # fmt: skip
    # Set before the weeks shown, so that no reminder of a past stand-up goes out now.
    Schedule.objects.filter(pk__in=[s.pk for s in schedules.values()]).update(
        created_at=now - dt.timedelta(weeks=weeks + 1), updated_at=now
    )
    return schedules


def _members(teams: Sequence[Team]) -> dict[int, list[Person]]:
    members: dict[int, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(team__isnull=False, is_active=True).order_by("pk"):
        members[person.team_id or 0].append(person)
    for team in teams:
        if team.lead is not None and team.lead not in members[team.pk]:
            members[team.pk].append(team.lead)
    return members


Line = tuple[str, str, tuple[str, int, str] | None]


class _Plan:
    def __init__(self, *, rng: random.Random, today: dt.date, zone: dt.tzinfo, links: dict[int, list[Link]]) -> None:
        self.rng, self.today, self.zone, self.links = rng, today, zone, links
        self.entries: list[Entry] = []
        self.lines: list[tuple[int, int, list[Line]]] = []

    def entry(self, stand_up_id: int, person: Person, day: dt.date) -> None:
        rng = self.rng
        # Today, half the team has posted so far; other days some forget.
        if rng.random() < (0.5 if day == self.today else MISSING_SHARE):
            return
        own = self.links.get(person.pk, [])
        lines: list[Line] = []
        for section, templates, count in (
            (Section.YESTERDAY.value, YESTERDAY, rng.choice((1, 2, 2))),
            (Section.TODAY.value, TODAY, rng.choice((1, 1, 2))),
        ):
            for _n in range(count):
                link = rng.choice(own) if own and rng.random() < LINK_SHARE else None
                lines.append((section, _line(rng, templates, link), link))
        if rng.random() < BLOCKER_SHARE:
            lines.append((Section.BLOCKER.value, rng.choice(BLOCKERS), None))
        starts = dt.datetime.combine(day, dt.time(9, 30), tzinfo=self.zone)
        late = rng.random() < 0.1
        early = dt.timedelta(minutes=rng.randrange(5, 120))
        posted = starts + dt.timedelta(minutes=rng.randrange(3, 10)) if late else starts - early
        timing = Timing.DURING if late else Timing.BEFORE
        self.entries.append(
            Entry(stand_up_id=stand_up_id, person=person, timing=timing, posted_at=posted, updated_at=posted)
        )
        self.lines.append((stand_up_id, person.pk, lines))

    def write(self, stand_up_ids: Sequence[int]) -> int:
        Entry.objects.bulk_create(self.entries, batch_size=BATCH)
        ids = {
            (stand_up_id, person_id): pk
            for pk, stand_up_id, person_id in Entry.objects.filter(stand_up_id__in=stand_up_ids).values_list(
                "pk", "stand_up_id", "person_id"
            )
        }
        items = []
        for stand_up_id, person_id, lines in self.lines:
            positions: dict[str, int] = defaultdict(int)
            for section, text, link in lines:
                items.append(
                    EntryItem(
                        entry_id=ids[(stand_up_id, person_id)], section=section, text=text,
                        key_result_id=link[1] if link and link[0] == "kr" else None,
                        action_step_id=link[1] if link and link[0] == "step" else None,
                        position=positions[section],
                    )
                )  # fmt: skip
                positions[section] += 1
        EntryItem.objects.bulk_create(items, batch_size=BATCH)
        return len(self.entries)


def _absences(
    rng: random.Random, people: list[Person], since: dt.date, weeks: int
) -> dict[int, tuple[dt.date, dt.date]]:
    """A few people away for some days (recorded through the service, with their history)."""
    away: dict[int, tuple[dt.date, dt.date]] = {}
    for person in rng.sample(people, min(ABSENT_PEOPLE, len(people))):
        start = since + dt.timedelta(days=rng.randrange(max(1, weeks * 7 - 5)))
        end = start + dt.timedelta(days=rng.randrange(1, 5))
        absence_create(actor=None, person=person, start=start, end=end, note=rng.choice(("年假", "出差", "病假")))
        away[person.pk] = (start, end)
    return away


def build_standups(*, today: dt.date, now: dt.datetime, weeks: int, seed: int) -> int:
    """Stand-ups of every team for the last `weeks` weeks; answers how many entries were written."""
    rng = random.Random(seed)  # noqa: S311 — a repeatable demo, not a secret
    teams = list(Team.objects.select_related("lead", "department").order_by("pk"))
    if not teams or weeks <= 0:
        return 0
    since = today - dt.timedelta(weeks=weeks)
    schedules = _schedules(teams, now, weeks)
    days = _workdays(since, today, _holidays(today, since))
    members = _members(teams)
    everyone = [p for people in members.values() for p in people]
    away = _absences(rng, everyone, since, weeks)
    zone = now.tzinfo or dt.UTC
    stand_ups = []
    for team in teams:
        for day in days:
            starts = dt.datetime.combine(day, dt.time(9, 30), tzinfo=zone)
            past = day < today
            stand_ups.append(
                StandUp(team=team, schedule=schedules[team.pk], day=day, starts_at=starts, duration_minutes=15,
                        closed_at=starts + dt.timedelta(minutes=16) if past else None,
                        closed_by=team.lead if past else None, created_at=starts - dt.timedelta(hours=2))
            )  # fmt: skip
    StandUp.objects.bulk_create(stand_ups, batch_size=BATCH)
    by_key = {(s.team_id, s.day): s.pk for s in StandUp.objects.filter(team__in=teams).only("pk", "team", "day")}
    plan = _Plan(rng=rng, today=today, zone=zone, links=_links(everyone, today))
    for team in teams:
        for day in days:
            for person in members[team.pk]:
                span = away.get(person.pk)
                if not (span and span[0] <= day <= span[1]):
                    plan.entry(by_key[(team.pk, day)], person, day)
    written = plan.write(list(by_key.values()))
    _recent_blockers(today=today, zone=zone, teams={t.pk: t for t in teams})
    return written


def _recent_blockers(*, today: dt.date, zone: dt.tzinfo, teams: dict[int, Team]) -> None:
    """EXE-2: the blocker lines of the last days, as blockers with an owner (the team's lead when it is not the
    poster's own to settle) and the people concerned."""
    recent = (
        EntryItem.objects.filter(
            section=Section.BLOCKER, entry__stand_up__day__gte=today - dt.timedelta(days=BLOCKER_DAYS)
        )
        .select_related("entry__person", "entry__stand_up")
        .order_by("entry__stand_up__day", "pk")
    )
    for index, item in enumerate(recent):
        stand_up = item.entry.stand_up
        team = teams[stand_up.team_id]
        poster = item.entry.person
        owner = team.lead if team.lead is not None and index % 2 == 0 else poster
        blocker = blocker_create(
            actor=poster,
            title=item.text,
            owner=owner,
            concerned=[p for p in (team.lead, poster) if p is not None and p != owner],
            team=team,
            source=BlockerSource.STAND_UP,
            source_id=stand_up.pk,
            now=dt.datetime.combine(stand_up.day, dt.time(9, 0), tzinfo=zone),
        )
        EntryItem.objects.filter(pk=item.pk).update(blocker=blocker)
