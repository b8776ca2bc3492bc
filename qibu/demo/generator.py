"""The deterministic demo company (杭州云舟科技), for `make run`, the tests and the benchmark.

`generate_company(people=60, seed=7)` builds the same company for the same seed and day: vision and
mission, strategic goals (VIS-2), the annual cycle with quarters, departments (sub-departments appear
once a department outgrows about 40 people), teams, people with managers, company annual and quarterly
OKRs, department, team and personal OKRs aligned upwards (SET-6), mostly written by their owners
(SET-7), and weekly check-ins with notes, confidence falls with reasons (EXE-4) and a few stale key
results (MEAS-8). The quarter before the current one is finished (PLAY-EXEC): OKRs at every level on the same
themes, fortnightly check-ins to its last day and everyone's submitted self-assessment (`_close_the_loop`); it
comes from its own random stream, so the current quarter's OKRs and check-ins are the same with or without it
(the year's objectives roll its results up too).

Rows are written with `bulk_create` in batches rather than through the per-object services, so that
10,000 people (about 700,000 check-ins) load in minutes; the stored roll-ups are then computed by the
same code the services use (`qibu.okrs.progress` for key results, `qibu.okrs.rollup` for objectives),
so they equal what the services would have stored.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from qibu.audit.models import AuditEntry
from qibu.blockers.models import Blocker
from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.services import cycles_generate_year
from qibu.demo import content
from qibu.demo.approval import build_approval
from qibu.demo.assessments import build_self_assessments
from qibu.demo.blockers import build_blockers
from qibu.demo.celebrate import demo_celebrations
from qibu.demo.coach import build_coach
from qibu.demo.corrections import build_corrections
from qibu.demo.meetings import build_meetings
from qibu.demo.oneonones import build_one_on_ones
from qibu.demo.planning import build_planning
from qibu.demo.plans import build_plans
from qibu.demo.projects import build_projects
from qibu.demo.reflect import demo_reflections
from qibu.demo.standups import build_standups
from qibu.demo.strategy import build_strategy, trace_company_objectives
from qibu.demo.updates import demo_updates
from qibu.demo.workshop import demo_workshop
from qibu.meetings.models import Meeting as WeeklyMeeting
from qibu.okrs import progress as meas
from qibu.okrs import rollup
from qibu.okrs.models import (
    Alignment,
    CheckIn,
    KeyResult,
    Level,
    Milestone,
    Objective,
    Priority,
    RollupMode,
    Status,
    Visibility,
)
from qibu.oneonones.models import Series as OneOnOneSeries
from qibu.org.models import Department, Organisation, Person, Role, StrategicGoal, Team
from qibu.org.services import department_create
from qibu.projects.models import Project
from qibu.reflect.models import Reflection
from qibu.rhythm.models import Holiday
from qibu.search.services import search_reindex
from qibu.standups.models import StandUp
from qibu.workshop.models import Workshop

BATCH = 2000
# A department (or sub-department) holds about this many people before it is split.
UNIT_CAPACITY = 40
# People per chunk of personal OKRs written at once: bounds memory at any company size.
PEOPLE_PER_CHUNK = 300
FALL_SHARE = 0.03
STALE_SHARE = 0.04
BAND_SLIP_SHARE = 0.1
DEMO_DOMAIN = "example.com"
ADMIN_USERNAME = "admin"
# Departments whose weekly meetings the demo holds (the first two top departments with a head).
MEETING_DEPARTMENTS = 2

# Share of the members of each department, by its content key.
DEPARTMENT_WEIGHTS: dict[str, int] = {
    "rd": 6,
    "platform": 14,
    "hardware": 8,
    "sales": 18,
    "marketing": 8,
    "cs": 12,
    "hr": 4,
    "finance": 4,
}

_K = TypeVar("_K")
_CN_DIGITS = "零一二三四五六七八九"
_QUARTER_WORDS = {1: "一季度", 2: "二季度", 3: "三季度", 4: "四季度"}


@dataclass(frozen=True)
class DemoSignIn:
    username: str
    role: str
    full_name: str
    where: str


@dataclass
class DemoSummary:
    people: int = 0
    departments: int = 0
    teams: int = 0
    objectives: int = 0
    key_results: int = 0
    check_ins: int = 0
    self_assessments: int = 0
    seconds: float = 0.0
    password: str | None = None
    sign_ins: list[DemoSignIn] = field(default_factory=list)


def minimum_people() -> int:
    """Executives, one head per department and at least one member in each."""
    return len(content.EXECUTIVES) + 2 * len(content.DEPARTMENTS)


def generate_company(
    *,
    people: int = 60,
    seed: int = 7,
    today: dt.date | None = None,
    checkin_weeks: int = 8,
    password: str | None = "demo",  # noqa: S107 — the demo company's published password
    finished_quarter: bool = True,
) -> DemoSummary:
    """Build the demo company in an empty database; the same seed and day give the same company.

    `people` counts the employees; the administrator account `admin` comes on top. `finished_quarter=False` leaves
    out the quarter before the current one and its close (the benchmark measures the current quarter's pages, and
    every self-assessment of a finished quarter goes through the services, minutes for 10,000 people).
    """
    if people < minimum_people():
        raise ValueError(f"The demo company needs at least {minimum_people()} people.")
    if checkin_weeks < 0:
        raise ValueError("checkin_weeks cannot be negative.")
    started = time.perf_counter()
    with transaction.atomic():
        builder = _Builder(
            people=people,
            seed=seed,
            today=today,
            weeks=checkin_weeks,
            password=password,
            finished_quarter=finished_quarter,
        )
        summary = builder.build()
        # Rows were written in bulk, past the services that set the search keys.
        search_reindex()
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def wipe_company() -> None:
    """Delete the OKR and organisation data (people, departments, cycles, history); keeps the policy row.

    Raises django.db.models.ProtectedError when another app keeps rows that point at them.
    """
    with transaction.atomic():
        Holiday.objects.all().delete()
        Workshop.objects.all().delete()  # with its groups, notes, votes and record; its moderator is kept from deletion
        # The weekly meetings (the management's have no department to go with) and their commitments, whose owners
        # are kept from deletion while they have any; the stand-ups with their entries.
        WeeklyMeeting.objects.all().delete()
        StandUp.objects.all().delete()
        Blocker.objects.all().delete()  # their owners are kept from deletion while they have any
        Reflection.objects.all().delete()  # with their measures, whose owners are kept from deletion
        OneOnOneSeries.objects.all().delete()  # with their meetings, points, notes and requests (the pair's)
        Project.objects.all().delete()  # with its members and stages, whose cycles go below
        CheckIn.objects.all().delete()
        Alignment.objects.all().delete()
        Milestone.objects.all().delete()
        KeyResult.objects.all().delete()
        Objective.objects.all().delete()
        AuditEntry.objects.all().delete()
        Department.objects.update(head=None, parent=None)
        Person.objects.update(manager=None, department=None, team=None)
        Team.objects.all().delete()
        Department.objects.all().delete()
        Person.objects.all().delete()
        StrategicGoal.objects.all().delete()
        Cycle.objects.all().delete()


# --- the plan of one objective before it is written ---------------------------------------------


@dataclass
class _KeyResultPlan:
    key_result: KeyResult
    # (created_at, value, milestones done, confidence, previous confidence, reason, note, raw, clamped)
    check_ins: list[tuple[dt.datetime, Decimal, int, int, int, str, str, Decimal, Decimal]]
    milestones: list[Milestone] = field(default_factory=list)


@dataclass
class _ObjectivePlan:
    objective: Objective
    key_results: list[_KeyResultPlan]
    parent_objective: Objective | None = None
    parent_key_result: KeyResult | None = None


@dataclass
class _Unit:
    """A department that holds people and department OKRs (a content department or one of its splits)."""

    key: str
    department: Department
    head: Person | None = None
    size: int = 0  # members besides the head
    members: list[Person] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    objectives: list[_ObjectivePlan] = field(default_factory=list)
    parent_unit: _Unit | None = None


def _decimal(value: float) -> Decimal:
    return Decimal(str(value))


def _places(*values: float) -> int:
    places = 0
    for value in values:
        text = str(value)
        if "." in text:
            places = max(places, len(text.split(".")[1].rstrip("0")))
    return places


def _chinese_number(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _allocate(total: int, weights: Mapping[_K, int]) -> dict[_K, int]:
    """Split `total` by weight (largest remainder), at least one each."""
    keys = list(weights)
    rest = total - len(keys)
    whole = sum(weights.values())
    exact = {k: rest * weights[k] / whole for k in keys}
    shares = {k: 1 + math.floor(exact[k]) for k in keys}
    left = total - sum(shares.values())
    for k in sorted(keys, key=lambda k: (-(exact[k] - math.floor(exact[k])), keys.index(k)))[:left]:
        shares[k] += 1
    return shares


class _Builder:
    def __init__(
        self, *, people: int, seed: int, today: dt.date | None, weeks: int, password: str | None, finished_quarter: bool
    ) -> None:
        self.people = people
        self.finished_quarter = finished_quarter
        self.rng = random.Random(seed)  # noqa: S311 — a repeatable demo, not a secret
        self.weeks = weeks
        self.password = password
        self.password_hash = make_password(password)  # once: hashing per person is far too slow
        self.summary = DemoSummary(password=password)
        self.usernames: set[str] = {ADMIN_USERNAME}
        self.full_names: set[str] = set()
        # Common surnames more often than rare ones (the content lists them by frequency).
        self.surname_weights = list(itertools.accumulate(1 / (i + 8) for i in range(len(content.SURNAMES))))
        self.today_given = today
        # The finished quarter has its own stream, so the current quarter is the same with or without it.
        self.past_rng = random.Random(f"{seed}-finished-quarter")  # noqa: S311

    # --- the frame: organisation, cycles, departments, people ---------------------------------

    def build(self) -> DemoSummary:
        self._organisation()
        self._cycles()
        self._departments()
        self._people()
        self._company_okrs()
        self._department_okrs()
        self._team_and_personal_okrs()
        self._finished_quarter_okrs()
        self._finish()
        build_approval(
            organisation=self.organisation, ceo=self.ceo, showcase=self.sales_member, now=self.now, quarter=self.quarter
        )
        build_coach(self.organisation)
        build_strategy(year=self.year, quarter=self.quarter, ceo=self.ceo, member=self.sales_member)
        if self.finished_quarter:
            trace_company_objectives(year=self.past_year, quarter=self.past_quarter)
        build_plans(quarter=self.quarter, departments=[(k, u.department) for k, u in self.top_units.items()],
                    today=self.today, seed=self.rng.randrange(2**31))  # fmt: skip
        build_planning(quarter=self.quarter, ceo=self.ceo, executives=self.exec_by_key)
        build_corrections(quarter=self.quarter, now=self.now)
        build_projects(
            today=self.today,
            people=[(unit.key, person) for unit in self.units for person in unit.members],
            heads={key: unit.head for key, unit in self.top_units.items() if unit.head is not None},
            company_objectives=[plan.objective for plan in self.company_quarterly],
            department_objectives={unit.key: unit.objectives[0].objective for unit in self.units if unit.objectives},
            weeks=self.weeks,
        )
        build_meetings(
            organisation=self.organisation,
            today=self.today,
            departments=[
                (unit.department, unit.head, unit.members)
                for unit in list(self.top_units.values())[:MEETING_DEPARTMENTS]
                if unit.head is not None
            ],
            ceo=self.ceo,
            executives=list(self.exec_by_key.values()),
            seed=self.rng.randrange(2**31),
            weeks=min(self.weeks, 8),
        )
        build_blockers(organisation=self.organisation, quarter=self.quarter, now=self.now,
                       departments=[(k, u.department) for k, u in self.top_units.items()],
                       seed=self.rng.randrange(2**31))  # fmt: skip
        build_standups(today=self.today, now=self.now, weeks=self.weeks, seed=self.rng.randrange(2**31))
        build_one_on_ones(
            heads=[unit.head for unit in self.top_units.values() if unit.head is not None],
            ceo=self.ceo,
            now=self.now,
            seed=self.rng.randrange(2**31),
        )
        # Last, so that nothing it adds changes what the builders of the current quarter chose.
        self._close_the_loop()
        if self.finished_quarter:
            self._workshop()
        return self.summary

    def _workshop(self) -> None:
        """PLAY-ANNUAL: the January workshop of the executives and the department heads, whose result is this
        year's company objectives (`qibu.demo.workshop`)."""
        heads = [unit.head for unit in self.top_units.values() if unit.head is not None]
        others = [person for unit in self.units for person in unit.members[:1]]
        participants = list(dict.fromkeys([*self.executives[2:], *heads, *others]))[:20]
        demo_workshop(
            year=self.year,
            ceo=self.ceo,
            moderator=self.executives[1] if len(self.executives) > 1 else self.ceo,
            participants=participants,
            annual=[plan.objective for plan in self.annual],
        )

    def _close_the_loop(self) -> None:
        """PLAY-EXEC for the finished quarter, whose OKRs were set and agreed and checked in fortnightly to its last day
        (`_finished_quarter_okrs`): everyone who owns a key result of it submits their self-assessment through the
        assess services, which scores its key results and objectives.

        Then, through their services, the reflections (qibu/demo/reflect.py), the update, which carries the kept
        objectives into the current quarter and closes the finished one (qibu/demo/updates.py), and the celebrations
        (qibu/demo/celebrate.py). Each draws on the finished quarter's own random stream, so the current quarter's
        own OKRs stay the same.
        """
        if not self.finished_quarter:
            return
        submitted = build_self_assessments(quarter=self.past_quarter, rng=self.past_rng, now=self.now, zone=self.tz)
        self.summary.self_assessments = submitted
        past, current, rng = self.past_quarter, self.quarter, self.past_rng
        demo_reflections(quarter=past, next_quarter=current, rng=rng)
        demo_updates(quarter=past, next_quarter=current, rng=rng)  # closes the finished quarter (UPD-5)
        demo_celebrations(quarter=past, next_quarter=current, rng=rng)

    def _organisation(self) -> None:
        company = content.COMPANY
        self.organisation, _created = Organisation.objects.update_or_create(
            pk=1,
            defaults={
                "name": company["name"],
                "vision": company["vision"],
                "mission": company["mission"],
                "fiscal_year_start_month": 1,
                "time_zone": "Asia/Shanghai",
                "default_language": "zh-hans",
            },
        )
        self.tz = self.organisation.zone
        StrategicGoal.objects.bulk_create(
            [StrategicGoal(title=title, position=i) for i, title in enumerate(company["strategic_goals"])]
        )
        now = timezone.now()
        self.today = self.today_given or timezone.localtime(now, self.tz).date()
        # The weekly check-ins end on `today` at half past five. The schedule (and so every value)
        # depends on the day only; a time still in the future is pulled back to just before now.
        self.anchor = dt.datetime.combine(self.today, dt.time(17, 30), tzinfo=self.tz)
        self.now = now

    def _cycles(self) -> None:
        self.year = cycles_generate_year(actor=None, fiscal_year=self.today.year, start_month=1)
        self.quarter = Cycle.objects.get(kind=CycleKind.QUARTER, start__lte=self.today, end__gte=self.today)
        self.quarter_number = (self.quarter.start.month - 1) // 3 + 1
        self.quarter_slots = self._slots(self.quarter)
        self.year_slots = self._slots(self.year)
        # The quarter before this one, finished (in the first quarter, the last of the year before).
        self.past_quarter = self._quarter_before(self.quarter)
        past_year = self.past_quarter.parent
        if past_year is None:
            raise ValueError(f"the quarter {self.past_quarter} has no year")
        self.past_year = past_year
        self.past_quarter_number = (self.past_quarter.start.month - 1) // 3 + 1
        # When each cycle's key results are checked in.
        self.slots: dict[int, list[dt.datetime]] = {
            self.year.pk: self.year_slots,
            self.quarter.pk: self.quarter_slots,
            self.past_quarter.pk: self._fortnightly(self.past_quarter),
        }
        if self.past_year.pk != self.year.pk:
            self.slots[self.past_year.pk] = self._fortnightly(self.past_year)

    def _quarter_before(self, quarter: Cycle) -> Cycle:
        before = Cycle.objects.filter(kind=CycleKind.QUARTER, end__lt=quarter.start).order_by("-start").first()
        if before is None:
            cycles_generate_year(actor=None, fiscal_year=quarter.start.year - 1, start_month=1)
            before = Cycle.objects.filter(kind=CycleKind.QUARTER, end__lt=quarter.start).order_by("-start").first()
        if before is None:
            raise ValueError(f"no quarter before {quarter}")
        return before

    def _fortnightly(self, cycle: Cycle) -> list[dt.datetime]:
        """A finished cycle's check-ins: every second week from its second week to its last day (cheap, and enough for
        its charts), at most `weeks` of them."""
        end = dt.datetime.combine(cycle.end, dt.time(17, 30), tzinfo=self.tz)
        first = dt.datetime.combine(cycle.start + dt.timedelta(days=7), dt.time(17, 30), tzinfo=self.tz)
        count = min(self.weeks, max(1, round((end - first).days / 14) + 1))
        if count == 0:
            return []
        if count == 1:
            return [end]
        step = (end - first) / (count - 1)
        return [first + step * k for k in range(count)]

    def _slots(self, cycle: Cycle) -> list[dt.datetime]:
        """When the weekly check-ins happen: weekly up to today, squeezed when the cycle is younger."""
        if self.weeks == 0:
            return []
        earliest = min(dt.datetime.combine(cycle.start, dt.time(9, 0), tzinfo=self.tz), self.anchor)
        first = max(self.anchor - dt.timedelta(days=7 * (self.weeks - 1)), earliest)
        step = (self.anchor - first) / (self.weeks - 1) if self.weeks > 1 else dt.timedelta(0)
        return [first + step * k for k in range(self.weeks)]

    def _text(self, text: str) -> str:
        """The content is written for the fourth quarter; other quarters get their own name."""
        if self.quarter_number == 4:
            return text
        return text.replace("四季度", _QUARTER_WORDS[self.quarter_number])

    def _departments(self) -> None:
        members = self.people - len(content.EXECUTIVES) - len(content.DEPARTMENTS)
        shares = _allocate(members, {d["key"]: DEPARTMENT_WEIGHTS.get(d["key"], 5) for d in content.DEPARTMENTS})
        self.top_units: dict[str, _Unit] = {}
        self.units: list[_Unit] = []
        for spec in content.DEPARTMENTS:
            parent = self.top_units[spec["parent"]].department if spec["parent"] else None
            top = _Unit(key=spec["key"], department=department_create(actor=None, name=spec["name"], parent=parent))
            self.top_units[spec["key"]] = top
            share = shares[spec["key"]]
            if share <= UNIT_CAPACITY:
                top.size = share
                self.units.append(top)
                continue
            splits = math.ceil(share / (UNIT_CAPACITY + 1))
            stem = spec["name"].removesuffix("部")
            sizes = _allocate(share, dict.fromkeys(range(splits), 1))
            for i in range(splits):
                sub = _Unit(
                    key=spec["key"],
                    department=department_create(
                        actor=None, name=f"{stem}{_chinese_number(i + 1)}部", parent=top.department
                    ),
                    parent_unit=top,
                )
                # One of each split's people is its head.
                sub.size = sizes[i] - 1
                self.units.append(sub)
        self.summary.departments = Department.objects.count()

    def _name(self) -> tuple[str, str]:
        """A Chinese name and its pinyin username (zhang.wei, then zhang.wei2 …)."""
        for _attempt in range(6):
            surname = self.rng.choices(content.SURNAMES, cum_weights=self.surname_weights)[0]
            given = self.rng.choice(content.GIVEN_NAMES)
            if surname + given not in self.full_names:
                break
        full_name = surname + given
        self.full_names.add(full_name)
        stem = "".join(content.PINYIN[c] for c in surname) + "." + "".join(content.PINYIN[c] for c in given)
        username, n = stem, 1
        while username in self.usernames:
            n += 1
            username = f"{stem}{n}"
        self.usernames.add(username)
        return username, full_name

    def _person(
        self,
        *,
        role: str,
        job_title: str,
        department: Department | None,
        manager: Person | None,
        team: Team | None = None,
        username: str | None = None,
        full_name: str | None = None,
    ) -> Person:
        if username is None or full_name is None:
            username, full_name = self._name()
        return Person(
            username=username,
            full_name=full_name,
            email=f"{username}@{DEMO_DOMAIN}",
            password=self.password_hash,
            role=role,
            job_title=job_title,
            department=department,
            manager=manager,
            team=team,
        )

    def _people(self) -> None:
        """People in layers, so that everyone's manager is written before them."""
        self._leadership()
        specs = {d["key"]: d for d in content.DEPARTMENTS}
        self._department_heads(specs)
        self._teams_and_members(specs)
        self.summary.people = self.people

    def _leadership(self) -> None:
        """The administrator, the CEO and the executives, each heading a top department or none."""
        admin = self._person(
            role=Role.ADMIN,
            job_title="系统管理员",
            department=None,
            manager=None,
            username=ADMIN_USERNAME,
            full_name="系统管理员",
        )
        execs = content.EXECUTIVES
        ceo = self._person(role=Role.EXECUTIVE, job_title=execs[0]["title"], department=None, manager=None)
        Person.objects.bulk_create([admin, ceo])
        self.admin, self.ceo = admin, ceo
        self.exec_by_key: dict[str, Person] = {}
        self.executives: list[Person] = [ceo]
        for executive in execs[1:]:
            key = executive["department"]
            dept = self.top_units[key].department if key else None
            person = self._person(role=Role.EXECUTIVE, job_title=executive["title"], department=dept, manager=ceo)
            self.executives.append(person)
            if key:
                self.exec_by_key[key] = person
        Person.objects.bulk_create(self.executives[1:])
        self.exec_key = {p.pk: e["department"] for p, e in zip(self.executives, execs, strict=True)}

    def _head_manager(self, key: str, spec: Any) -> Person | None:
        """Who a content department's head reports to: its executive, else its parent's head, else the CEO."""
        if key in self.exec_by_key:
            return self.exec_by_key[key]
        if spec["parent"]:
            return self.top_units[spec["parent"]].head
        return self.ceo

    def _department_heads(self, specs: dict[str, Any]) -> None:
        """Heads of the content departments (parents before children), then of the splits."""
        for depth_parent in (False, True):
            layer = []
            for key, unit in self.top_units.items():
                spec = specs[key]
                if (spec["parent"] is not None) != depth_parent:
                    continue
                unit.head = self._person(
                    role=Role.DEPARTMENT_HEAD,
                    job_title=spec["head_title"],
                    department=unit.department,
                    manager=self._head_manager(key, spec),
                )
                layer.append(unit.head)
            Person.objects.bulk_create(layer)
        layer = []
        for unit in self.units:
            if unit.parent_unit is not None:
                unit.head = self._person(
                    role=Role.DEPARTMENT_HEAD,
                    job_title=f"{unit.department.name}经理",
                    department=unit.department,
                    manager=unit.parent_unit.head,
                )
                layer.append(unit.head)
        Person.objects.bulk_create(layer, batch_size=BATCH)
        for unit in [*self.top_units.values(), *self.units]:
            unit.department.head = unit.head
        Department.objects.bulk_update(
            [u.department for u in {id(u): u for u in [*self.top_units.values(), *self.units]}.values()],
            ["head"],
            batch_size=BATCH,
        )

    def _teams_and_members(self, specs: dict[str, Any]) -> None:
        """Teams, then their leads, then everyone else."""
        teams: list[Team] = []
        for unit in self.units:
            names = specs[unit.key]["teams"]
            count = min(len(names), max(1, unit.size // 4))
            unit.teams = [Team(name=name, department=unit.department) for name in names[:count]]
            teams.extend(unit.teams)
        Team.objects.bulk_create(teams, batch_size=BATCH)
        self.summary.teams = len(teams)
        leads: list[Person] = []
        others: list[Person] = []
        for unit in self.units:
            unit.members = [
                self._member(unit, i, specs[unit.key]["member_titles"], leads, others) for i in range(unit.size)
            ]
        Person.objects.bulk_create(leads, batch_size=BATCH)
        Team.objects.bulk_update(teams, ["lead"], batch_size=BATCH)
        Person.objects.bulk_create(others, batch_size=BATCH)

    def _member(self, unit: _Unit, i: int, titles: list[str], leads: list[Person], others: list[Person]) -> Person:
        """The unit's i-th member: the first of each team leads it, the others report to their team's lead."""
        team = unit.teams[i % len(unit.teams)]
        if i < len(unit.teams):
            title = f"{team.name}组长" if team.name.endswith("组") else f"{team.name}负责人"
            person = self._person(
                role=Role.MEMBER, job_title=title, department=unit.department, manager=unit.head, team=team
            )
            team.lead = person
            leads.append(person)
        else:
            person = self._person(
                role=Role.MEMBER,
                job_title=self.rng.choice(titles),
                department=unit.department,
                manager=team.lead,
                team=team,
            )
            others.append(person)
        return person

    # --- OKRs --------------------------------------------------------------------------------

    def _objective(
        self,
        spec: content.Objective,
        *,
        cycle: Cycle,
        level: str,
        owner: Person,
        author: Person,
        priority: int,
        department: Department | None = None,
        team: Team | None = None,
        title: str | None = None,
        key_results: Sequence[content.KeyResult] | None = None,
        topic: str | None = None,
        visibility: str = Visibility.COMPANY,
        rollup_mode: str = RollupMode.KEY_RESULTS,
        force_fall: int | None = None,
        force_stale: int | None = None,
        fall_topic: str | None = None,
    ) -> _ObjectivePlan:
        objective = Objective(
            title=self._text(title or spec["title"])[:200],
            description=self._text(spec["description"]),
            cycle=cycle,
            level=level,
            owner=owner,
            department=department,
            team=team,
            author=author,
            priority=priority,
            commitment=spec["commitment"],
            visibility=visibility,
            status=Status.ACTIVE,
            rollup_mode=rollup_mode,
            start_date=cycle.start,
            end_date=cycle.end,
        )
        krs = [
            self._key_result(
                objective,
                kr,
                position=i,
                topic=topic,
                fall=force_fall == i,
                stale=force_stale == i,
                fall_topic=fall_topic,
            )
            for i, kr in enumerate(key_results if key_results is not None else spec["krs"])
        ]
        return _ObjectivePlan(objective=objective, key_results=krs)

    def _key_result(
        self,
        objective: Objective,
        spec: content.KeyResult,
        *,
        position: int,
        topic: str | None,
        fall: bool,
        stale: bool,
        fall_topic: str | None = None,
    ) -> _KeyResultPlan:
        """A key result and its check-ins: values rising with the cycle, confidence following the pace."""
        rng = self.rng
        kind = spec["kind"]
        milestones = list(spec.get("milestones", [])) if kind == "milestones" else []
        if kind in ("milestones", "boolean"):
            start, target = Decimal(0), Decimal(1)
        else:
            start, target = _decimal(spec["start"]), _decimal(spec["target"])
        low = _decimal(spec["low"]) if kind == "band" else None
        high = _decimal(spec["high"]) if kind == "band" else None
        places = _places(spec["start"], spec["target"], spec.get("low", 0), spec.get("high", 0))
        if spec["unit"] in ("%", "分"):
            places = max(places, 1)
        quantum = Decimal(1).scaleb(-places)
        initial_confidence = rng.choice((50, 60, 60, 70, 70, 80))
        kr = KeyResult(
            objective=objective,
            title=self._text(spec["title"])[:200],
            kind=kind,
            start_value=start,
            target_value=target,
            current_value=start,
            unit=spec["unit"][:20],
            band_low=low,
            band_high=high,
            owner=objective.owner,
            start_date=objective.start_date,
            end_date=objective.end_date,
            confidence=initial_confidence,
            position=position,
        )
        fall = fall or rng.random() < FALL_SHARE
        stale = stale or rng.random() < STALE_SHARE
        slots = self.slots[objective.cycle.pk]
        last = len(slots) - 1
        if stale:
            cutoff = self.anchor - dt.timedelta(days=self.organisation.checkin_cadence_days + 2)
            last = max((k for k, at in enumerate(slots) if at <= cutoff), default=-1)
        fall_at = rng.randint(max(1, last // 2), last) if fall and last >= 1 else None
        slip_at = rng.randint(0, last) if kind == "band" and last >= 0 and rng.random() < BAND_SLIP_SHARE else None
        perf = rng.uniform(0.55, 1.25)
        notes = self._notes(topic)
        fraction = 0.0
        confidence = initial_confidence
        value = kr.current_value
        done = 0
        check_ins = []
        cycle = objective.cycle
        for k in range(last + 1):
            step = (slots[k] - slots[k - 1]) if k else dt.timedelta(days=7)
            jitter = min(step / 3, dt.timedelta(hours=5)) * rng.random()
            at = slots[k] - jitter
            if at >= self.now:
                at = self.now - dt.timedelta(minutes=len(slots) - k)  # still in order, just before now
            elapsed = cycle.elapsed_share(timezone.localtime(slots[k], self.tz).date())
            fraction = max(fraction, min(1.15, perf * elapsed + rng.uniform(-0.04, 0.05)))
            if kind == "milestones":
                done = min(len(milestones), math.floor(fraction * len(milestones) + 0.15))
                value = kr.current_value
            else:
                value = self._value(kr, fraction, quantum, slipped=k == slip_at)
            result = meas.key_result_progress(
                kind=kind,
                start=start,
                target=target,
                current=value,
                band_low=low,
                band_high=high,
                milestones=[(Decimal(1), i < done) for i in range(len(milestones))],
            )
            previous = confidence
            reason = ""
            if k == fall_at:
                confidence = max(5, previous - rng.randint(30, 55))
                reason = self._reason(fall_topic or topic)
            else:
                on_pace = result.clamped + Decimal("0.12") >= _decimal(round(elapsed, 4))
                drift = rng.randint(-3, 7) if on_pace else rng.randint(-8, 3)
                confidence = min(95, max(10, previous + drift))
                if fall_at is not None and k < fall_at:
                    confidence = max(confidence, 70)  # the fall comes from a confident start
            note = rng.choice(notes) if (reason or rng.random() < 0.65) else ""
            check_ins.append((at, value, done, confidence, previous, reason, note, result.raw, result.clamped))
        if check_ins:
            at, value, done, confidence, _previous, _reason, _note, raw, clamped = check_ins[-1]
            kr.current_value, kr.confidence, kr.last_checkin_at = value, confidence, at
            kr.progress_raw, kr.progress = raw, clamped
        else:
            result = meas.key_result_progress(
                kind=kind,
                start=start,
                target=target,
                current=kr.current_value,
                band_low=low,
                band_high=high,
                milestones=[(Decimal(1), False)] * len(milestones),
            )
            kr.progress_raw, kr.progress = result.raw, result.clamped
        plan = _KeyResultPlan(key_result=kr, check_ins=check_ins)
        plan.milestones = [
            Milestone(key_result=kr, title=self._text(t)[:200], position=i, done=i < done)
            for i, t in enumerate(milestones)
        ]
        return plan

    def _value(self, kr: KeyResult, fraction: float, quantum: Decimal, *, slipped: bool) -> Decimal:
        """A numeric key result's value once `fraction` of the way: on the line from start to target, inside its
        band (or just below it, the week it slips), done from 90 %."""
        start, target = kr.start_value, kr.target_value
        if kr.kind in ("increase", "decrease"):
            raw_value = start + (target - start) * _decimal(round(fraction, 4))
            return raw_value.quantize(quantum, rounding=ROUND_HALF_UP)
        if kr.kind == "band":
            low, high = kr.band_low, kr.band_high
            if low is None or high is None:
                raise ValueError(f"the band key result {kr.title!r} has no limits")
            half = (high - low) / 2
            value = target + half * _decimal(round(self.rng.uniform(-0.5, 0.5), 3))
            value = min(high, max(low, value)).quantize(quantum, rounding=ROUND_HALF_UP)
            if slipped:
                value = (low - quantum * self.rng.randint(1, 5)).quantize(quantum)
            return value
        return Decimal(1) if fraction >= 0.9 else Decimal(0)

    def _notes(self, topic: str | None) -> list[str]:
        return [
            note
            for note, depts in zip(content.CHECKIN_NOTES, content.CHECKIN_NOTE_DEPARTMENTS, strict=True)
            if not depts or topic is None or topic in depts
        ]

    def _reason(self, topic: str | None) -> str:
        fitting = [
            reason
            for reason, depts in zip(
                content.CONFIDENCE_FALL_REASONS, content.CONFIDENCE_FALL_REASON_DEPARTMENTS, strict=True
            )
            if topic is None or topic in depts
        ]
        return self.rng.choice(fitting or content.CONFIDENCE_FALL_REASONS)

    def _write(self, plans: list[_ObjectivePlan]) -> None:
        """Write a batch of planned objectives with their alignments, key results and check-ins."""
        Objective.objects.bulk_create([p.objective for p in plans], batch_size=BATCH)
        Alignment.objects.bulk_create([a for p in plans if (a := self._alignment(p)) is not None], batch_size=BATCH)
        krs = [k for p in plans for k in p.key_results]
        for p in plans:
            for k in p.key_results:
                k.key_result.objective = p.objective
        KeyResult.objects.bulk_create([k.key_result for k in krs], batch_size=BATCH)
        milestones = []
        for k in krs:
            for m in k.milestones:
                m.key_result = k.key_result
                milestones.append(m)
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        rows: list[CheckIn] = []
        for p in plans:
            for k in p.key_results:
                rows.extend(self._check_in_rows(k, author=p.objective.owner))
                if len(rows) >= BATCH:
                    CheckIn.objects.bulk_create(rows, batch_size=BATCH)
                    self.summary.check_ins += len(rows)
                    rows = []
        CheckIn.objects.bulk_create(rows, batch_size=BATCH)
        self.summary.check_ins += len(rows)
        self.summary.objectives += len(plans)
        self.summary.key_results += len(krs)

    @staticmethod
    def _alignment(plan: _ObjectivePlan) -> Alignment | None:
        if plan.parent_key_result is not None:
            return Alignment(
                child=plan.objective,
                parent_key_result=plan.parent_key_result,
                rollup_parent_id=plan.parent_key_result.objective_id,
            )
        if plan.parent_objective is not None:
            return Alignment(
                child=plan.objective, parent_objective=plan.parent_objective, rollup_parent=plan.parent_objective
            )
        return None

    @staticmethod
    def _check_in_rows(plan: _KeyResultPlan, *, author: Person | None) -> list[CheckIn]:
        ids = [m.pk for m in plan.milestones]
        return [
            CheckIn(
                key_result=plan.key_result,
                author=author,
                created_at=at,
                value=value,
                milestones_done=ids[:done],
                confidence=confidence,
                previous_confidence=previous,
                confidence_reason=reason,
                note=note,
                progress_raw=raw,
                progress=clamped,
            )
            for at, value, done, confidence, previous, reason, note, raw, clamped in plan.check_ins
        ]

    def _company_okrs(self) -> None:
        """Annual OKRs owned by the CEO; quarterly ones owned by the executive who answers for them."""
        self._annual_okrs()
        self._quarterly_company_okrs()

    def _annual_okrs(self) -> None:
        self.annual = [
            self._objective(
                spec,
                cycle=self.year,
                level=Level.COMPANY,
                owner=self.ceo,
                author=self.ceo,
                priority=min(i, Priority.P2),
                rollup_mode=RollupMode.KEY_RESULTS_AND_CHILDREN,
            )
            for i, spec in enumerate(content.COMPANY_ANNUAL_OKRS)
        ]
        self._write(self.annual)

    def _quarterly_company_okrs(self) -> None:
        # Revenue to the COO, product to the CTO, profit to the CFO (in the content's order).
        owners = [self.exec_by_key.get(k, self.ceo) for k in ("sales", "rd", "finance")]
        self.company_quarterly = []
        for i, spec in enumerate(content.COMPANY_QUARTERLY_OKRS):
            owner = owners[i % len(owners)]
            plan = self._objective(
                spec,
                cycle=self.quarter,
                level=Level.COMPANY,
                owner=owner,
                author=owner,
                priority=min(i, Priority.P2),
                topic=self.exec_key.get(owner.pk),
                # EXE-4 in the demo: the Y3 delivery loses confidence, with its reason.
                force_fall=0 if i == 1 else None,
                fall_topic="hardware" if i == 1 else None,
            )
            plan.parent_objective = self.annual[spec.get("parent", i)].objective
            self.company_quarterly.append(plan)
        self._write(self.company_quarterly)

    def _department_okrs(self) -> None:
        """SET-1/SET-6: each department's objectives align to a company key result when one matches,
        else to the company objective; a split's objectives align to its department's."""
        plans: list[_ObjectivePlan] = []
        for unit in [*self.top_units.values(), *self.units]:
            if unit.objectives or unit.head is None:
                continue
            for i, spec in enumerate(content.DEPARTMENT_OKRS[unit.key]):
                plan = self._objective(
                    spec,
                    cycle=self.quarter,
                    level=Level.DEPARTMENT,
                    owner=unit.head,
                    author=unit.head,
                    department=unit.department,
                    priority=min(i, Priority.P2),
                    topic=unit.key,
                )
                if unit.parent_unit is not None:
                    plan.parent_objective = unit.parent_unit.objectives[i].objective
                else:
                    company = self.company_quarterly[spec.get("parent", 0)]
                    titles = {k["title"] for k in spec["krs"]}
                    match = next((k for k in company.key_results if k.key_result.title in titles), None)
                    if match is not None:
                        plan.parent_key_result = match.key_result
                    else:
                        plan.parent_objective = company.objective
                unit.objectives.append(plan)
            if unit.parent_unit is None:
                # Top departments are written first: their splits align to them.
                self._write(unit.objectives)
            else:
                plans.extend(unit.objectives)
        self._write(plans)

    def _team_and_personal_okrs(self) -> None:
        plans: list[_ObjectivePlan] = []
        people_in_chunk = 0
        self.sales_member: Person | None = None
        for unit in self.units:
            led_with_objective = self._team_objectives(unit, plans)
            for person in unit.members:
                self._personal_objectives(unit, person, plans, led=person.pk in led_with_objective)
                people_in_chunk += 1
                if people_in_chunk >= PEOPLE_PER_CHUNK:
                    self._write(plans)
                    plans, people_in_chunk = [], 0
        self._write(plans)

    def _team_objectives(self, unit: _Unit, plans: list[_ObjectivePlan]) -> set[int]:
        """About half the teams take on one of their department's objectives (the first sales team always);
        answers the leads of those teams."""
        led: set[int] = set()
        for t, team in enumerate(unit.teams):
            first_sales_team = unit.key == "sales" and self.sales_member is None and t == 0
            if not (first_sales_team or self.rng.random() < 0.5):
                continue
            index = self.rng.randrange(len(unit.objectives))
            spec = content.DEPARTMENT_OKRS[unit.key][index]
            if team.lead is None:
                raise ValueError(f"the team {team.name!r} has no lead")
            plan = self._objective(
                spec,
                cycle=self.quarter,
                level=Level.TEAM,
                owner=team.lead,
                author=team.lead,
                department=unit.department,
                team=team,
                title=f"{team.name}:{spec['title']}",
                priority=Priority.P1,
                topic=unit.key,
            )
            plan.parent_objective = unit.objectives[index].objective
            plans.append(plan)
            led.add(team.lead.pk)
        return led

    def _personal_objectives(self, unit: _Unit, person: Person, plans: list[_ObjectivePlan], *, led: bool) -> None:
        templates = content.PERSONAL_OKRS[unit.key]
        # SET-3: at most three objectives per owner and cycle, a team objective included.
        count = self.rng.choices((1, 2, 3), weights=(1, 3, 6))[0]
        showcase = False
        if unit.key == "sales" and self.sales_member is None and person.team and person.team.lead is not person:
            self.sales_member, showcase, count = person, True, 3
        if led:
            count = min(count, 2)
        chosen = self.rng.sample(range(len(templates)), min(count, len(templates)))
        for n, index in enumerate(chosen):
            spec = templates[index]
            krs = list(spec["krs"])
            if len(krs) > 1 and self.rng.random() < 0.2:
                krs = krs[:-1]
            # SET-7: most personal OKRs are written by their owners, some by their manager.
            author = person if (showcase or self.rng.random() < 0.85) else (person.manager or person)
            plan = self._objective(
                spec,
                cycle=self.quarter,
                level=Level.PERSON,
                owner=person,
                author=author,
                department=unit.department,
                priority=min(n, Priority.P2),
                key_results=krs,
                topic=unit.key,
                visibility=Visibility.DEPARTMENT if self.rng.random() < 0.04 else Visibility.COMPANY,
                force_fall=0 if showcase and n == 0 else None,
                force_stale=len(krs) - 1 if showcase and n == len(chosen) - 1 else None,
            )
            parent_index = spec.get("parent_dept_okr", 0)
            if parent_index >= len(unit.objectives):
                parent_index = 0
            plan.parent_objective = unit.objectives[parent_index].objective
            plans.append(plan)

    def _finished_quarter_okrs(self) -> None:
        """The quarter before the current one, at every level like the current one and from the same content (so that
        its update can carry its objectives on), with fortnightly check-ins to its last day; its self-assessments come
        in `_close_the_loop`.

        Built by the same methods as the current quarter, pointed for the while at that quarter (its year's annual
        objectives too when it lies in the year before) and drawing on its own random stream."""
        if not self.finished_quarter:
            return
        units = {id(u): u for u in [*self.top_units.values(), *self.units]}.values()
        current = (self.rng, self.year, self.quarter, self.quarter_number, self.annual, self.company_quarterly)
        current_objectives = [(unit, unit.objectives) for unit in units]
        current_showcase = self.sales_member
        self.rng, self.quarter, self.quarter_number = self.past_rng, self.past_quarter, self.past_quarter_number
        for unit in units:
            unit.objectives = []
        if self.past_year.pk != self.year.pk:
            self.year = self.past_year
            self._annual_okrs()
        self._quarterly_company_okrs()
        self._department_okrs()
        self._team_and_personal_okrs()
        self.rng, self.year, self.quarter, self.quarter_number, self.annual, self.company_quarterly = current
        for unit, objectives in current_objectives:
            unit.objectives = objectives
        self.sales_member = current_showcase

    def _finish(self) -> None:
        # Objectives and key results were written when the cycle opened.
        for cycle in {c.pk: c for c in (self.past_year, self.past_quarter, self.year, self.quarter)}.values():
            opened = dt.datetime.combine(cycle.start, dt.time(9, 0), tzinfo=self.tz)
            opened = min(opened, self.now)
            Objective.objects.filter(cycle=cycle).update(created_at=opened, updated_at=opened)
            KeyResult.objects.filter(objective__cycle=cycle).update(created_at=opened)
        # Key results were computed as they were built; only the objectives remain, leaves first.
        rollup.refresh_all(key_results=False)
        sales = self.top_units["sales"]
        self.summary.sign_ins = [
            DemoSignIn(self.admin.username, Role.ADMIN, self.admin.full_name, ""),
            DemoSignIn(self.ceo.username, Role.EXECUTIVE, self.ceo.full_name, self.ceo.job_title),
        ]
        if sales.head is not None:
            self.summary.sign_ins.append(
                DemoSignIn(sales.head.username, Role.DEPARTMENT_HEAD, sales.head.full_name, sales.department.name)
            )
        if self.sales_member is not None:
            dept = self.sales_member.department
            self.summary.sign_ins.append(
                DemoSignIn(
                    self.sales_member.username,
                    Role.MEMBER,
                    self.sales_member.full_name,
                    dept.name if dept else "",
                )
            )
